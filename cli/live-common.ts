import { parseArgs, type ParseArgsConfig } from "node:util";
import { TenantReadError } from "../src/errors";
import type { Io } from "../src/live/commands";
import { reexecTrustingLocalCa } from "../src/live/local";

/** Exit codes of import and drift (as src/live/commands.ts returns them; kept here so the CLIs start light). */
export const EXIT = { ok: 0, usage: 2, unreadable: 3 } as const;

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

type ParsedValues<T extends NonNullable<ParseArgsConfig["options"]>> = ReturnType<typeof parseArgs<{ options: T }>>["values"];

/**
 * Runs a live CLI's main function, setting exitCode (as cli/common.ts runCli does). These CLIs do not import
 * cli/common.ts: it loads the planner, and a --local run should re-execute itself before paying for it.
 */
export function runLiveCli(main: () => Promise<number>) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}

/** Parses, re-executes once trusting the local CA for --local, and turns a TenantReadError into exit code 3. */
export async function runLive<T extends NonNullable<ParseArgsConfig["options"]>>(
  options: T,
  usage: string,
  body: (values: ParsedValues<T>) => Promise<number>,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ options });
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    return EXIT.usage;
  }
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
