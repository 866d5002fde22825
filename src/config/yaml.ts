import { CORE_SCHEMA, dump, load, YAMLException, type LoadOptions } from "js-yaml";
import { StackConfigError } from "../errors";
import { excerpt } from "../excerpt";

/**
 * The project's one YAML library is js-yaml: it reads a 10,000-application stack file in a fraction of the time a
 * Document-based parser takes, and its node events give the positions that comment-preserving edits need
 * (see ./yaml-edit.ts). The core schema keeps unquoted dates (expiresAt: 2027-01-01T00:00:00Z) as strings, as the
 * Pulumi program receives them; duplicate keys are errors.
 */

/** Stack files larger than this are refused before parsing (a 10,000-application tenant is about 4 MB). */
export const MAX_YAML_BYTES = 64 * 1024 * 1024;
/** Nesting deeper than this is refused (a tenant spec is about 8 levels deep). */
const MAX_DEPTH = 64;
/**
 * Aliases may not make the document's value larger than this many nodes once expanded: a "billion laughs" document
 * is a few hundred bytes whose aliases expand to billions of nodes, which every reader (validation, error messages,
 * JSON output, the Pulumi engine) would walk.
 */
export const MAX_EXPANDED_NODES = 2_000_000;

export interface NodeRange {
  /** Offset of the node's first character and of the character after its last one. */
  start: number;
  end: number;
}

/** Parses YAML text with the project's limits; errors name the file, the line and what is allowed. */
export function parseYaml(text: string, file: string): unknown {
  return parseWith(text, file, {});
}

/**
 * Parses YAML text and records where each mapping and sequence sits in it, keyed by the parsed object itself, so an
 * editor can change exactly the lines of one node and leave every other byte alone.
 */
export function parseYamlWithRanges(text: string, file: string): { value: unknown; rangeOf: (node: object) => NodeRange | undefined } {
  const ranges = new Map<object, NodeRange>();
  const starts: number[] = [];
  const value = parseWith(text, file, {
    listener(event, state) {
      if (event === "open") {
        starts.push(state.position);
        return;
      }
      const start = starts.pop() ?? 0;
      const result = state.result as unknown;
      if (typeof result === "object" && result !== null && !ranges.has(result)) {
        ranges.set(result, { start: firstContent(text, start), end: state.position });
      }
    },
  });
  return { value, rangeOf: (node) => ranges.get(node) };
}

export function dumpYaml(value: unknown): string {
  return dump(value, { lineWidth: -1, noRefs: true });
}

function parseWith(text: string, file: string, options: Pick<LoadOptions, "listener">): unknown {
  if (text.length > MAX_YAML_BYTES) {
    throw new StackConfigError(`${file}: ${text.length} bytes (allowed: at most ${MAX_YAML_BYTES} bytes for a stack file)`);
  }
  let value: unknown;
  try {
    value = load(text, { filename: file, schema: CORE_SCHEMA, ...options, ...({ maxDepth: MAX_DEPTH } as object) });
  } catch (e) {
    if (e instanceof YAMLException) throw new StackConfigError(`${file}: invalid YAML: ${excerpt(e.message, 400)}`);
    throw e;
  }
  // Aliases need anchors (`&name`): a document without an `&` has none, and its size is its text's.
  if (text.includes("&")) checkExpansion(value, file);
  return value;
}

/**
 * Counts the nodes of the value as every reader would see it (aliases expanded), with each shared object's size
 * computed once, and refuses the document when a path's expansion exceeds the bound.
 */
function checkExpansion(root: unknown, file: string): void {
  const sizes = new Map<object, number>();
  let aliases = 0;
  const at: (string | number)[] = []; // the path being walked, formatted only for the error
  const sizeOf = (value: unknown): number => {
    if (typeof value !== "object" || value === null) return 1;
    const known = sizes.get(value);
    if (known !== undefined) {
      aliases++;
      return known;
    }
    sizes.set(value, 1); // a cycle (an alias to an ancestor) counts once and stops here
    let total = 1;
    const keys: (string | number)[] = Array.isArray(value) ? [...value.keys()] : Object.keys(value);
    for (const key of keys) {
      at.push(key);
      total += sizeOf((value as Record<string | number, unknown>)[key]);
      at.pop();
      if (total > MAX_EXPANDED_NODES) {
        const path = at.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
        throw new StackConfigError(
          `${file}: ${excerpt(path || "(document)", 200)}: YAML aliases expand to more than ${MAX_EXPANDED_NODES} nodes (${aliases} alias uses so far); allowed: a document whose expanded value stays within that bound — write the values out, or use fewer nested aliases`,
        );
      }
    }
    sizes.set(value, total);
    return total;
  };
  sizeOf(root);
}

/** js-yaml reports a node's start before the separating white space; a range starts at its first character. */
function firstContent(text: string, at: number): number {
  let i = at;
  while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  return i;
}
