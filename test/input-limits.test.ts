import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CommandBudget, commandLimits, withCommandBudget } from "../src/command-budget";
import { decodeUtf8 } from "../src/config/regular-file";
import { CommandLimitError } from "../src/errors";
import { planStack } from "../src/plan";
import { BlobReader } from "../src/review/git-blobs";
import { gitEnv } from "./support/git-repo";
import { tempProject } from "./support/temp-project";
import { timed } from "./support/timed";

/**
 * What one command may spend on inputs a pull request controls (a 60 MB stack file, many files, alias expansion
 * summed over documents, action time across stacks): one budget per command, each limit named with how to raise it.
 * Times are printed, not asserted.
 */

const NOW = new Date("2026-11-22T12:00:00Z");
let project: ReturnType<typeof tempProject>;
beforeAll(() => {
  project = tempProject();
});
afterAll(() => project.cleanup());

const writeStack = (stack: string, text: string | Buffer) => writeFileSync(path.join(project.root, `Pulumi.${stack}.yaml`), text);
const stackOf = (body: string) => `config:\n  auth0-tenant:tenant:\n${body}`;

describe("class: costs a pull request controls are bounded for the whole command", () => {
  it("a YAML file larger than the limit is refused unread, naming the limit and how to raise it", async () => {
    writeStack("huge", `# ${"x".repeat(17 * 1024 * 1024)}\n${stackOf("    allowEmpty: true\n")}`);
    const error = await timed("17 MiB stack file", () => planStack(project.root, "huge", NOW).catch((e: unknown) => e));
    expect((error as Error).message).toBe(
      "Pulumi.huge.yaml is 17825847 bytes (allowed: at most 16 MiB (raise it with AUTH0_TENANT_YAML_FILE_LIMIT_MB=<MiB>))",
    );
    // Raised for one command, the same file plans.
    const raised = new CommandBudget({ ...commandLimits(), yamlFileBytes: 32 * 1024 * 1024 });
    expect((await withCommandBudget(() => planStack(project.root, "huge", NOW), raised)).ok).toBe(true);
  });

  it("the bytes one command reads are summed over every file it reads", async () => {
    writeStack("small", stackOf(`    apis:\n      a:\n        identifier: https://a.example\n${BILLING_WITH_A_KEY}`));
    // Room for Pulumi.yaml and the stack file, not for the key after them.
    const readBytes =
      statSync(path.join(project.root, "Pulumi.yaml")).size + statSync(path.join(project.root, "Pulumi.small.yaml")).size + 10;
    const budget = new CommandBudget({ ...commandLimits(), readBytes });
    const error = await withCommandBudget(() => planStack(project.root, "small", NOW), budget).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandLimitError);
    expect((error as Error).message).toMatch(
      /\/keys\/billing-2026-q3\.pem: reading its \d+ bytes passes this command's read limit of [\d.]+ MiB \(raise it with AUTH0_TENANT_READ_LIMIT_MB=<MiB>\)$/,
    );
  });

  it("alias expansion is summed over the command's documents, each under its own bound", async () => {
    // Each file expands to 10^4 nodes; the command may expand 15,000.
    let body = '    a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]\n';
    for (let i = 1; i <= 3; i++)
      body += `    a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(",")}]\n`;
    writeStack("laughs", `config:\n  auth0-tenant:tenant:\n    allowEmpty: true\n  other:\n${body}`);
    const budget = new CommandBudget({ ...commandLimits(), aliasNodes: 15_000 });
    const twice = withCommandBudget(async () => {
      await planStack(project.root, "laughs", NOW);
      return planStack(project.root, "laughs", NOW);
    }, budget);
    await expect(twice).rejects.toThrow(
      /^Pulumi\.laughs\.yaml: its YAML aliases expand to 1\d{4} nodes, which passes this command's alias limit of 15000 nodes \(raise it with AUTH0_TENANT_ALIAS_NODES_LIMIT=<nodes>\)$/,
    );
  });

  it("action code that used its whole time limit once is not run again in the same command", async () => {
    const budget = new CommandBudget({ ...commandLimits(), actionTimeMs: 60_000 });
    let runs = 0;
    const stuck = (timeoutMs: number) =>
      new Promise<never>((_, reject) =>
        setTimeout(() => {
          runs++;
          reject(new Error(`did not finish within ${timeoutMs} ms`));
        }, timeoutMs),
      );
    await expect(budget.action("call", "code", 50, "action a", stuck)).rejects.toThrow("did not finish within 50 ms");
    await expect(budget.action("call", "code", 50, "action a", stuck)).rejects.toThrow(
      "did not finish within 50 ms; not run again in this command (same code)",
    );
    expect(runs).toBe(1);
    // Other code still runs; the command's time is what all of it took.
    await expect(budget.action("call", "other", 50, "action b", async () => "ran")).resolves.toBe("ran");
  });

  it("the command's action time is shared: a run that would pass it is cut at what is left and named", async () => {
    const budget = new CommandBudget({ ...commandLimits(), actionTimeMs: 100 });
    // Like the action host, which answers a timeout only after the limit it was given (a timer set to exactly the limit
    // may fire a fraction of a millisecond early by performance.now()).
    const wait = (timeoutMs: number) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error("timed out")), timeoutMs + 5));
    await expect(budget.action("load", "a", 5000, "stack s1: actions.a (actions/a.ts), its top level", wait)).rejects.toThrow(
      "stack s1: actions.a (actions/a.ts), its top level: not run to its end, this command's action code has used its time limit of 0.1 seconds (raise it with AUTH0_TENANT_ACTION_TIME_LIMIT=<seconds>)",
    );
    await expect(budget.action("load", "b", 5000, "actions.b", async () => "never")).rejects.toBeInstanceOf(CommandLimitError);
    await expect(budget.spend("actions.c (actions/c.ts), its bundling", async () => "never")).rejects.toThrow(
      /^actions\.c \(actions\/c\.ts\), its bundling: not run to its end/,
    );
  });

  it("limits come from the environment, and a value that is not a number is a usage error naming the variable", () => {
    expect(commandLimits({ AUTH0_TENANT_ACTION_TIME_LIMIT: "300", AUTH0_TENANT_READ_LIMIT_MB: "1024" })).toMatchObject({
      actionTimeMs: 300_000,
      readBytes: 1024 * 1024 * 1024,
    });
    expect(() => commandLimits({ AUTH0_TENANT_ACTION_TIME_LIMIT: "5m" })).toThrow(
      'AUTH0_TENANT_ACTION_TIME_LIMIT="5m": not a number of seconds (allowed: a positive number, e.g. 120)',
    );
  });

  it("the command's read budget is charged from the header, before the body", async () => {
    const dir = blobRepo();
    const blob = execFileSync("git", ["hash-object", "-w", "--stdin"], { cwd: dir, env: gitEnv, input: Buffer.alloc(10_000, 0x41) })
      .toString()
      .trim();
    const reader = new BlobReader(dir, new CommandBudget({ ...commandLimits(), readBytes: 5000 }));
    await expect(reader.read(blob, "keys/a.pem", 1024 * 1024)).rejects.toThrow(
      /^keys\/a\.pem: reading its 10000 bytes passes this command's read limit/,
    );
    reader.close();
  });

  it("U+FFFD written in the file is text; the first byte that is not UTF-8 after it is the one named", () => {
    const bytes = Buffer.concat([Buffer.from("ok: \uFFFD\nbad: "), Buffer.from([0xc3, 0x28])]);
    expect(() => decodeUtf8(bytes, "f.yaml")).toThrow("f.yaml: is not UTF-8 text: byte 13 (line 2, column 6) is 0xc3");
    expect(decodeUtf8(Buffer.from("\uFEFFok: \uFFFD"), "f.yaml")).toBe("\uFEFFok: \uFFFD"); // a BOM is kept: bytes round-trip
  });
});

let repo: string | undefined;
function blobRepo(): string {
  if (!repo) {
    repo = mkdtempSync(path.join(tmpdir(), "blobs-"));
    execFileSync("git", ["init", "-q"], { cwd: repo, env: gitEnv });
  }
  return repo;
}
afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

const BILLING_WITH_A_KEY =
  '    applications:\n      billing:\n        type: m2m\n        credentials:\n          - name: k\n            publicKey: keys/billing-2026-q3.pem\n            algorithm: RS256\n            expiresAt: "2027-09-30T00:00:00Z"\n';
