import { Option, type Command } from "commander";
import { existing, privateKeyFile, stackName } from "./arguments";
import { localDomain } from "../../src/live/local";
import { UsageError, type Io } from "../io";
import { DEFAULT_READ_LIMITS } from "../../src/live/limits";
import { dirOption, intOption, knownStack } from "./shared";

/** The flags that say which tenant to read and as whom (import, drift and plan --live). */
export interface TenantOptions {
  domain?: string;
  local?: string;
  ca?: string;
  clientId?: string;
  keyFile?: string;
  concurrency?: string;
  maxCalls?: string;
  maxPages?: string;
  timeout?: string;
  dir: string;
}

export function withTenantOptions(command: Command, io: Io, domain = true): Command {
  if (domain) command.option("--domain <tenant>", "the tenant to read (e.g. acme.eu.auth0.com)");
  return command
    .option("--local <url>", "read the local tenant instead (its https:// URL, as `tenant local` prints)", localUrl)
    .option("--ca <file>", "the local tenant's CA (default: the one `tenant local` created)", existing("--ca", io.cwd))
    .option("--client-id <id>", "the reader application (default: AUTH0_CLIENT_ID, or the stack's auth0:clientId)")
    .option(
      "--key-file <pem>",
      "its private key (default: AUTH0_CLIENT_ASSERTION_PRIVATE_KEY; a stack's secret config cannot be read offline)",
      privateKeyFile("--key-file", io.cwd),
    )
    .option("--concurrency <n>", "Management API calls in flight (1 to 4)")
    .option("--max-calls <n>", `stop the read after this many Management API calls (default ${DEFAULT_READ_LIMITS.maxCalls})`)
    .option("--max-pages <n>", `stop the read when one list has more pages (default ${DEFAULT_READ_LIMITS.maxPages})`)
    .option("--timeout <seconds>", `stop the read after this long (default ${DEFAULT_READ_LIMITS.maxSeconds})`)
    .addOption(dirOption(io));
}

/** --local: a URL the local tenant can have, else a usage error (src/live/local.ts says what is wrong with it). */
function localUrl(value: string): string {
  try {
    localDomain(value);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return value;
}

/** The tenant flags as src/live reads them; a --local run first re-executes itself trusting the local CA (src/live/local.ts). */
export async function tenantFlags(opts: TenantOptions) {
  if (opts.domain && opts.local) throw new UsageError("give --domain <tenant> or --local <url>, not both");
  return {
    ...(opts.domain ? { domain: opts.domain } : {}),
    ...(opts.local ? { local: opts.local } : {}),
    ...(opts.clientId ? { clientId: opts.clientId } : {}),
    ...(opts.keyFile ? { keyFile: opts.keyFile } : {}),
    ...(opts.concurrency !== undefined
      ? { concurrency: intOption(opts.concurrency, "--concurrency", 1, 4, "Management API calls in flight") }
      : {}),
    limits: {
      ...(opts.maxCalls !== undefined ? { maxCalls: intOption(opts.maxCalls, "--max-calls", 1, 10_000_000, "Management API calls") } : {}),
      ...(opts.maxPages !== undefined ? { maxPages: intOption(opts.maxPages, "--max-pages", 1, 1_000_000, "pages of one list") } : {}),
      ...(opts.timeout !== undefined ? { maxSeconds: intOption(opts.timeout, "--timeout", 1, 86_400, "seconds for the read") } : {}),
    },
  };
}

/** Re-executes trusting the local CA when needed: the exit code of that run, or undefined to go on in this process. */
export async function trustLocal(opts: TenantOptions): Promise<number | undefined> {
  if (!opts.local) return undefined;
  const { reexecTrustingLocalCa } = await import("../../src/live/local");
  return reexecTrustingLocalCa(opts.ca);
}

const liveIo = (io: Io) => ({
  out: io.out,
  err: io.err,
  isTTY: io.isTTY,
  look: io.look,
  columns: io.columns,
  env: io.env,
  ...(io.errTTY ? { progress: (line: string) => io.err(line ? `\r\x1b[K${line}` : "\r\x1b[K") } : {}),
});

export function liveCommands(program: Command, io: Io, run: (f: () => Promise<number>) => Promise<void>) {
  withTenantOptions(
    program
      .command("import")
      .description("adopt an existing tenant: read it and write Pulumi.<stack>.yaml (adopt: ids, action code, matched keys), then plan it")
      .requiredOption("-s, --stack <name>", "the new stack to write", stackName())
      .option(
        "--keys <dir>",
        "where to look for the applications' public keys, matched by thumbprint (default: keys/)",
        existing("--keys", io.cwd, "directory"),
      )
      .option("--force", "overwrite an existing stack file"),
    io,
  ).action((opts: TenantOptions & { stack: string; keys?: string; force?: boolean }) =>
    run(async () => {
      if (!opts.domain && !opts.local) throw new UsageError("which tenant? give --domain <tenant> or --local <url>");
      const flags = await tenantFlags(opts);
      const reexec = await trustLocal(opts);
      if (reexec !== undefined) return reexec;
      const { runImport } = await import("../../src/live/commands");
      return runImport(
        { ...flags, stack: opts.stack, dir: opts.dir, force: opts.force === true, ...(opts.keys ? { keys: opts.keys } : {}) },
        liveIo(io),
      );
    }),
  );

  withTenantOptions(
    program
      .command("drift")
      .description("the live tenant against the stack's plan: what was changed outside the spec, with risk levels")
      .requiredOption("-s, --stack <name>", "the stack whose plan the tenant is compared with", stackName())
      .addOption(
        new Option(
          "--format <format>",
          "markdown for files and CI summaries, json for programs, text for terminals (default: text on a terminal, markdown otherwise)",
        ).choices(["markdown", "md", "json", "text"]),
      )
      .addOption(new Option("--fail-on <level>", "exit 1 when drift is at or above this risk").choices(["high", "medium"]))
      .option(
        "--previous <file>",
        "the stack's outputs (pulumi stack output --json): the client ids it deployed",
        existing("--previous", io.cwd),
      ),
    io,
  ).action((opts: TenantOptions & { stack: string; format?: string; failOn?: "high" | "medium"; previous?: string }) =>
    run(async () => {
      await knownStack(opts.dir, opts.stack);
      const flags = await tenantFlags(opts);
      const reexec = await trustLocal(opts);
      if (reexec !== undefined) return reexec;
      const { runDrift } = await import("../../src/live/commands");
      return runDrift(
        {
          ...flags,
          stack: opts.stack,
          dir: opts.dir,
          format: opts.format === "json" ? "json" : (opts.format ?? (io.isTTY ? "text" : "markdown")) === "text" ? "text" : "markdown",
          ...(opts.failOn ? { failOn: opts.failOn } : {}),
          ...(opts.previous ? { previous: opts.previous } : {}),
        },
        liveIo(io),
      );
    }),
  );
}
