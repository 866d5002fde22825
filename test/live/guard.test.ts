import { readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localClientId } from "../../src/local-tenant";
import { inspectPublicKey } from "../../src/spec/public-key";
import { tenantProgram } from "../../src/program";
import { underMocks } from "../support/mock-runtime";
import { acmeRoot, validTenant } from "../support/temp-project";
import { liveFixture, READER_ID, readerKeyPair, trustingFetch, type LiveFixture } from "./support";

// The live rotation guard: during preview/up the program checks each rotation step against the credentials Auth0
// holds (when the provider's settings are at hand), so a key changed outside Pulumi cannot be overwritten unseen.

const NOW = new Date("2026-11-22T12:00:00Z");
let f: LiveFixture;
const BILLING = localClientId("dev", "billing");
const Q3 = { name: "billing-1", publicKey: "keys/billing-2026-q3.pem", algorithm: "RS256", expiresAt: "2027-09-30T00:00:00Z" };
const lastOutputs = async () => ({
  applications: {
    billing: {
      clientId: BILLING,
      credentials: [
        { name: "billing-1", thumbprint: (await inspectPublicKey(readFileSync(path.join(acmeRoot, Q3.publicKey), "utf8"))).thumbprint },
      ],
    },
  },
});

beforeAll(async () => {
  f = await liveFixture({ stack: "dev", config: { "auth0:domain": "acme-dev.eu.auth0.com", "auth0-tenant:tenant": validTenant() } });
});
afterAll(() => f?.close());

async function preview(config: Record<string, unknown> = {}) {
  return underMocks(
    {
      stack: "dev",
      config: {
        "auth0-tenant:tenant": validTenant(),
        "auth0:domain": f.settings.domain,
        "auth0:clientId": READER_ID,
        "auth0:clientAssertionPrivateKey": readerKeyPair().privateKey,
        ...config,
      },
      secretKeys: ["auth0:clientAssertionPrivateKey"],
      lastOutputs: await lastOutputs(),
    },
    () => tenantProgram(f.project.root, { now: NOW, reader: { fetch: trustingFetch(f.tenant.tls!.caPem) } }),
  );
}

describe("the rotation guard reads the credentials Auth0 holds", () => {
  it("with the provider's settings it checks against the live credentials, and says so", async () => {
    const run = await preview();
    expect(run.error).toBeUndefined();
    expect(run.result!.rotationGuard).toEqual({
      kind: "live",
      description: `the credentials ${f.settings.domain} holds (read live for 1 deployed applications)`,
    });
    const calls = f.tenant.management.requests.map((r) => r.path.replace(/\?.*/, ""));
    expect(calls).toContain(`/api/v2/clients/${BILLING}/credentials`);
  });

  it("a key rotated outside Pulumi: the outputs still list the old key, Auth0 holds another; the live guard refuses to swap it back", async () => {
    const store = f.tenant.management.store;
    const before = store.credentials.privateKeyJwt(BILLING).map((c) => c.record.id);
    const added = await store.credentials.create(BILLING, {
      credential_type: "public_key",
      name: "dashboard-key",
      pem: readFileSync(path.join(acmeRoot, "keys/payments-2026-q4.pem"), "utf8"),
    });
    store.clients.update(BILLING, { client_authentication_methods: { private_key_jwt: { credentials: [{ id: added.id }] } } });
    for (const id of before) store.credentials.remove(BILLING, id);
    try {
      const live = await preview();
      expect(String(live.error)).toContain(`Pulumi.dev.yaml (rotation against the credentials ${f.settings.domain} holds`);
      expect(String(live.error)).toContain("replaces every credential at once (deployed: dashboard-key; desired: billing-1)");
      // The outputs alone cannot see it: the same step passes against them.
      const outputs = await preview({ "auth0-tenant:rotationGuardSource": "outputs" });
      expect(outputs.error).toBeUndefined();
      expect(outputs.result!.rotationGuard.kind).toBe("outputs");
    } finally {
      store.clients.update(BILLING, { client_authentication_methods: null });
    }
  });

  it("without the provider's settings it falls back to the last deployment's outputs", async () => {
    const run = await preview({ "auth0:clientAssertionPrivateKey": undefined });
    expect(run.error).toBeUndefined();
    expect(run.result!.rotationGuard).toEqual({ kind: "outputs", description: "the last deployment's outputs" });
  });

  it("an unreachable tenant stops the preview at once with the reason and the way out", async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const started = Date.now();
    const run = await preview({ "auth0:domain": `127.0.0.1:${closed}` });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(String(run.error)).toContain(
      `rotation guard: cannot read the credentials Auth0 holds: cannot connect to https://127.0.0.1:${closed} (connection refused)`,
    );
    expect(String(run.error)).toContain("pulumi config set rotationGuardSource outputs");
  });
});
