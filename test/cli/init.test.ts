import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../support/cli";

const root = path.resolve(__dirname, "../..");
const scratch = mkdtempSync(path.join(tmpdir(), "init-"));
const home = path.join(scratch, "home");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const env = { XDG_CONFIG_HOME: home };

describe("auth0-tenant init: a new tenant repository that plans and tests green", () => {
  const dir = path.join(scratch, "acme-auth");

  it("scaffolds, then plan works and the first key's private half is outside the repository", async () => {
    const r = await cli(["init", dir], { cwd: scratch, env });
    expect(r.code, r.stderr).toBe(0);
    for (const f of [
      "Pulumi.yaml",
      "tenant.yaml",
      "Pulumi.dev.yaml",
      "package.json",
      "index.ts",
      ".gitignore",
      "actions/client-claims.ts",
      ".github/workflows/pull-request.yml",
      ".github/workflows/deploy.yml",
      ".github/workflows/drift.yml",
    ])
      expect(existsSync(path.join(dir, f)), f).toBe(true);
    const keys = readdirSync(path.join(dir, "keys"));
    expect(keys).toHaveLength(1);
    expect(readFileSync(path.join(dir, "keys", keys[0]!), "utf8")).toContain("BEGIN PUBLIC KEY");
    const privateKeys = readdirSync(path.join(home, "auth0-tenant", "dev"));
    expect(privateKeys).toEqual([keys[0]]);
    const everything = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? everything(path.join(d, e.name)) : [path.join(d, e.name)]));
    for (const f of everything(dir)) expect(readFileSync(f, "utf8"), f).not.toContain("PRIVATE KEY");

    // From inside the new repository (found from the current directory): one API, one M2M app with its key, one action.
    const plan = await cli(["plan", "--json"], { cwd: path.join(dir, "actions") });
    expect(plan.code, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout);
    expect(json.project).toBe("acme-auth");
    expect(json.apis.map((a: { key: string }) => a.key)).toEqual(["example-api"]);
    expect(json.applications.map((a: { key: string; credentials: unknown[] }) => [a.key, a.credentials.length])).toEqual([["backend", 1]]);
    expect(json.actions.map((a: { key: string }) => a.key)).toEqual(["client-claims"]);
  });

  // Over 5 s: it runs the new repository's own `npm test` (a type-check and its suite) through npm.
  it("npm test passes on the result (the tool linked in as its dependency)", async () => {
    mkdirSync(path.join(dir, "node_modules", ".bin"), { recursive: true });
    symlinkSync(root, path.join(dir, "node_modules", "auth0-tenant"));
    symlinkSync(path.join(root, "cli/auth0-tenant.mjs"), path.join(dir, "node_modules", ".bin", "auth0-tenant"));
    const { stdout } = await promisify(execFile)("npm", ["test", "--silent"], {
      cwd: dir,
      env: { ...process.env, ...env },
      maxBuffer: 8 << 20,
    });
    expect(stdout).toContain("Plan for stack dev");
    expect(stdout).toContain('"https://acme-auth.example/tenant_id":"acme-auth"');
  }, 120_000);

  it("refuses to overwrite, and writes nothing", async () => {
    const other = path.join(scratch, "existing");
    mkdirSync(other);
    writeFileSync(path.join(other, "tenant.yaml"), "mine: true\n");
    const r = await cli(["init", other], { cwd: scratch, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("tenant.yaml already exists; init never overwrites");
    expect(readdirSync(other)).toEqual(["tenant.yaml"]);
    expect(readFileSync(path.join(other, "tenant.yaml"), "utf8")).toBe("mine: true\n");
    const again = await cli(["init", path.join(scratch, "acme-auth")], { cwd: scratch, env });
    expect(again.code).toBe(1);
  });

  it("writes through the confined writer: a linked directory in the target cannot lead a file out of it", async () => {
    const target = path.join(scratch, "linked");
    const outside = path.join(scratch, "outside");
    mkdirSync(target);
    mkdirSync(outside);
    symlinkSync(outside, path.join(target, ".github"));
    const r = await cli(["init", target], { cwd: scratch, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("symbolic link");
    expect(readdirSync(outside)).toEqual([]);
    expect(readdirSync(target)).toEqual([".github"]);
  });
});
