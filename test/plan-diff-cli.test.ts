import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "./support/cli";
import { acmeRoot, projectRoot } from "./support/temp-project";

// `plan --diff --previous <checkpoint>`, against a checkpoint made from the acme example's dev plan one change ago
// (test/support/make-checkpoint-fixture.ts says what differs), and every way the file can be wrong: through the real
// executable where the process is what is checked (the whole diff on stdout; a limit set in the environment), the
// rest in this process, as the executable's main() runs it.

const state = path.join(acmeRoot, "state/dev.json");
const scratch = mkdtempSync(path.join(tmpdir(), "plan-diff-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Ended {
  code: number;
  stdout: string;
  stderr: string;
}

function planThroughExecutable(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ended> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(projectRoot, "cli/auth0-tenant.mjs"), "plan", "--dir", acmeRoot, ...args],
      { cwd: projectRoot, env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 70) : 0, stdout, stderr }),
    );
  });
}

const plan = (args: string[]): Promise<Ended> =>
  cli(["plan", "--dir", acmeRoot, ...args], { cwd: projectRoot, env: { ...process.env, NO_COLOR: "1" } });

describe("plan --diff --previous <pulumi stack export>", () => {
  it("prints the auth-terms plan, then one line per changed resource with its property changes and the summary", async () => {
    const r = await planThroughExecutable(["--diff", "--previous", state]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Plan for stack dev");
    const diff = r.stdout.slice(r.stdout.indexOf("Resource diff against"));
    const lines = diff.split("\n");
    // The last deployment (state/dev.json) predates the acme example's RBAC on orders-api, its browser token lifetime
    // and its roles: those show as the update and the creates pulumi up would make.
    expect(lines.slice(0, 13)).toEqual([
      `Resource diff against the last deployment (${state}, stack dev, 19 resources)`,
      "",
      "~  auth0:index/resourceServer:ResourceServer orders-api (update)",
      "      ~ tokenLifetime: 7200 => 3600",
      "      ~ tokenLifetimeForWeb: 3600 => 1800",
      "      + enforcePolicies: true",
      '      + tokenDialect: "access_token_authz"',
      "+- auth0:index/clientGrant:ClientGrant reporting/orders-api (replace: audience forces it)",
      '      ~ audience: "https://orders-v1.acme.example" => "https://orders.acme.example" (forces replacement)',
      "~  auth0:index/client:Client web-portal (update)",
      '      + callbacks[1]: "http://localhost:3000/callback"',
      "+  auth0:index/action:Action client-claims (create)",
      '      + name: "client-claims"',
    ]);
    expect(lines[13]).toMatch(/^ {6}\+ code: <\d+ bytes, sha256 [0-9a-f]{16}>$/);
    const orders = (scope: string) => ({ name: scope, resourceServerIdentifier: "https://orders.acme.example" });
    expect(lines.slice(17)).toEqual([
      "~  auth0:index/triggerActions:TriggerActions credentials-exchange (update)",
      expect.stringMatching(/^ {6}~ actions\[0\]\.id: "[0-9a-f]{24}" => \[known after deploy\]$/),
      "+  auth0:index/role:Role order-admins (create)",
      '      + name: "Order admins"',
      '      + description: "Manage every order"',
      "+  auth0:index/rolePermissions:RolePermissions order-admins-permissions (create)",
      "      + roleId: [known after deploy]",
      `      + permissions: ${JSON.stringify([orders("orders:delete"), orders("orders:read"), orders("orders:write")])}`,
      "+  auth0:index/role:Role report-readers (create)",
      '      + name: "report-readers"',
      '      + description: "Managed by Pulumi"',
      "+  auth0:index/rolePermissions:RolePermissions report-readers-permissions (create)",
      "      + roleId: [known after deploy]",
      `      + permissions: ${JSON.stringify([{ name: "reports:read", resourceServerIdentifier: "https://reports.acme.example" }, orders("orders:read")])}`,
      "-  auth0:index/client:Client legacy-batch (delete)",
      "",
      "5 to add, 3 to change, 1 to replace, 1 to delete (14 unchanged)",
      "",
    ]);
  });

  it("--json: the plan and the diff in one document, no PEM bodies", async () => {
    const r = await plan(["--diff", "--previous", state, "--json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.ok).toBe(true);
    expect(json.diff.counts).toEqual({ create: 5, import: 0, update: 3, replace: 1, delete: 1, same: 14 });
    expect(json.diff.resources.find((x: { op: string }) => x.op === "replace")).toMatchObject({
      name: "reporting/orders-api",
      replacedBy: ["audience"],
    });
    expect(r.stdout).not.toContain("BEGIN PUBLIC KEY");
  });

  it("--fail-on: exit 1 with the reason on stderr when the diff holds such a change; 0 otherwise", async () => {
    const replace = await plan(["--diff", "--previous", state, "--fail-on", "replace"]);
    expect(replace.code).toBe(1);
    expect(replace.stderr).toBe("--fail-on replace: 1 resource(s): replace ClientGrant reporting/orders-api\n");
    const del = await plan(["--diff", "--previous", state, "--fail-on", "delete"]);
    expect(del.code).toBe(1);
    expect(del.stderr).toContain("replace ClientGrant reporting/orders-api, delete Client legacy-batch");
    // the checkpoint of the plan itself: nothing changes
    const same = path.join(scratch, "same.json");
    const checkpoint = JSON.parse(readFileSync(state, "utf8"));
    checkpoint.deployment.resources = checkpoint.deployment.resources.filter((x: { urn: string }) => !x.urn.endsWith("::legacy-batch"));
    writeFileSync(same, JSON.stringify(checkpoint));
    const partial = await plan(["--diff", "--previous", same, "--fail-on", "delete"]);
    expect(partial.code).toBe(1); // the replacement deletes the old grant
    expect((await plan(["--diff", "--previous", same, "--fail-on", "change", "--json"])).code).toBe(1);
  });

  it("plan without --diff takes the checkpoint for the rotation check as it takes stack outputs", async () => {
    const r = await plan(["--previous", state]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Credential changes checked against the last deployment's outputs (--previous).");
    expect(r.stdout).not.toContain("Resource diff");
  });
});

describe("plan --diff: wrong arguments and bad files exit 2 with one line naming the option", () => {
  const write = (name: string, text: string) => {
    const file = path.join(scratch, name);
    writeFileSync(file, text);
    return file;
  };
  const usage = async (args: string[], message: string | RegExp, env: NodeJS.ProcessEnv = {}) => {
    const r = await (Object.keys(env).length > 0 ? planThroughExecutable(args, env) : plan(args));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toMatch(typeof message === "string" ? new RegExp(`^error: ${escape(message)}`) : message);
  };
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  it("no baseline, --fail-on without --diff, a missing file", async () => {
    await usage(["--diff"], "--diff compares the plan with a baseline: add --previous <file of `pulumi stack export`> or --live");
    await usage(["--fail-on", "change"], "--fail-on change applies to --diff (add --diff)");
    await usage(["--diff", "--previous", path.join(scratch, "nope.json")], `--previous ${path.join(scratch, "nope.json")}: no such file`);
    await usage(
      ["--diff", "--previous", state, "--fail-on", "everything"],
      /^error: option '--fail-on <what>' argument 'everything' is invalid/,
    );
  });

  it("stack outputs cannot give a resource-level diff, and say what to pass instead", async () => {
    const outputs = write("outputs.json", JSON.stringify({ applications: { billing: { clientId: "abc", credentials: [] } } }));
    await usage(
      ["--diff", "--previous", outputs],
      `--previous ${outputs}: these are stack outputs (\`pulumi stack output --json\`): they name client ids and key fingerprints, not each resource's inputs, so --diff cannot compare resources with them; pass the checkpoint instead (\`pulumi stack export --stack dev --file state.json\`), or --live`,
    );
    // without --diff they are what they always were
    expect((await plan(["--previous", outputs])).code).toBe(0);
  });

  it("not JSON, not a deployment, another stack's checkpoint, a file beyond the read limit", async () => {
    const notJson = write("not.json", "{ nope");
    await usage(["--diff", "--previous", notJson], new RegExp(`^error: --previous ${escape(notJson)}: not JSON: `));
    const v1 = write("v1.json", JSON.stringify({ version: 1, deployment: {} }));
    await usage(
      ["--diff", "--previous", v1],
      `--previous ${v1}: not a Pulumi deployment: version: is 1; allowed: 3 or 4 (the deployment versions pulumi stack export writes)`,
    );
    await usage(
      ["--diff", "--previous", state, "--stack", "prod"],
      `--previous ${state}: the checkpoint is of stack dev, not prod (export this stack's: pulumi stack export --stack prod)`,
    );
    await usage(
      ["--diff", "--previous", state],
      new RegExp(
        `^error: --previous ${escape(state)}: is \\d+ bytes \\(allowed: at most 0\\.01 MiB \\(raise it with AUTH0_TENANT_READ_LIMIT_MB=<MiB>\\)\\)`,
      ),
      { AUTH0_TENANT_READ_LIMIT_MB: "0.01" },
    );
  });
});
