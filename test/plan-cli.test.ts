import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { dump } from "js-yaml";
const stringify = (value: unknown) => dump(value, { lineWidth: -1, skipInvalid: true });
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./support/cli";
import { tempProject, validTenant } from "./support/temp-project";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../test/fixtures/acme"); // the acme example, not the user's own stacks

const plan = (args: string[]) => cli(["plan", ...args], { cwd: root });

let project: ReturnType<typeof tempProject>;
beforeAll(() => {
  project = tempProject();
  const bad = validTenant();
  bad.applications.billing.grants = { "orders-api": ["orders:purge"] };
  bad.apis["orders-api"].tokenLifetime = 5;
  writeFileSync(path.join(project.root, "Pulumi.bad.yaml"), stringify({ config: { "auth0-tenant:tenant": bad } }));
  writeFileSync(
    path.join(project.root, "Pulumi.good.yaml"),
    stringify({ config: { "auth0:domain": "t.eu.auth0.com", "auth0-tenant:tenant": validTenant() } }),
  );
});
afterAll(() => project.cleanup());

describe("npm run plan", () => {
  it("plans the dev stack by default: APIs, apps, credentials with fingerprints, resource counts", async () => {
    const r = await plan([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Plan for stack dev");
    expect(r.stdout).toMatch(/payments\s+payments-2026-q4\s+RS256\s+2048\s+spki\s+[A-Za-z0-9_-]{43}\s+2027-12-31/);
    expect(r.stdout).toMatch(/billing\s+m2m\s+private_key_jwt\s+orders-api -> orders:read orders:write/);
    expect(r.stdout).toMatch(/ClientCredentials\s+3/);
  });

  it("prints complete JSON (even through a pipe) with public keys shortened and no PEM bodies", async () => {
    const r = await plan(["--dir", project.root, "--stack", "good", "--json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.ok).toBe(true);
    expect(json.resourceTotal).toBe(json.resources.length);
    expect(r.stdout).not.toContain("BEGIN PUBLIC KEY");
    expect(r.stdout).toMatch(/<public key, thumbprint [A-Za-z0-9_-]{43}>/);
    // a stack without actions declares no trigger binding resource (an empty list cannot be deployed)
    expect(json.resources.filter((x: { type: string }) => x.type.endsWith("TriggerActions"))).toEqual([]);
    expect(json.triggers).toEqual({ "post-login": [], "credentials-exchange": [] });
  });

  it("shows an action's code in JSON by bundle hash and size, not as a wall of code", async () => {
    const r = await plan(["--json"]);
    const action = JSON.parse(r.stdout).resources.find(
      (x: { name: string; type: string }) => x.name === "login-claims" && x.type.endsWith("Action"),
    );
    expect(action.inputs.code).toMatch(/^<bundle of actions\/login-claims\.ts, sha256 [0-9a-f]{64}, \d+ bytes>$/);
  });

  it("lists every spec error with its path and exits 1", async () => {
    const r = await plan(["--dir", project.root, "--stack", "bad"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("2 errors; nothing would be declared");
    expect(r.stderr).toContain("apis.orders-api.tokenLifetime: a token lifetime must be at least 60 seconds");
    expect(r.stderr).toContain('applications.billing.grants.orders-api[0]: scope "orders:purge" is not defined on API orders-api');
  });

  it("names the stacks that exist when asked for one that does not", async () => {
    const r = await plan(["--dir", project.root, "--stack", "goood"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--stack goood: no Pulumi.goood.yaml in ${project.root} (did you mean "good"? stacks: bad, good)`);
  });

  it("rejects unknown flags with the usage line", async () => {
    const r = await plan(["--stak", "dev"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown option '--stak'\n(Did you mean --stack?)");
    expect(r.stderr).toContain("(see `auth0-tenant plan --help`)");
  });
});
