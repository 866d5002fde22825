import { readdir, readFile, stat } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import * as path from "node:path";
import { readRegularFile } from "../config/regular-file";
import { projectName, stackFileName } from "../config/stack-file";
import { TenantReadError, UsageError } from "../errors";
import { writeProjectFile } from "../fs/confined-write";
import { EXIT } from "../exit-codes";
import { planStack, readStackConfig, renderErrors } from "../plan";
import { readPreviousFile } from "../plan/diff-checkpoint";
import { changesAtOrAbove, renderMarkdown, renderText } from "../review/render";
import type { Style } from "../text/style";
import type { ReviewReport } from "../review/review";
import { inspectPublicKey } from "../spec/public-key";
import { driftReport } from "./drift";
import { clientIdsFromOutputs } from "./guard";
import { importTenant, type ImportResult, type KeyFile } from "./import";
import type { ReadLimits } from "./limits";
import { localDomain } from "./local";
import { TenantReader, type CallStats, type ReaderOptions } from "./reader";
import { readerSettings } from "./settings";
import { readTenant, type LiveTenant } from "./snapshot";
import { printable } from "../text/printable";
import { dirFlag } from "../text/shell-word";

/**
 * The import and drift commands, without their argument parsing (cli/commands/live.ts): each reads the
 * tenant once with the reader and returns its exit code; output goes through `out` (stdout) and `err` (stderr).
 */

export interface TenantFlags {
  /** The tenant's domain, for a real tenant. */
  domain?: string;
  /** The local tenant's URL (https://localhost:<port>). */
  local?: string;
  clientId?: string;
  keyFile?: string;
  concurrency?: number;
  /** Bounds of the read (--max-calls, --max-pages, --timeout). */
  limits?: Partial<ReadLimits>;
}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** stdout is a terminal (JSON is indented then). */
  isTTY?: boolean;
  /** Colour and width for --format text (a terminal's). */
  look?: Style;
  columns?: number;
  /** A progress line sink, when stderr is a terminal. */
  progress?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Reader options for tests (a fetch trusting the local CA). */
  reader?: ReaderOptions;
  /** Told what the read cost (the benchmark's figures). */
  onRead?: (stats: CallStats) => void;
  /** Told how long each phase took, in ms (the benchmark's figures). */
  onPhase?: (phase: string, ms: number) => void;
}

/** Runs a phase and reports its duration. */
async function phase<T>(io: Io, name: string, work: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    io.onPhase?.(name, performance.now() - started);
  }
}

export async function readLiveTenant(
  flags: TenantFlags,
  config: Record<string, unknown>,
  io: Io,
): Promise<{ live: LiveTenant; stats: CallStats }> {
  if (flags.domain && flags.local) throw new TenantReadError("give --domain <tenant> or --local <url>, not both");
  const settings = await readerSettings({
    ...(flags.local ? { domain: localDomain(flags.local) } : flags.domain ? { domain: flags.domain } : {}),
    ...(flags.clientId ? { clientId: flags.clientId } : {}),
    ...(flags.keyFile ? { keyFile: flags.keyFile } : {}),
    config,
    env: io.env ?? process.env,
  });
  const reader = new TenantReader(settings, {
    ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
    ...(flags.limits ? { limits: flags.limits } : {}),
    ...(io.progress ? { progress: io.progress } : {}),
    ...io.reader,
  });
  const live = await readTenant(reader);
  io.onRead?.(reader.stats);
  return { live, stats: reader.stats };
}

/** The tenant's own domain: the Management API's identifier says it (`https://<domain>/api/v2/`), also when read locally. */
export function tenantDomain(live: LiveTenant): string {
  const system = live.apis.find((a) => a.system && /^https:\/\/[^/]+\/api\/v2\/$/.test(a.identifier));
  return system ? new URL(system.identifier).host : live.domain;
}

/** Every public key or certificate under `dir` (recursively), by thumbprint; files that are not public keys are skipped. */
export async function keyFiles(dir: string, projectDir: string, io: Io): Promise<KeyFile[]> {
  const out: KeyFile[] = [];
  const keysRoot = path.resolve(projectDir, "keys");
  const files: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const file = path.join(d, e.name);
      if (e.isDirectory() && depth < 4) await walk(file, depth + 1);
      else if (e.isFile() && /\.(pem|crt)$/.test(e.name)) files.push(file);
    }
  };
  await walk(path.resolve(dir), 0);
  // Inspected 16 at a time (each is a file read and a thumbprint): a thousand keys take a fraction of a second.
  for (let i = 0; i < files.length; i += 16) {
    await Promise.all(
      files.slice(i, i + 16).map(async (file) => {
        try {
          const key = await inspectPublicKey(await readRegularFile(file));
          const inside = file.startsWith(keysRoot + path.sep);
          out.push({
            path: file,
            thumbprint: key.thumbprint,
            ...(inside
              ? { specPath: path.relative(projectDir, file).split(path.sep).join("/") }
              : { specPath: `keys/imported/${path.basename(file)}`, copyFrom: file }),
            ...(key.certificateNotAfter ? { certificateNotAfter: key.certificateNotAfter } : {}),
          });
        } catch (err) {
          io.err(`--keys: skipping ${file}: ${(err as Error).message.split("\n")[0]}\n`);
        }
      }),
    );
  }
  // Files already under the project's keys/ first (a key found twice is pointed at there), then by path.
  return out.sort((a, b) => Number(a.copyFrom !== undefined) - Number(b.copyFrom !== undefined) || a.path.localeCompare(b.path));
}

const exists = async (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

export interface ImportFlags extends TenantFlags {
  stack: string;
  dir: string;
  keys?: string;
  force?: boolean;
  now?: Date;
}

/** `auth0-tenant import`: reads the tenant, writes Pulumi.<stack>.yaml (+ imported action code, copied keys), plans it. */
export async function runImport(flags: ImportFlags, io: Io): Promise<number> {
  const dir = path.resolve(flags.dir);
  const file = stackFileName(flags.stack);
  const project = projectName(await readFile(path.join(dir, "Pulumi.yaml"), "utf8"));
  if (!flags.force && (await exists(path.join(dir, file)))) {
    io.err(`${file} already exists in ${dir}: import writes a new stack (choose another --stack, or --force to overwrite it)\n`);
    return EXIT.usage;
  }
  const now = flags.now ?? new Date();
  // The key files are inspected while the tenant is read (the read mostly waits on the network).
  const [keys, { live, stats }] = await Promise.all([
    phase(io, "key files", () => keyFiles(flags.keys ?? path.join(dir, "keys"), dir, io)),
    phase(io, "read the tenant", () => readLiveTenant(flags, {}, io)),
  ]);
  const result = await phase(io, "write the spec", () =>
    importTenant(live, { stack: flags.stack, project, domain: flags.domain ?? tenantDomain(live), keys, now }),
  );
  for (const f of result.files) {
    const target = path.join(dir, f.path);
    if (f.content !== undefined && !flags.force && (await exists(target)) && (await readFile(target, "utf8")) !== f.content) {
      io.err(`${f.path} exists with other content: move it away, or --force to overwrite it\n`);
      return EXIT.usage;
    }
  }
  // Every file through the project's confined writer: inside the project, through no symbolic link.
  for (const f of result.files) {
    const target = path.join(dir, f.path);
    if (f.content !== undefined) {
      if (!(await exists(target)) || (await readFile(target, "utf8")) !== f.content)
        await writeProjectFile(dir, f.path, f.content, { overwrite: flags.force === true });
    } else if (f.copyFrom && !(await exists(target))) await writeProjectFile(dir, f.path, readRegularFile(f.copyFrom));
  }
  await writeProjectFile(dir, file, result.stackFile, { overwrite: flags.force === true });
  io.out(importSummary(result, file, live, stats));
  const planned = await phase(io, "plan the new stack", () => planStack(dir, flags.stack, now));
  if (planned.ok) {
    io.out(
      `\n${file} plans cleanly (${planned.plan.desired.resources.length} resources, every one adopted). Next: pulumi stack init ${flags.stack}; pulumi preview --stack ${flags.stack}\n`,
    );
    return EXIT.ok;
  }
  io.out(
    `\n${renderErrors(file, planned.errors)}\nFix these (the list above says how), then \`npx auth0-tenant plan --stack ${flags.stack}${dirFlag(flags.dir)}\`.\n`,
  );
  return EXIT.findings;
}

function importSummary(r: ImportResult, file: string, live: LiveTenant, stats: CallStats): string {
  const t = r.tenant as { apis?: object; applications?: object; actions?: object; triggers?: object; adopt: object };
  const count = (o: object | undefined) => Object.keys(o ?? {}).length;
  const lines = [
    `Read ${live.domain}: ${live.clients.length} applications, ${live.apis.length} APIs, ${live.grants.length} grants, ${live.actions.length} actions (${stats.total} Management API calls).`,
    `Wrote ${file}: ${count(t.apis)} APIs, ${count(t.applications)} applications, ${count(t.actions)} actions, ${count(t.triggers)} triggers; ${count(t.adopt)} resources to adopt.`,
    ...r.files.map((f) => `Wrote ${f.path}${f.copyFrom ? ` (copied from ${f.copyFrom})` : ""}`),
  ];
  if (r.unmatchedCredentials.length) {
    lines.push("", "Public keys to supply (Auth0 never returns them; match: the key's RFC 7638 thumbprint = the credential's kid):");
    for (const u of r.unmatchedCredentials)
      lines.push(`  ${u.specPath}: the public key of ${u.app} / ${u.credential} (${u.alg}, kid ${u.kid})`);
  }
  if (r.secretCommands.length) lines.push("", "Secret values to set (Auth0 never returns them):", ...r.secretCommands.map((c) => `  ${c}`));
  if (r.claims.length)
    lines.push(
      "",
      "Claims the imported actions set (not declared: their code sets them):",
      ...r.claims.map((c) => `  ${c.action}: ${c.name} (${c.token} token)`),
    );
  if (r.updates.length)
    lines.push(
      "",
      "The first pulumi up updates in place (nothing is created, replaced or deleted):",
      ...r.updates.map((u) => `  ${u.subject}: ${u.text}`),
    );
  if (r.skipped.length) lines.push("", "Not imported:", ...r.skipped.map((s) => `  ${s.subject}: ${s.text}`));
  return lines.map(printable).join("\n") + "\n";
}

export interface DriftFlags extends TenantFlags {
  stack: string;
  dir: string;
  format: "markdown" | "json" | "text";
  failOn?: "high" | "medium";
  /** `pulumi stack output --json` or `pulumi stack export` of the stack: its client ids identify the applications it deployed. */
  previous?: string;
}

/** `auth0-tenant drift`: the live tenant against the stack's plan, as a review report. */
export async function runDrift(flags: DriftFlags, io: Io): Promise<number> {
  const dir = path.resolve(flags.dir);
  let deployed: Record<string, string> = {};
  if (flags.previous) {
    try {
      deployed = clientIdsFromOutputs(readPreviousFile(flags.previous).outputs);
    } catch (e) {
      const problem = (e as Error).message;
      io.err(e instanceof UsageError ? `${problem}\n` : `--previous ${flags.previous}: ${problem}\n`);
      return EXIT.usage;
    }
  }
  const config = (await readStackConfig(dir, flags.stack)).values;
  // Planned before the read, not during it: the plan loads each action in the isolated host under a wall-clock
  // limit, which a thousand responses arriving at once could push past.
  const planned = await phase(io, "plan the stack", () => planStack(dir, flags.stack));
  if (!planned.ok) {
    io.err(`${renderErrors(planned.source, planned.errors)}\n`);
    return EXIT.findings;
  }
  const { live } = await phase(io, "read the tenant", () => readLiveTenant(flags, config, io));
  const report = await phase(io, "compare", () => driftReport(planned.plan, live, { deployedClientIds: deployed, readAt: new Date() }));
  io.out(
    flags.format === "json"
      ? JSON.stringify(report, null, io.isTTY ? 2 : undefined) + "\n"
      : flags.format === "text"
        ? renderText(report, io.look, io.columns === Infinity ? undefined : io.columns)
        : renderMarkdown(report),
  );
  return failed(report, flags.failOn) ? EXIT.findings : EXIT.ok;
}

export const failed = (report: ReviewReport, failOn: "high" | "medium" | undefined) =>
  failOn !== undefined && changesAtOrAbove(report, failOn).length > 0;
