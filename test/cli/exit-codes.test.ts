import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../support/cli";
import { keyDealer } from "../support/rsa-key-pairs";

const root = path.resolve(__dirname, "../..");
const scratch = mkdtempSync(path.join(tmpdir(), "exit-codes-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const missing = path.join(scratch, "nowhere.pem");
const publicKey = path.join(root, "keys/billing-2026-q3.pem");
const env = { AUTH0_CLIENT_ID: "", AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: "" };

/**
 * The exit-code table (docs/cli.md): 2 for a missing or wrong argument, in every command and for every kind of
 * mistake: a file that is not there, a value that is not allowed, a stack name Pulumi refuses, a directory that is not
 * there. Each says what is wrong in one line naming the option, then where the help is.
 */
const MISTAKES: { command: string; kind: string; args: string[]; says: string }[] = [
  { command: "plan", kind: "missing file", args: ["plan", "--previous", missing], says: `--previous ${missing}: no such file` },
  { command: "plan", kind: "bad stack name", args: ["plan", "--stack", "Bad Name"], says: '--stack "Bad Name": not a stack name' },
  { command: "plan", kind: "missing directory", args: ["plan", "--dir", missing], says: `--dir ${missing}: no such directory` },
  { command: "review", kind: "bad stack name", args: ["review", "--base", "HEAD", "--stack", "../x"], says: "not a stack name" },
  { command: "review", kind: "missing directory", args: ["review", "--base", "HEAD", "--dir", missing], says: "--dir" },
  {
    command: "keys new",
    kind: "bad value",
    args: ["keys", "new", "billing", "--expires", "tomorrow"],
    says: "--expires tomorrow is not allowed",
  },
  { command: "keys rotate", kind: "bad value", args: ["keys", "rotate", "billing", "--expires", "tomorrow"], says: "--expires tomorrow" },
  { command: "keys rotate", kind: "missing file", args: ["keys", "rotate", "billing", "--previous", missing], says: "no such file" },
  { command: "keys add", kind: "missing file", args: ["keys", "add", "billing", "--public-key", missing], says: "no such file" },
  { command: "keys add", kind: "bad value", args: ["keys", "add", "billing", "--public-key", publicKey, "--alg", "ES256"], says: "--alg" },
  { command: "keys retire", kind: "bad stack name", args: ["keys", "retire", "billing", "x", "--stack", "a/b"], says: "not a stack name" },
  { command: "keys status", kind: "bad value", args: ["keys", "status", "--window", "soon"], says: "--window soon" },
  { command: "action", kind: "missing file", args: ["action", "login-claims", "--event", missing], says: "--event" },
  { command: "action", kind: "bad value", args: ["action", "nope", "--event", "actions/events/login-google.json"], says: "no such action" },
  {
    command: "login",
    kind: "missing file",
    args: ["login", "--app", "web-portal", "--user", missing, "--connection", "x"],
    says: "--user",
  },
  {
    command: "login",
    kind: "bad value",
    args: ["login", "--app", "nope", "--user", "actions/events/user-ada.json", "--connection", "x"],
    says: "no such application",
  },
  { command: "tenant local", kind: "missing file", args: ["tenant", "local", "--management-key", missing], says: "--management-key" },
  { command: "tenant local", kind: "bad value", args: ["tenant", "local", "--port", "http"], says: "--port http" },
  { command: "token", kind: "missing file", args: ["token", "--local", "--app", "billing", "--key", missing], says: "--key" },
  {
    command: "token",
    kind: "wrong file",
    args: ["token", "--local", "--app", "billing", "--key", publicKey],
    says: "this is a public key; pass the private half",
  },
  { command: "token", kind: "bad value", args: ["token", "--local", "--app", "billing", "--key", "K", "--port", "x"], says: "" },
  {
    command: "import",
    kind: "missing file",
    args: ["import", "--stack", "acme", "--domain", "a.auth0.com", "--key-file", missing],
    says: "--key-file",
  },
  {
    command: "import",
    kind: "bad stack name",
    args: ["import", "--stack", "Bad Name", "--domain", "a.auth0.com"],
    says: "not a stack name",
  },
  {
    command: "import",
    kind: "bad value",
    args: ["import", "--stack", "acme", "--local", "localhost:4010"],
    says: "--local localhost:4010",
  },
  {
    command: "drift",
    kind: "missing file",
    args: ["drift", "--stack", "dev", "--domain", "a.auth0.com", "--previous", missing],
    says: "--previous",
  },
  { command: "drift", kind: "bad value", args: ["drift", "--stack", "dev", "--local", "http://example.com"], says: "--local" },
];

describe("exit code 2 for a missing or wrong argument, in every command", () => {
  const privateKey = path.join(scratch, "private.pem");
  writeFileSync(privateKey, keyDealer()().privateKey);
  it.each(MISTAKES.map((m) => [m.command, m.kind, m] as const))("%s, %s", async (_, __, m) => {
    const args = m.args.map((a) => (a === "K" ? privateKey : a));
    const r = await cli(args, { cwd: root, env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(m.says);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines.at(-1)).toMatch(/^\(see `auth0-tenant [a-z ]+ --help`\)$/);
    expect(lines.length, r.stderr).toBeLessThanOrEqual(2);
    expect(r.stderr).not.toMatch(/ENOENT|EACCES|DECODER|error:[0-9A-F]{8}/);
    expect(r.stdout).toBe("");
  });

  it("every command is in the table above", async () => {
    const help = await cli(["--help"]);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== "help");
    const groups: Record<string, string[]> = { keys: ["new", "rotate", "add", "retire", "status"], tenant: ["local"] };
    const all = commands.flatMap((c) => (groups[c] ? groups[c].map((s) => `${c} ${s}`) : [c]));
    const tested = new Set(MISTAKES.map((m) => m.command));
    for (const c of all.filter((c) => !["init", "completion"].includes(c))) expect(tested, c).toContain(c);
  });
});

describe("docs/cli.md: its command table names every command, its exit-code table every code", () => {
  it("every command, every code", async () => {
    const { readFileSync } = await import("node:fs");
    const doc = readFileSync(path.join(root, "docs/cli.md"), "utf8");
    const help = await cli(["--help"]);
    for (const c of [...help.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!))
      expect(doc, c).toMatch(new RegExp(`^\\| \`${c}\\b`, "m"));
    for (const code of [0, 1, 2, 3, 4]) expect(doc).toMatch(new RegExp(`^\\| ${code} \\| `, "m"));
  });
});

describe("usage errors: one line, then where the help is", () => {
  it("the keys commands print no notes before the error", async () => {
    const r = await cli(["keys", "rotate", "biling", "--dry-run"], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain("note:");
    expect(r.stderr).not.toContain("rotation rules checked against");
  });

  it("`help keys rotate` is the help of keys rotate", async () => {
    const r = await cli(["help", "keys", "rotate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: auth0-tenant keys rotate");
  });
});

describe("small things", () => {
  it("keys add takes no --bits (the key has its size)", async () => {
    const r = await cli(["keys", "add", "--help"]);
    expect(r.stdout).not.toContain("--bits");
    expect((await cli(["keys", "new", "--help"])).stdout).toContain("--bits");
    const bits = await cli(["keys", "add", "billing", "--public-key", publicKey, "--bits", "4096", "--dry-run"], { cwd: root });
    expect(bits.code).toBe(2);
    expect(bits.stderr).toContain("unknown option '--bits'");
  });

  it("keys status --fail-on says which credentials failed it", async () => {
    const r = await cli(["keys", "status", "--window", "365", "--fail-on", "expiring"], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^--fail-on expiring: .*payments payments-2026-q2 is expiring \(\d+ days left\)/);
  });
});

describe("found from anywhere: the project is the nearest auth0-tenant Pulumi.yaml above the current directory", () => {
  it("from a subdirectory of the project, as from its root", async () => {
    const r = await cli(["plan", "--json"], { cwd: path.join(root, "actions/events") });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).stack).toBe("dev");
  });

  it("--dir wins over the directory the command runs in", async () => {
    const r = await cli(["plan", "--json", "--dir", root], { cwd: scratch });
    expect(r.code, r.stderr).toBe(0);
  });

  it("a Pulumi.yaml of another kind of project is passed over; none at all is one line", async () => {
    const other = path.join(scratch, "other");
    mkdirSync(path.join(other, "sub"), { recursive: true });
    writeFileSync(path.join(other, "Pulumi.yaml"), "name: website\nruntime: nodejs\n");
    const r = await cli(["plan"], { cwd: path.join(other, "sub") });
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toContain(`error: no auth0-tenant project in ${path.join(other, "sub")} or any directory above it`);
    expect(r.stderr).toContain("auth0-tenant init");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(2);
  });
});
