import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { cli } from "./support/cli";
import { throwawayRepo } from "./support/git-repo";
import { acmeRoot } from "./support/temp-project";

const root = path.resolve(__dirname, "..");
const ANSI = /\x1b\[/;

describe("auth0-tenant: one executable", () => {
  it.each([
    ["plan"],
    ["review"],
    ["keys"],
    ["keys", "new"],
    ["keys", "rotate"],
    ["keys", "add"],
    ["keys", "retire"],
    ["keys", "status"],
    ["action"],
    ["login"],
    ["tenant"],
    ["tenant", "local"],
    ["token"],
  ])("%s %s --help prints its usage and exits 0", async (...command) => {
    const r = await cli([...command.filter(Boolean), "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: auth0-tenant ${command.filter(Boolean).join(" ")}`);
    expect(r.stdout).toMatch(/-h, --help\s+display help for command/);
  });

  it("--version and --help at the top", async () => {
    expect((await cli(["--version"])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    for (const c of ["plan", "review", "keys", "action", "login", "tenant", "token", "import", "drift"])
      expect(help.stdout).toContain(`  ${c} `);
  });

  it.each([
    [["plna"], "error: unknown command 'plna'\n(Did you mean plan?)"],
    [["keys", "rotat", "billing"], "error: unknown command 'rotat'\n(Did you mean rotate?)"],
    [["plan", "--jsn"], "error: unknown option '--jsn'\n(Did you mean --json?)"],
    [["keys", "rotate"], "error: missing required argument 'app'"],
    [["action", "login-claims"], "error: required option '--event <file>' not specified"],
    [["keys", "status", "--window", "400"], "error: --window 400: a whole number of days (0 to 365)"],
    [
      ["token", "--app", "reporting", "--key", path.join(root, "test/fixtures/invalid/private-key.pem")],
      "error: give exactly one of --local (the local tenant) and --domain <tenant domain>",
    ],
    [["drift", "--domain", "acme.eu.auth0.com"], "error: required option '-s, --stack <name>' not specified"],
    [["import", "--stack", "acme"], "error: which tenant? give --domain <tenant> or --local <url>"],
    [
      ["drift", "--stack", "dev", "--domain", "a.auth0.com", "--local", "https://localhost:4010"],
      "error: give --domain <tenant> or --local <url>, not both",
    ],
    [
      ["drift", "--stack", "dev", "--domain", "a.auth0.com", "--concurrency", "9"],
      "error: --concurrency 9: Management API calls in flight (1 to 4)",
    ],
  ])("usage errors exit 2, name the argument in one line, then where the help is: %j", async (args, message) => {
    const r = await cli(args, { cwd: acmeRoot });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain("Usage: auth0-tenant");
    expect(r.stderr.trimEnd().split("\n").at(-1)).toMatch(/^\(see `auth0-tenant( [a-z]+)* --help`\)$/);
    expect(r.stderr.trimEnd().split("\n").length).toBeLessThanOrEqual(3);
    expect(r.stdout).toBe("");
  });

  it("the exit-code table: 0 ok, 1 findings or invalid input, 2 usage, 3 denied, 4 unreadable", async () => {
    expect((await cli(["plan"], { cwd: acmeRoot })).code).toBe(0);
    expect((await cli(["keys", "status", "--window", "365", "--fail-on", "expiring"], { cwd: acmeRoot })).code).toBe(1);
    expect((await cli(["plan", "--stack", "nope"], { cwd: acmeRoot })).code).toBe(2);
    // A command group without its subcommand shows the help as a usage error; asking for help is not an error.
    for (const args of [[], ["keys"], ["tenant"]]) expect((await cli(args, { cwd: acmeRoot })).code, args.join(" ")).toBe(2);
    for (const args of [["--help"], ["keys", "--help"]]) expect((await cli(args, { cwd: acmeRoot })).code, args.join(" ")).toBe(0);
    expect((await cli(["keys", "rotate", "biling", "--dry-run"], { cwd: acmeRoot })).code).toBe(2);
    expect((await cli(["action", "client-claims", "--event", "actions/events/m2m-disabled.json"], { cwd: acmeRoot })).code).toBe(3);
    // 4: the tenant could not be read (here: no reader credentials anywhere), with what is missing, before any request.
    const env = { AUTH0_CLIENT_ID: "", AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: "" };
    const unreadable = await cli(["drift", "--stack", "dev", "--domain", "acme-dev.eu.auth0.com"], { cwd: acmeRoot, env });
    expect(unreadable.code).toBe(4);
    expect(unreadable.stderr).toContain("cannot read the tenant: missing");
  });

  it("a misspelt stack is a usage error naming the option it came from, with did-you-mean, in every command", async () => {
    const drift = await cli(["drift", "--stack", "prd", "--domain", "acme.eu.auth0.com"], { cwd: acmeRoot });
    expect(drift.code).toBe(2);
    expect(drift.stderr).toContain("--stack prd: no Pulumi.prd.yaml in");
    expect(drift.stderr).toContain('did you mean "prod"?');
    const compare = await cli(["plan", "--compare", "dev", "prd"], { cwd: acmeRoot });
    expect(compare.code).toBe(2);
    expect(compare.stderr).toContain("--compare prd: no Pulumi.prd.yaml in");
  });

  it("plan --live without a deployed client id to read is a usage error saying what to pass", async () => {
    const r = await cli(["plan", "--live"], { cwd: acmeRoot, env: { AUTH0_CLIENT_ID: "", AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: "" } });
    expect(r.stderr).toContain("--live: no deployed client id is known");
    expect(r.code).toBe(2);
  });

  it("plan --live with a --previous file that is not JSON is a usage error naming the file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "prev-"));
    try {
      writeFileSync(path.join(dir, "outputs.json"), "not json");
      const env = { AUTH0_CLIENT_ID: "reader", AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: "x" };
      const r = await cli(["plan", "--live", "--previous", path.join(dir, "outputs.json")], {
        cwd: acmeRoot,
        env,
      });
      expect(r.stderr).toContain(`--previous ${path.join(dir, "outputs.json")}: `);
      expect(r.stderr).toContain("expected the output of `pulumi stack output --json`");
      expect(r.code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("output for people and for programs", () => {
  it("every --json command writes only JSON to stdout", async () => {
    const repo = throwawayRepo();
    try {
      const outputs = [
        await cli(["plan", "--json"], { cwd: acmeRoot }),
        await cli(["plan", "--compare", "dev", "prod", "--json"], { cwd: acmeRoot }),
        await cli(["keys", "status", "--json"], { cwd: acmeRoot }),
        await cli(["review", "--dir", repo.dir, "--base", "main", "--format", "json"]),
        await cli(["action", "login-claims", "--event", "actions/events/login-google.json"], { cwd: acmeRoot }),
        await cli(["login", "--app", "web-portal", "--user", "actions/events/user-ada.json", "--connection", "google-oauth2"], {
          cwd: acmeRoot,
        }),
      ];
      for (const r of outputs) {
        expect(r.code, r.stderr).toBe(0);
        expect(() => JSON.parse(r.stdout)).not.toThrow();
      }
    } finally {
      repo.cleanup();
    }
  });

  // Over 5 s: it compiles the CLI bundle five times with esbuild (a fresh copy, then each edit), as a user's first run
  // after an edit does.
  it("the executable runs the compiled sources, and compiles again after any source file changes", async () => {
    const copy = mkdtempSync(path.join(tmpdir(), "bin-"));
    try {
      for (const dir of ["cli", "src", "components", "packages"]) cpSync(path.join(root, dir), path.join(copy, dir), { recursive: true });
      cpSync(path.join(root, "package.json"), path.join(copy, "package.json"));
      symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"));
      const help = () => promisify(execFile)(process.execPath, [path.join(copy, "cli/auth0-tenant.mjs"), "--help"], { cwd: copy });
      expect((await help()).stdout).toContain("review");
      const main = path.join(copy, "cli/main.ts");
      const text = readFileSync(main, "utf8");
      const description = /\.description\("([^"]+)"\)/.exec(text)![1]!;
      writeFileSync(main, text.replace(description, "Edited after the first run"));
      expect((await help()).stdout).toContain("Edited after the first run");
      // An edit that keeps the file's size and puts its modification time back is compiled in too (the start skips
      // hashing the sources only while no file's metadata, change time included, has moved). Whole seconds: a time
      // utimes can set back exactly.
      const mtime = Math.floor(Date.now() / 1000) - 60;
      utimesSync(main, mtime, mtime);
      expect((await help()).stdout).toContain("Edited after the first run");
      const sameSize = readFileSync(main, "utf8").replace("Edited after the first run", "Edited twice: same size ok");
      expect(Buffer.byteLength(sameSize)).toBe(statSync(main).size);
      writeFileSync(main, sameSize);
      utimesSync(main, mtime, mtime);
      expect((await help()).stdout).toContain("Edited twice: same size ok");
      // A workspace package is bundled from its sources too: an edit to one is compiled in.
      const errors = path.join(copy, "packages/management-api-emulator/src/errors.ts");
      const marker = `The role is not there ${Date.now()}`;
      writeFileSync(errors, readFileSync(errors, "utf8").replace("The role does not exist", marker));
      await help();
      const cache = path.join(root, "node_modules/.cache/auth0-tenant");
      const bundles = readdirSync(cache).filter((d) => d.startsWith("cli-") && existsSync(path.join(cache, d, "main.cjs")));
      expect(bundles.some((d) => readFileSync(path.join(cache, d, "main.cjs"), "utf8").includes(marker))).toBe(true);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  // Over 5 s: two real processes on purpose, one of them through npm, whose own start costs seconds of CPU.
  it("through a pipe from the real executable and from `npm run -s`: pure JSON, no colour", async () => {
    const run = promisify(execFile);
    const bin = await run(process.execPath, [path.join(root, "cli/auth0-tenant.mjs"), "plan", "--json"], {
      cwd: acmeRoot,
      maxBuffer: 16 << 20,
    });
    expect(JSON.parse(bin.stdout).ok).toBe(true);
    const npm = await run("npm", ["run", "-s", "plan", "--", "--json", "--dir", acmeRoot], { cwd: root, maxBuffer: 16 << 20 });
    expect(JSON.parse(npm.stdout).ok).toBe(true);
    expect(bin.stdout).not.toMatch(ANSI);
  });

  it("a reader that stops early (| head) ends the command quietly, without an EPIPE error", async () => {
    // `true` exits before the plan is written: every write then meets a closed pipe.
    const { stderr } = await promisify(execFile)(
      "sh",
      ["-c", `"${process.execPath}" cli/auth0-tenant.mjs plan --json --dir test/fixtures/acme | true`],
      {
        cwd: root,
      },
    );
    expect(stderr).not.toContain("EPIPE");
  });

  it("JSON is indented on a terminal and one line in a pipe, the same document either way", async () => {
    const tty = await cli(["plan", "--json"], { cwd: acmeRoot, tty: true });
    const pipe = await cli(["plan", "--json"], { cwd: acmeRoot });
    expect(tty.stdout.split("\n").length).toBeGreaterThan(100);
    expect(pipe.stdout.split("\n")).toHaveLength(2); // the document and the final newline
    expect(JSON.parse(pipe.stdout)).toEqual(JSON.parse(tty.stdout));
  });

  it("on a terminal: colour (unless NO_COLOR or --no-color), risk levels highlighted, tables fitted to the width", async () => {
    const tty = await cli(["plan"], { cwd: acmeRoot, tty: true, columns: 80 });
    expect(tty.stdout.split("\n").every((line) => line.length <= 80)).toBe(true);
    expect(tty.stdout).not.toContain("…"); // wrapped, never cut
    const pipe = await cli(["plan"], { cwd: acmeRoot });
    expect(pipe.stdout.split("\n").some((line) => line.length > 80)).toBe(true); // nothing cut in a pipe
    const compare = (options: Parameters<typeof cli>[1], ...extra: string[]) =>
      cli(["plan", "--compare", "dev", "prod", ...extra], { cwd: acmeRoot, ...options });
    expect((await compare({ tty: true })).stdout).toMatch(ANSI);
    expect((await compare({ tty: true })).stdout).toContain("How prod differs from dev");
    expect((await compare({ tty: true, env: { NO_COLOR: "1" } })).stdout).not.toMatch(ANSI);
    expect((await compare({ tty: true }, "--no-color")).stdout).not.toMatch(ANSI);
    expect((await compare({})).stdout).not.toMatch(ANSI);
    expect((await compare({})).stdout).toContain("## How prod differs from dev"); // Markdown for files and PR comments
  });
});

/** On a real pseudo-terminal (util-linux `script`), when the machine has one. */
const hasScript = (() => {
  try {
    require("node:child_process").execFileSync("script", ["--version"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(hasScript)("on a terminal", () => {
  const onTerminal = async (shell: string) => {
    const tmp = mkdtempSync(path.join(tmpdir(), "tty-"));
    try {
      const { stdout } = await promisify(execFile)("script", ["-qec", shell, "/dev/null"], {
        cwd: root,
        env: { ...process.env, TMP_OUT: tmp },
      });
      return { stdout, tmp };
    } catch (e) {
      return { stdout: String((e as { stdout?: string }).stdout ?? ""), tmp, failed: e as Error };
    }
  };

  it("a terminal that reports 0 columns gets the default width, not a crash", async () => {
    const { stdout, failed, tmp } = await onTerminal(`stty cols 0; node cli/auth0-tenant.mjs plan --compare dev prod`);
    rmSync(tmp, { recursive: true, force: true });
    expect(failed).toBeUndefined();
    expect(stdout).toContain("How prod differs from dev");
  });

  it("errors written to a redirected stderr carry no colour codes, even when stdout is a terminal", async () => {
    const { tmp } = await onTerminal(`node cli/auth0-tenant.mjs plan --stack prd 2>"$TMP_OUT/err.txt"`);
    const err = readFileSync(path.join(tmp, "err.txt"), "utf8");
    rmSync(tmp, { recursive: true, force: true });
    expect(err).toContain("--stack prd");
    expect(err).not.toMatch(ANSI);
  });
});

describe("errors that say what to do", () => {
  it("a busy port suggests --port", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await cli(["tenant", "local", "--port", String(port), "--http"], { cwd: acmeRoot });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--port ${port} is in use (another local tenant?): stop it, or pick another port with --port <n>`);
    } finally {
      server.close();
    }
  });

  it("a misspelt app or stack gets a did-you-mean", async () => {
    const app = await cli(["token", "--local", "--app", "reportng", "--key", path.join(root, "test/fixtures/invalid/private-key.pem")], {
      cwd: acmeRoot,
    });
    expect(app.stderr).toContain('--app reportng: no such application (did you mean "reporting"?');
    const stack = await cli(["plan", "--stack", "prd"], { cwd: acmeRoot });
    expect(stack.stderr).toContain("--stack prd: no Pulumi.prd.yaml");
    expect(stack.stderr).toContain('did you mean "prod"?');
  });
});
