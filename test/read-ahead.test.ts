import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CommandBudget, commandLimits, withCommandBudget } from "../src/command-budget";
import { directoryReader } from "../src/config/files";
import { readAhead, type ReadAnswer } from "../src/config/read-ahead";
import { CommandLimitError, ProjectFileError } from "../src/errors";
import { validateTenant } from "../src/tenant/load";
import { tempProject, validTenant } from "./support/temp-project";

/**
 * A big tenant's key files are read on a worker thread (src/config/read-ahead.ts, src/config/project-file.cjs) while
 * the calling thread parses the spec. The worker keeps every rule of the calling thread's reader: what it answers for
 * each kind of file, the command's read budget (charged before a file is read, refusing the same file with the same
 * error), and a worker that cannot start or stops leaves its files to the calling thread.
 */

const NOW = new Date("2026-11-22T12:00:00Z");
let project: ReturnType<typeof tempProject>;
let outside: string;
const real = path.resolve(__dirname, "../src/config/project-file.cjs");

/** One path per kind of answer a project file can get, with good keys between them. */
const PATHS = [
  "keys/billing-2026-q3.pem",
  "keys/missing.pem",
  "keys/a-directory.pem",
  "keys/fifo.pem",
  "keys/huge.pem",
  "keys/latin1.pem",
  "keys/link-inside.pem",
  "keys/link-outside.pem",
  "keys/linked-dir/x.pem",
  "../outside.pem",
  "keys/payments-2026-q2.pem",
  "keys/fixtures/expired.crt",
  "keys/billing-2026-q3.pem",
];

beforeAll(() => {
  project = tempProject();
  outside = mkdtempSync(path.join(tmpdir(), "read-ahead-outside-"));
  writeFileSync(path.join(outside, "x.pem"), "outside the project\n");
  const keys = path.join(project.root, "keys");
  mkdirSync(path.join(keys, "a-directory.pem"));
  execFileSync("mkfifo", [path.join(keys, "fifo.pem")]);
  writeFileSync(path.join(keys, "huge.pem"), "x".repeat(4 * 1024 * 1024 + 1));
  writeFileSync(path.join(keys, "latin1.pem"), Buffer.from("caf\xe9\n", "latin1"));
  symlinkSync(path.join(keys, "payments-2026-q2.pem"), path.join(keys, "link-inside.pem"));
  symlinkSync(path.join(outside, "x.pem"), path.join(keys, "link-outside.pem"));
  symlinkSync(outside, path.join(keys, "linked-dir"));
});
afterAll(() => {
  project.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

/** Errors as what a caller sees of them: their class and message. */
const seen = (answers: ReadAnswer[]) =>
  answers.map((a) => ("error" in a ? { error: (a.error as Error).constructor.name, message: (a.error as Error).message } : a));

/** Each file read by the reader's own call, in order, as a read-ahead answers it. */
async function oneByOne(paths: string[]): Promise<ReadAnswer[]> {
  const read = directoryReader(project.root);
  const answers: ReadAnswer[] = [];
  for (const p of paths)
    answers.push(
      await read(p).then(
        (text) => ({ text }),
        (error: unknown) => ({ error }),
      ),
    );
  return answers;
}

/** The paths read ahead in batches of `size`, by a reader whose worker starts from `threshold` files. */
async function inBatches(paths: string[], options: { threshold: number; script?: string }, size = 4): Promise<ReadAnswer[]> {
  const ahead = readAhead(directoryReader(project.root, options), paths.length);
  try {
    const batches: Promise<ReadAnswer[]>[] = [];
    for (let i = 0; i < paths.length; i += size) batches.push(ahead.read(paths.slice(i, i + size)));
    return (await Promise.all(batches)).flat();
  } finally {
    ahead.close();
  }
}

/** A worker script that runs the real one and records each batch it is given in `log`. */
function recordingScript(log: string): string {
  const script = path.join(mkdtempSync(path.join(tmpdir(), "read-ahead-script-")), "recording.cjs");
  writeFileSync(
    script,
    // Recorded before the real script answers, so the log is complete once the answer arrives.
    `const { parentPort } = require("node:worker_threads");\nparentPort.on("message", (m) => require("node:fs").appendFileSync(${JSON.stringify(log)}, m.files.length + "\\n"));\nrequire(${JSON.stringify(real)});\n`,
  );
  return script;
}

describe("class: key files read ahead on a worker thread get the calling thread's answers", () => {
  it("every kind of file (key, missing, directory, FIFO, oversized, not UTF-8, links in and out, outside) gets the same answer, in order", async () => {
    const expected = seen(await oneByOne(PATHS));
    // What the rules say, so that the comparison cannot pass with both sides wrong.
    expect(expected[0]).toEqual({ text: readFileSync(path.join(project.root, "keys/billing-2026-q3.pem"), "utf8") });
    expect(expected[1]).toEqual({ text: undefined });
    expect(expected[2]).toEqual({ text: undefined });
    expect(expected[3]).toMatchObject({ error: "ProjectFileError", message: expect.stringContaining("is a FIFO, not a regular file") });
    expect(expected[4]).toMatchObject({
      error: "ProjectFileError",
      message: expect.stringContaining("is 4194305 bytes (allowed: at most"),
    });
    expect(expected[5]).toMatchObject({ error: "ProjectFileError", message: expect.stringContaining("is not UTF-8 text: byte 3") });
    expect(expected[6]).toEqual({ text: readFileSync(path.join(project.root, "keys/payments-2026-q2.pem"), "utf8") });
    expect(expected[7]).toMatchObject({ error: "ProjectFileError", message: expect.stringContaining("leads outside the project") });
    expect(expected[8]).toMatchObject({ error: "ProjectFileError", message: expect.stringContaining("leads outside the project") });
    expect(expected[9]).toMatchObject({
      error: "ProjectFileError",
      message: "../outside.pem is outside the project (allowed: files inside it)",
    });

    const log = path.join(mkdtempSync(path.join(tmpdir(), "read-ahead-log-")), "batches");
    expect(seen(await inBatches(PATHS, { threshold: 1, script: recordingScript(log) }))).toEqual(expected);
    // The worker read them: every batch went to it.
    expect(readFileSync(log, "utf8").trim().split("\n").map(Number)).toEqual([4, 4, 4, 1]);
  });

  it("the read budget refuses the same file with the same error, and nothing after it is read", async () => {
    const paths = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? "keys/billing-2026-q3.pem" : "keys/payments-2026-q2.pem"));
    const sizes = paths.map((p) => readFileSync(path.join(project.root, p)).length);
    // Room for the first five files and part of the sixth.
    const readBytes = sizes.slice(0, 5).reduce((a, b) => a + b, 0) + 10;
    const run = async (read: () => Promise<ReadAnswer[]>) => {
      const budget = new CommandBudget({ ...commandLimits(), readBytes });
      return { answers: seen(await withCommandBudget(read, budget)), budget };
    };
    const here = await run(() => oneByOne(paths));
    const worker = await run(() => inBatches(paths, { threshold: 1 }));
    expect(here.answers.slice(0, 5).every((a) => "text" in a)).toBe(true);
    expect(here.answers[5]).toEqual({
      error: CommandLimitError.name,
      message: expect.stringMatching(/\/keys\/payments-2026-q2\.pem: reading its \d+ bytes passes this command's read limit of/),
    });
    expect(here.answers.slice(5).every((a) => "error" in a)).toBe(true);
    expect(worker.answers).toEqual(here.answers);
    // The worker charged the command's one counter: the next file read in this thread is refused too.
    expect(() => worker.budget.chargeBytes(1, "next")).toThrow(CommandLimitError);
  });

  it("a worker that cannot start leaves every file to this thread", async () => {
    const script = path.join(mkdtempSync(path.join(tmpdir(), "read-ahead-script-")), "broken.cjs");
    writeFileSync(script, "throw new Error('this worker does not start');\n");
    expect(seen(await inBatches(PATHS, { threshold: 1, script }))).toEqual(seen(await oneByOne(PATHS)));
  });

  it("a worker that stops before answering leaves its files to this thread", async () => {
    const script = path.join(mkdtempSync(path.join(tmpdir(), "read-ahead-script-")), "stops.cjs");
    writeFileSync(script, `require("node:worker_threads").parentPort.on("message", () => process.exit(3));\n`);
    expect(seen(await inBatches(PATHS, { threshold: 1, script }))).toEqual(seen(await oneByOne(PATHS)));
  });

  it("fewer files than the threshold are read in this thread, without a worker", async () => {
    const script = path.join(mkdtempSync(path.join(tmpdir(), "read-ahead-script-")), "never.cjs");
    const log = path.join(path.dirname(script), "started");
    writeFileSync(script, `require("node:fs").writeFileSync(${JSON.stringify(log)}, "started");\n`);
    expect(seen(await inBatches(PATHS, { threshold: PATHS.length + 1, script }))).toEqual(seen(await oneByOne(PATHS)));
    expect(() => readFileSync(log)).toThrow(/ENOENT/);
  });

  it("a first plan, with no key facts known, reads its key files in this thread: the key inspection has the other cores", async () => {
    const log = path.join(mkdtempSync(path.join(tmpdir(), "read-ahead-log-")), "batches");
    // Fresh modules: no key facts learnt by earlier tests in this process (AUTH0_TENANT_CACHE_DIR is off in tests).
    vi.resetModules();
    const fresh = { ...(await import("../src/tenant/load")), ...(await import("../src/config/files")) };
    const result = await fresh.validateTenant(validTenant(), {
      stack: "dev",
      readFile: fresh.directoryReader(project.root, { threshold: 1, script: recordingScript(log) }),
      now: NOW,
    });
    expect(result.errors).toEqual([]);
    expect(() => readFileSync(log)).toThrow(/ENOENT/);
  });

  it("a tenant validated with its key files read by a worker gets the same spec, errors and warnings", async () => {
    const tenant = validTenant();
    const key = (publicKey: string, name = "k1") => ({ name, publicKey, expiresAt: "2027-09-30T00:00:00Z" });
    PATHS.forEach((p, i) => {
      tenant.applications[`app-${i}`] = { type: "m2m", credentials: [key(p)], grants: { "orders-api": ["orders:read"] } };
    });
    tenant.applications["two-keys"] = {
      type: "m2m",
      credentials: [key("keys/prod-billing-2026-q3.pem"), key("keys/fixtures/rsa-1024.pem", "k2")],
    };
    tenant.applications["bad-entry"] = { type: "m2m", credentials: [{ name: "k1", publicKey: "elsewhere/k.pem" }] };
    const validate = (readFile: (p: string) => Promise<string | undefined>) =>
      validateTenant(structuredClone(tenant), { stack: "dev", readFile, now: NOW });
    const here = await validate(directoryReader(project.root));
    const log = path.join(mkdtempSync(path.join(tmpdir(), "read-ahead-log-")), "batches");
    const worker = await validate(directoryReader(project.root, { threshold: 1, script: recordingScript(log) }));
    expect(readFileSync(log, "utf8").length).toBeGreaterThan(0);
    expect(here.errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(["applications.app-3.credentials[0].publicKey", "applications.bad-entry.credentials[0].publicKey"]),
    );
    expect(worker).toEqual(here);
  });
});

describe("the read-ahead of a reader that has none of its own", () => {
  it("answers each file as the reader's call settles, in order", async () => {
    const reader = async (p: string) => {
      if (p === "bad") throw new ProjectFileError("bad is refused");
      return p === "none" ? undefined : `text of ${p}`;
    };
    const ahead = readAhead(reader, 3);
    expect(seen(await ahead.read(["a", "none", "bad"]))).toEqual([
      { text: "text of a" },
      { text: undefined },
      { error: "ProjectFileError", message: "bad is refused" },
    ]);
    ahead.close();
  });
});
