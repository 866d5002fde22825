import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../support/temp-project";
import { exampleStackConfig, liveFixture, READER_ID, readerKeyPair, type LiveFixture } from "./support";

// `plan --diff --live` as users run it (a child process that re-executes itself trusting the local CA), against the
// acme dev stack deployed to the local tenant: the tenant is read, mapped to resources by the import mapping, and
// compared with the plan. Objects the stack does not manage are listed, never deleted.

let f: LiveFixture;
let keyFile: string;
beforeAll(async () => {
  f = await liveFixture({ stack: "dev", config: await exampleStackConfig("dev") });
  keyFile = path.join(f.scratch, "reader.key");
  writeFileSync(keyFile, readerKeyPair().privateKey, { mode: 0o600 });
});
afterAll(() => f?.close());

/**
 * Runs `plan --diff --live`. `trusted` starts it trusting the local CA already, as its re-execution would be: the first
 * case runs it as users do, re-executing itself; the others check what that second process does.
 */
function plan(args: string[], trusted = true): Promise<{ code: number; stdout: string; stderr: string }> {
  const tenant = ["--local", f.tenant.url, "--ca", f.tenant.tls!.caPath, "--client-id", READER_ID, "--key-file", keyFile];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        path.join(projectRoot, "cli/auth0-tenant.mjs"),
        "plan",
        "--stack",
        "dev",
        "--dir",
        f.project.root,
        "--diff",
        "--live",
        ...tenant,
        ...args,
      ],
      {
        cwd: projectRoot,
        env: {
          ...process.env,
          NO_COLOR: "1",
          NODE_EXTRA_CA_CERTS: trusted ? f.tenant.tls!.caPath : "",
          AUTH0_CLIENT_ID: "",
          AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: "",
        },
        maxBuffer: 64 << 20,
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 70) : 0, stdout, stderr }),
    );
  });
}

const diffOf = (stdout: string) => stdout.slice(stdout.indexOf("Resource diff against"));

describe("plan --diff --live", () => {
  it("the tenant as deployed: no change", async () => {
    const r = await plan([], false);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const diff = diffOf(r.stdout);
    expect(diff).toMatch(/^Resource diff against the live tenant localhost:\d+ \(\d+ resources mapped by the import\)\n/);
    expect(diff).toContain("\nNo changes.\n");
    expect(diff).toMatch(/\n0 to add, 0 to change, 0 to replace, 0 to delete \(23 unchanged\)\n/);
  });

  it("a change made in the tenant shows as the update pulumi up makes to undo it, and --fail-on change fails", async () => {
    const store = f.tenant.management.store;
    const orders = "https://orders.acme.example";
    store.resourceServers.update(orders, { token_lifetime: 7200 });
    try {
      const r = await plan(["--fail-on", "change"]);
      expect(r.code).toBe(1);
      const diff = diffOf(r.stdout);
      expect(diff).toContain("~  auth0:index/resourceServer:ResourceServer orders-api (update)\n      ~ tokenLifetime: 7200 => 3600\n");
      expect(diff).toContain("\n0 to add, 1 to change, 0 to replace, 0 to delete (22 unchanged)\n");
      expect(r.stderr).toBe("--fail-on change: 1 resource(s): update ResourceServer orders-api\n");
    } finally {
      store.resourceServers.update(orders, { token_lifetime: 3600 });
    }
  });

  it("an object the stack does not manage is listed, not deleted, unless its id is the stack's (its last deployment's outputs)", async () => {
    const store = f.tenant.management.store;
    store.clients.add({
      client_id: "hand-made",
      name: "Hand made portal",
      app_type: "regular_web",
      callbacks: ["https://hand.example/cb"],
    });
    try {
      const listed = diffOf((await plan([])).stdout);
      expect(listed).toContain("\n0 to add, 0 to change, 0 to replace, 0 to delete (23 unchanged)\n");
      expect(listed).toContain(
        "Not managed by this stack (pulumi up leaves them alone): 1 object(s) in the tenant: Client hand-made-portal (hand-made)",
      );
      const outputs = path.join(f.scratch, "outputs.json");
      writeFileSync(outputs, JSON.stringify({ applications: { "old-portal": { clientId: "hand-made" } } }));
      const owned = await plan(["--previous", outputs, "--fail-on", "delete"]);
      expect(owned.code).toBe(1);
      expect(diffOf(owned.stdout)).toContain("-  auth0:index/client:Client hand-made-portal (delete)\n");
      expect(owned.stderr).toBe("--fail-on delete: 1 resource(s): delete Client hand-made-portal\n");
    } finally {
      store.clients.delete("hand-made");
    }
  });
});
