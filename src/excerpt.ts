/** Messages quote user input at most this many characters (a value from a pull request can be gigabytes). */
export const MAX_EXCERPT_CHARS = 200;

/**
 * A bounded, printable excerpt of any value for an error message: strings as JSON-quoted text, other values as
 * (bounded) JSON; longer than `max` characters, it is cut and says how long it was.
 */
export function excerpt(value: unknown, max = MAX_EXCERPT_CHARS): string {
  const text = typeof value === "string" ? value : describe(value, max);
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length} characters)`;
}

/** A value as JSON, built only as far as `max` characters need, so a huge or shared structure costs nothing. */
function describe(value: unknown, max: number): string {
  let out = "";
  let truncated = false;
  const seen = new Set<object>();
  const write = (s: string) => {
    if (out.length > max) truncated = true;
    else out += s;
  };
  const walk = (v: unknown) => {
    if (truncated) return;
    if (v === null || typeof v !== "object") {
      write(typeof v === "string" ? JSON.stringify(v.length > max ? v.slice(0, max) : v) : String(v));
      return;
    }
    if (seen.has(v)) return write("…");
    seen.add(v);
    if (Array.isArray(v)) {
      write("[");
      v.forEach((x, i) => {
        if (i > 0) write(",");
        walk(x);
      });
      write("]");
    } else {
      write("{");
      Object.entries(v).forEach(([k, x], i) => {
        if (i > 0) write(",");
        write(`${JSON.stringify(k.length > max ? k.slice(0, max) : k)}:`);
        walk(x);
      });
      write("}");
    }
    seen.delete(v);
  };
  walk(value);
  return truncated ? `${out}…` : out;
}
