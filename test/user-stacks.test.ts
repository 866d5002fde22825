import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalTenant, type LocalTenant } from "../src/local-tenant";
import { loadUsers } from "../src/local-tenant/login/users";
import { READ_SCOPES } from "../src/local-tenant/management";
import { planStack } from "../src/plan";
import { cli } from "./support/cli";
import { keyDealer } from "./support/rsa-key-pairs";
import { acmeRoot, projectRoot } from "./support/temp-project";
import { userStackProblems, userStacks } from "./support/user-stacks";

/**
 * The stacks at the repository's root, tenant.yaml, actions/ and keys/ are the user's tenant. `npm test` holds them
 * to rules, never to a snapshot (the tool's own tests run on test/fixtures/acme): every stack plans, the program
 * declares what the plan says, and the policy pack passes.
 */
/** The files a team that adopts this repository edits: its tenant. */
const USER_FILES = (dir: string) =>
  readdirSync(dir).filter((f) => /^Pulumi\..+\.yaml$/.test(f) || ["Pulumi.yaml", "tenant.yaml", "actions", "keys", "local"].includes(f));

describe("the user's stacks", async () => {
  const stacks = await userStacks(projectRoot);
  it("there is at least one stack to check", () => expect(stacks.length).toBeGreaterThan(0));
  it.each(stacks)("stack %s plans, declares what it plans and passes the policy pack", async (stack) => {
    expect(await userStackProblems(projectRoot, stack)).toEqual([]);
  });
  it.runIf(existsSync(path.join(projectRoot, "local/users.yaml")))("the local tenant's test users (local/users.yaml) load", () => {
    expect(() => loadUsers(path.join(projectRoot, "local/users.yaml"))).not.toThrow();
  });
});

describe("the checks fail on a stack that breaks a rule", () => {
  it("a spec error, and a policy violation the spec allows (a production stack unprotected)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "user-rules-"));
    try {
      for (const f of USER_FILES(acmeRoot)) cpSync(path.join(acmeRoot, f), path.join(dir, f), { recursive: true });
      const prod = readFileSync(path.join(dir, "Pulumi.prod.yaml"), "utf8");
      writeFileSync(path.join(dir, "Pulumi.prod.yaml"), prod.replace("extends: tenant.yaml", "extends: tenant.yaml\n    protect: false"));
      expect(await userStackProblems(dir, "prod")).toContainEqual(expect.stringMatching(/^production-protected on /));
      writeFileSync(path.join(dir, "Pulumi.prod.yaml"), prod.replace("extends: tenant.yaml", "extends: tenant.yaml\n    tokenLifetime: 1"));
      expect((await userStackProblems(dir, "prod"))[0]).toMatch(/^Pulumi\.prod\.yaml.*: tokenLifetime/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const bin = path.join(projectRoot, "cli/auth0-tenant.mjs");

/** An application of the stack with one credential: a new key has a free slot beside it. */
async function appWithOneKey(dir: string, stack: string): Promise<string> {
  const planned = await planStack(dir, stack);
  if (!planned.ok) throw new Error(`${stack} does not plan`);
  const app = Object.values(planned.plan.spec.applications).find((a) => a.credentials?.length === 1);
  if (!app) throw new Error(`${stack}: no application with exactly one credential to rotate`);
  return app.key;
}

describe("a README journey on a copy of the user's tenant leaves these checks green", () => {
  let copy: string;
  let scratch: string;
  let tenant: LocalTenant;
  beforeAll(async () => {
    copy = mkdtempSync(path.join(tmpdir(), "user-tenant-"));
    scratch = mkdtempSync(path.join(tmpdir(), "user-scratch-"));
    for (const f of USER_FILES(projectRoot)) cpSync(path.join(projectRoot, f), path.join(copy, f), { recursive: true });
    for (const f of [".prettierrc.json", ".prettierignore"]) cpSync(path.join(projectRoot, f), path.join(copy, f));
    symlinkSync(path.join(projectRoot, "node_modules"), path.join(copy, "node_modules"));
  });
  afterAll(async () => {
    await tenant?.close();
    rmSync(copy, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  // Over 5 s: the README journey through the real executable (four commands, a local tenant started and read), then the
  // format check on the result.
  it("keys rotate, keys add, then import --local of the local tenant: every stack still passes, and the format check", async () => {
    // Rotation, phase 1 (README "Rotating a client credential"): a new key beside the old one, private half outside.
    const app = await appWithOneKey(copy, "dev");
    const rotated = await cli(["keys", "rotate", app, "--stack", "dev", "--out", path.join(scratch, "rotated.pem")], { cwd: copy });
    expect(rotated.code, rotated.stderr).toBe(0);
    // A partner's public key registered for another stack's application.
    const keyPair = keyDealer();
    const partner = keyPair().publicKey;
    writeFileSync(path.join(scratch, "partner.pem"), partner);
    const added = await cli(
      ["keys", "add", await appWithOneKey(copy, "prod"), "--stack", "prod", "--public-key", path.join(scratch, "partner.pem")],
      { cwd: copy },
    );
    expect(added.code, added.stderr).toBe(0);

    // Adopting a tenant (README "Adopting an existing tenant"), from the local tenant serving the edited dev stack.
    const reader = keyPair();
    const readerKey = path.join(scratch, "reader.pem");
    writeFileSync(readerKey, reader.privateKey, { mode: 0o600 });
    tenant = await startLocalTenant({
      dir: copy,
      stack: "dev",
      tlsDir: path.join(scratch, "tls"),
      managementClients: [
        {
          clientId: "reader",
          publicKeyPem: reader.publicKey,
          scopes: READ_SCOPES,
          name: "reader",
        },
      ],
    });
    const ca = path.join(scratch, "tls/ca.pem");
    const imported = await promisify(execFile)(
      process.execPath,
      [bin, "import", "--stack", "adopted", "--local", tenant.url, "--client-id", "reader", "--key-file", readerKey, "--ca", ca],
      { cwd: copy, env: { ...process.env, NODE_EXTRA_CA_CERTS: ca } },
    );
    expect(imported.stderr + imported.stdout).toContain("plans cleanly");
    expect(existsSync(path.join(copy, "Pulumi.adopted.yaml"))).toBe(true);
    expect(readdirSync(path.join(copy, "actions/imported")).length).toBeGreaterThan(0);

    for (const stack of await userStacks(copy)) expect(await userStackProblems(copy, stack), stack).toEqual([]);
    // `npm test` also checks formatting: the stack files the tools wrote are formatted, and imported action code,
    // deployed byte for byte, is exempt (.prettierignore).
    const prettier = path.join(projectRoot, "node_modules/.bin/prettier");
    const format = await promisify(execFile)(prettier, ["--check", "."], { cwd: copy }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );
    expect(format.out, format.out).toContain("All matched files use Prettier code style");
    expect(format.code).toBe(0);
  }, 300_000); // several plans, the program under mocks and two child processes: minutes on a loaded machine
});
