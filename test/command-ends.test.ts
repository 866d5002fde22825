import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandPaths } from "../cli/main";
import { EXIT } from "../src/exit-codes";
import { cli } from "./support/cli";
import { keyDealer } from "./support/rsa-key-pairs";
import { throwawayRepo } from "./support/git-repo";
import { projectRoot } from "./support/temp-project";

/**
 * Every command of the CLI ends with its result: on a sound project (in this process) and, through the real
 * executable, on one whose action misbehaves, no command may exit 0 with nothing on stdout, end without saying
 * anything, or end because the event loop drained (the internal error, exit 70). The commands come from the CLI's own
 * program, so a new command without an invocation below fails the first test.
 */

const bin = path.join(projectRoot, "cli/auth0-tenant.mjs");
/** Generous: a command that hangs fails here instead of hanging the suite. */
const COMMAND_BOUND_MS = 60_000;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The cases run concurrently, at most this many commands at once: most of a case is waiting (a command's start, a
 * hostile action held until its load limit), and the bound keeps a loaded machine from starving each command. A
 * case's reported time includes its wait for a slot: cases over 5 s are mostly queued behind others, not slow.
 */
const AT_ONCE = 3;
let running = 0;
const waiting: (() => void)[] = [];

async function bounded<T>(work: () => Promise<T>): Promise<T> {
  while (running >= AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/** Runs the executable; `untilOutput` stops a long-running command (SIGTERM) once stdout has said something. */
function runBin(args: string[], cwd: string, options: { untilOutput?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Ended> {
  return bounded(() => runBinNow(args, cwd, options));
}

/**
 * For the cases whose action is meant to hit the load limit: a lower limit (the variable can only lower it) ends
 * them sooner; what they prove, that the command ends with its result when the limit is hit, is the same.
 */
const LOWERED_LOAD_LIMIT_MS = 500;
const HIT_THE_LIMIT_SOONER = { AUTH0_TENANT_ACTION_LOAD_LIMIT_MS: String(LOWERED_LOAD_LIMIT_MS) };

function runBinNow(args: string[], cwd: string, options: { untilOutput?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...options.env }, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    const bound = setTimeout(() => child.kill("SIGKILL"), COMMAND_BOUND_MS);
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (options.untilOutput && stdout.includes("Ctrl-C")) child.kill("SIGTERM");
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(bound);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Runs the command in this process (run(), as the executable's main() does), within the same bound: a command whose
 * result never comes is reported as killed at the bound.
 */
function runInProcess(args: string[], cwd: string): Promise<Ended> {
  return bounded(async () => {
    let bound: NodeJS.Timeout | undefined;
    const killed = new Promise<Ended>((resolve) => {
      bound = setTimeout(() => resolve({ code: null, signal: "SIGKILL", stdout: "", stderr: "" }), COMMAND_BOUND_MS);
    });
    try {
      const run = cli(args, { cwd, env: { ...process.env, NO_COLOR: "1" } }).then((r) => ({ ...r, signal: null }));
      return await Promise.race([run, killed]);
    } finally {
      clearTimeout(bound);
    }
  });
}

/** What every end must satisfy, whatever the command and the project. */
function expectAnEndWithAResult(r: Ended, what: string) {
  const said = `${what}: exit ${r.code ?? r.signal}\nstdout: ${r.stdout.slice(0, 500)}\nstderr: ${r.stderr.slice(0, 500)}`;
  expect(r.signal, said).toBeNull(); // not killed by the bound above
  expect(r.code, said).not.toBe(EXIT.internal);
  if (r.code === 0) expect(r.stdout.trim(), `${said}\n(exit 0 with empty output)`).not.toBe("");
  else expect((r.stdout + r.stderr).trim(), `${said}\n(a failure that says nothing)`).not.toBe("");
}

// The commands that run the action: on a project whose action misbehaves each says so and fails.
const RUN_THE_ACTION = ["plan", "action", "review"];

function expectTheActionBlamed(r: Ended) {
  expect(r.code, r.stderr).toBe(EXIT.findings);
  expect(r.stdout + r.stderr).toMatch(/actions\.client-claims/);
}

const HOSTILE = {
  /** A microtask that never ends, scheduled by the module body: it runs after the load's own time limit. */
  microtaskLoop: "Promise.resolve().then(() => { for (;;) {} });\nexport const onExecuteCredentialsExchange = async () => {};\n",
  /** The top level throws an object whose `message` getter never returns. */
  loopingMessage: "throw { get message() { for (;;) {} } };\nexport const onExecuteCredentialsExchange = async () => {};\n",
  /** The handler throws it. */
  handlerLoopingMessage: "export const onExecuteCredentialsExchange = async () => { throw { get message() { for (;;) {} } }; };\n",
};

let work: string;
let privateKey: string;
let deadPort: number;
const repos: ReturnType<typeof throwawayRepo>[] = [];

/** A project committed as the base revision, with client-claims.ts replaced in the working tree when `hostile`. */
function project(hostile?: string): string {
  const repo = throwawayRepo();
  repos.push(repo);
  if (hostile !== undefined) repo.write("actions/client-claims.ts", hostile);
  return repo.dir;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "command-ends-"));
  privateKey = path.join(work, "reader.pem");
  writeFileSync(privateKey, keyDealer()().privateKey);
  // A port nothing listens on: the commands that read a tenant fail to connect, quickly.
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  deadPort = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
});

afterAll(() => {
  for (const repo of repos) rmSync(repo.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** One invocation per command (run in the project directory), with what makes it run its real work. */
const invocations: Record<string, () => { args: string[]; untilOutput?: boolean }> = {
  plan: () => ({ args: ["plan"] }),
  review: () => ({ args: ["review", "--base", "HEAD", "--fail-on", "high"] }),
  "keys new": () => ({ args: ["keys", "new", "web-portal", "--dry-run"] }),
  "keys rotate": () => ({ args: ["keys", "rotate", "billing", "--dry-run"] }),
  "keys add": () => ({ args: ["keys", "add", "billing", "--public-key", "keys/payments-2026-q4.pem", "--dry-run"] }),
  "keys retire": () => ({ args: ["keys", "retire", "payments", "payments-2026-q2", "--dry-run"] }),
  "keys status": () => ({ args: ["keys", "status"] }),
  action: () => ({ args: ["action", "client-claims", "--event", "actions/events/m2m-reporting.json"] }),
  login: () => ({ args: ["login", "--app", "web-portal", "--user", "actions/events/user-ada.json", "--connection", "google-oauth2"] }),
  "tenant local": () => ({ args: ["tenant", "local", "--port", "0", "--http"], untilOutput: true }),
  token: () => ({ args: ["token", "--local", "--http", "--port", String(deadPort), "--app", "reporting", "--key", privateKey] }),
  import: () => ({
    args: ["import", "--stack", "adopted", "--local", `http://127.0.0.1:${deadPort}`, "--client-id", "reader", "--key-file", privateKey],
  }),
  drift: () => ({
    args: ["drift", "--stack", "dev", "--local", `http://127.0.0.1:${deadPort}`, "--client-id", "reader", "--key-file", privateKey],
  }),
  init: () => {
    const into = mkdtempSync(path.join(work, "init-"));
    return { args: ["init", path.join(into, "repo"), "--key-out", path.join(into, "first-key.pem")] };
  },
  completion: () => ({ args: ["completion", "bash"] }),
};

describe("every command ends with its result", () => {
  const commands = commandPaths().map((words) => words.join(" "));

  it("has an invocation for every command of the CLI", () => {
    expect(commands.length).toBeGreaterThan(10);
    expect(
      commands.filter((c) => !(c in invocations)),
      "commands without an invocation in this harness",
    ).toEqual([]);
    expect(
      Object.keys(invocations).filter((c) => !commands.includes(c)),
      "invocations of commands that no longer exist",
    ).toEqual([]);
  });

  // Every command runs through the executable on the project whose action misbehaves, where a command's work can be
  // left waiting on a child that was killed (the event loop drains: exit 70). On the sound project each runs in this
  // process, as main() runs it (a result that never comes fails at the bound); a command that runs until stopped
  // runs as a process there too.
  describe.each([
    ["a sound project", undefined, "in process"],
    ["a project whose action loops in its error message", HOSTILE.loopingMessage, "executable"],
  ])("on %s", (_, hostile, how) => {
    let dir: string;
    beforeAll(() => {
      dir = project(hostile);
    });
    it.concurrent.each(commands)("%s", async (command) => {
      const { args, untilOutput } = invocations[command]!();
      const ended = how === "executable" || untilOutput ? await runBin(args, dir, { untilOutput }) : await runInProcess(args, dir);
      expectAnEndWithAResult(ended, command);
      if (hostile !== undefined && RUN_THE_ACTION.includes(command)) expectTheActionBlamed(ended);
    });
  });
});

describe("the entry point: an event loop that drains before the command's result", () => {
  it("ends as an internal error (exit 70, one line on stderr), not as exit 0 with no output", async () => {
    // Recreates the bug this guards against whatever its next cause: work pending on a child process that nothing
    // keeps alive (ref() does nothing), here the action host killing a stuck child.
    const script = path.join(work, "drains.ts");
    writeFileSync(
      script,
      `import { ChildProcess } from "node:child_process";
import { Socket } from "node:net";
import { main } from ${JSON.stringify(path.join(projectRoot, "cli/main"))};
ChildProcess.prototype.ref = function () {};
Socket.prototype.ref = function () { return this; };
process.argv = [process.argv[0]!, "auth0-tenant", "plan"];
process.chdir(process.env.PROJECT_DIR!);
main();
`,
    );
    const dir = project(HOSTILE.microtaskLoop);
    const r = await new Promise<Ended>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", script],
        { cwd: projectRoot, env: { ...process.env, ...HIT_THE_LIMIT_SOONER, PROJECT_DIR: dir }, timeout: COMMAND_BOUND_MS },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, signal: null, stdout, stderr }),
      );
    });
    expect(r.code, r.stderr).toBe(EXIT.internal);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([
      "internal error: the command ended without a result (nothing was left running to finish it); please report this",
    ]);
  });
});

describe("the entry point: work left armed after the command's result", () => {
  it("does not hold a finished command open (a library's timer, e.g. the auth0 SDK's request timeout)", async () => {
    // A timer armed for longer than the test's bound, kept alive (ref'd), as a library may leave one behind.
    const linger = path.join(work, "linger.cjs");
    writeFileSync(linger, "setTimeout(() => {}, 10 * 60_000);\n");
    const started = Date.now();
    const r = await runBin(["plan", "--json"], project(), { env: { NODE_OPTIONS: `--require ${linger}` } });
    expect(r.signal, "killed at the test's bound: the process outlived its result").toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty("resourceTotal");
    expect(Date.now() - started).toBeLessThan(COMMAND_BOUND_MS);
  });
});

// loopingMessage is checked by the runs on that project above.
describe("an action that keeps the event loop busy or loops in what it throws: plan, action and review say so and fail", () => {
  const cases: [string, string, string[]][] = [];
  for (const command of RUN_THE_ACTION) cases.push([command, "microtaskLoop", invocations[command]!().args.concat()]);
  cases.push(["action", "handlerLoopingMessage", invocations.action!().args]);
  cases.push(["review", "handlerLoopingMessage", invocations.review!().args]);

  it.concurrent.each(cases)("%s with %s", async (command, hostile, args) => {
    const env = hostile === "microtaskLoop" ? HIT_THE_LIMIT_SOONER : {};
    const r = await runBin(args, project(HOSTILE[hostile as keyof typeof HOSTILE]), { env });
    expectAnEndWithAResult(r, command);
    expectTheActionBlamed(r);
    if (hostile === "microtaskLoop") expect(r.stdout + r.stderr).toContain(`did not finish within ${LOWERED_LOAD_LIMIT_MS} ms`);
  });
});
