import type { ParseArgsConfig } from "node:util";
import { TenantReadError } from "../src/errors";
import { EXIT, type Io } from "../src/live/commands";
import { reexecTrustingLocalCa } from "../src/live/local";
import { parseCliArgs } from "./common";

/** Flags that say which tenant to read and as whom (import and drift). */
export const TENANT_OPTIONS = {
  domain: { type: "string" },
  local: { type: "string" },
  ca: { type: "string" },
  "client-id": { type: "string" },
  "key-file": { type: "string" },
  concurrency: { type: "string" },
  dir: { type: "string", default: process.cwd() },
} as const satisfies ParseArgsConfig["options"];

export const TENANT_USAGE =
  "(--domain <tenant> | --local <https://localhost:port> [--ca <local CA>]) [--client-id <id>] [--key-file <private key pem>] [--concurrency 1-4] [--dir <project>]";

/** stdout/stderr, and a progress line on stderr only when it is a terminal. */
export const consoleIo = (): Io => ({
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  ...(process.stderr.isTTY ? { progress: (line: string) => process.stderr.write(line ? `\r\x1b[K${line}` : "\r\x1b[K") } : {}),
});

type ParsedValues<T extends NonNullable<ParseArgsConfig["options"]>> = NonNullable<
  ReturnType<typeof parseCliArgs<{ options: T }>>
>["values"];

/** Parses, re-executes once trusting the local CA for --local, and turns a TenantReadError into exit code 3. */
export async function runLive<T extends NonNullable<ParseArgsConfig["options"]>>(
  options: T,
  usage: string,
  body: (values: ParsedValues<T>) => Promise<number>,
): Promise<number> {
  const parsed = parseCliArgs({ options }, usage);
  if (!parsed) return EXIT.usage;
  const values = parsed.values as Record<string, unknown>;
  if (values.help) {
    console.log(usage);
    return EXIT.ok;
  }
  try {
    if (typeof values.local === "string") {
      const code = await reexecTrustingLocalCa(values.ca as string | undefined);
      if (code !== undefined) return code;
    }
    return await body(parsed.values);
  } catch (e) {
    if (e instanceof TenantReadError) {
      console.error(e.message);
      return EXIT.unreadable;
    }
    throw e;
  }
}

export function concurrencyOf(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 4) throw new TenantReadError(`--concurrency ${String(value)}: 1 to 4 calls at once`);
  return n;
}
