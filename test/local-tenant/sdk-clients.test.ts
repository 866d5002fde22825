import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { dump } from "js-yaml";
const stringify = (value: unknown) => dump(value, { lineWidth: -1, skipInvalid: true });
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localClientId, startLocalTenant, type LocalTenant } from "../../src/local-tenant";
import { tempProject } from "../support/temp-project";
import { keyDealer } from "../support/rsa-key-pairs";

const run = promisify(execFile);
const key = keyDealer()();
let project: ReturnType<typeof tempProject>;
let scratch: string;
let tenant: LocalTenant;

beforeAll(async () => {
  project = tempProject();
  scratch = mkdtempSync(path.join(tmpdir(), "sdk-clients-"));
  mkdirSync(path.join(project.root, "keys/sdk"), { recursive: true });
  writeFileSync(path.join(project.root, "keys/sdk/svc.pem"), key.publicKey);
  writeFileSync(path.join(scratch, "svc.key"), key.privateKey, { mode: 0o600 });
  const config = {
    "auth0:domain": "acme-sdk.eu.auth0.com",
    "auth0-tenant:tenant": {
      apis: {
        orders: { identifier: "https://orders.sdk.test", scopes: { "orders:read": "r" } },
        ledger: { identifier: "https://ledger.sdk.test", signingAlg: "PS256", scopes: { "ledger:read": "r" } },
      },
      applications: {
        svc: {
          type: "m2m",
          metadata: { tenant_id: "acme" },
          credentials: [{ name: "svc", publicKey: "keys/sdk/svc.pem", algorithm: "RS256" }],
          grants: { orders: ["orders:read"], ledger: ["ledger:read"] },
        },
      },
      actions: {
        "client-claims": {
          trigger: "credentials-exchange",
          source: "actions/client-claims.ts",
          claims: [{ name: "https://acme.example/tenant_id", from: "client.metadata.tenant_id" }],
        },
      },
      triggers: { "credentials-exchange": ["client-claims"] },
    },
  };
  writeFileSync(path.join(project.root, "Pulumi.sdk.yaml"), stringify({ config }));
  tenant = await startLocalTenant({ dir: project.root, stack: "sdk", tlsDir: path.join(scratch, "tls") });
});
afterAll(async () => {
  await tenant?.close();
  project?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the client SDKs services use, unmodified, against the local tenant over HTTPS", () => {
  it("openid-client, @auth0/auth0-auth-js and auth0's AuthenticationClient each get a private_key_jwt token that verifies against the JWKS", async () => {
    expect(tenant.protocol).toBe("https");
    const domain = new URL(tenant.url).host; // localhost:<port>
    const audiences = {
      "openid-client": "https://orders.sdk.test",
      "@auth0/auth0-auth-js": "https://ledger.sdk.test",
      "auth0 AuthenticationClient": "https://orders.sdk.test",
    };
    const input = { domain, clientId: localClientId("sdk", "svc"), keyFile: path.join(scratch, "svc.key"), alg: "RS256", audiences };
    // NODE_EXTRA_CA_CERTS is read when a process starts: the SDKs run in a child started with it, as a service would.
    const { stdout } = await run(process.execPath, [path.join(__dirname, "sdk-clients.mjs"), JSON.stringify(input)], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: tenant.tls!.caPath },
      timeout: 30_000,
    });
    const results = stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { sdk: string; ok: boolean; alg?: string; payload?: Record<string, unknown>; error?: string });
    expect(results.map((r) => [r.sdk, r.ok ? "ok" : r.error])).toEqual(Object.keys(audiences).map((sdk) => [sdk, "ok"]));
    for (const r of results) {
      expect(r.payload).toMatchObject({
        iss: `https://${domain}/`,
        sub: `${localClientId("sdk", "svc")}@clients`,
        aud: audiences[r.sdk as keyof typeof audiences],
        gty: "client-credentials",
        "https://acme.example/tenant_id": "acme",
      });
    }
    expect(results.find((r) => r.sdk === "@auth0/auth0-auth-js")!.alg).toBe("PS256");
  });
});
