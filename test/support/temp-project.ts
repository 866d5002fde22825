import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export const projectRoot = path.resolve(__dirname, "../..");

/**
 * The acme example tenant the tool's own tests run on: a copy of the stacks, tenant.yaml, actions/ and keys/ this
 * repository ships with. The files at the repository's root are the user's to edit (rotate, import, add); the tool's
 * tests never read them, so `npm test` stays green after a README journey (test/user-stacks.test.ts).
 */
export const acmeRoot = path.join(projectRoot, "test/fixtures/acme");

/**
 * A throwaway project directory with the acme example's keys and actions plus the test fixtures' bad keys under keys/,
 * so specs can point at both without touching the real tree.
 */
export function tempProject(extraFiles: Record<string, string> = {}): { root: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), "auth0-tenant-"));
  cpSync(path.join(acmeRoot, "keys"), path.join(root, "keys"), { recursive: true });
  cpSync(path.join(projectRoot, "test/fixtures/keys"), path.join(root, "keys/fixtures"), { recursive: true });
  cpSync(path.join(acmeRoot, "actions"), path.join(root, "actions"), { recursive: true });
  cpSync(path.join(acmeRoot, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
  for (const [file, text] of Object.entries(extraFiles)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** A small valid tenant that bad-input cases mutate. */
export function validTenant() {
  return {
    apis: {
      "orders-api": {
        identifier: "https://orders.acme.example",
        scopes: { "orders:read": "Read orders", "orders:write": "Write orders" },
      },
    },
    applications: {
      billing: {
        type: "m2m",
        name: "Billing service",
        metadata: { tenant_id: "acme" },
        credentials: [{ name: "billing-1", publicKey: "keys/billing-2026-q3.pem", algorithm: "RS256", expiresAt: "2027-09-30T00:00:00Z" }],
        grants: { "orders-api": ["orders:read"] },
      },
      portal: {
        type: "regular_web",
        callbacks: ["https://portal.acme.example/callback"],
      },
    } as Record<string, any>,
  } as Record<string, any>;
}

/** validTenant() plus one action per trigger, bound. */
export function tenantWithActions() {
  return {
    ...validTenant(),
    actions: {
      "login-claims": {
        trigger: "post-login",
        source: "actions/login-claims.ts",
        claims: [
          { name: "https://acme.example/connection", from: "connection.name", tokens: ["id", "access"] },
          { name: "https://acme.example/plan", from: "user.app_metadata.plan", tokens: ["id"] },
        ],
      },
      "client-claims": {
        trigger: "credentials-exchange",
        source: "actions/client-claims.ts",
        claims: [{ name: "https://acme.example/tenant_id", from: "client.metadata.tenant_id" }],
        deny: { when: "client.metadata.disabled", equals: "true", reason: "disabled" },
      },
    } as Record<string, any>,
    triggers: { "post-login": ["login-claims"], "credentials-exchange": ["client-claims"] } as Record<string, any>,
  };
}
