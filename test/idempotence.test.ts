import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStackConfig } from "../src/plan";
import { tenantProgram } from "../src/program";
import { customResources, settle, underMocks } from "./support/mock-runtime";
import { ProviderDouble } from "./support/provider-double";
import { tempProject, validTenant } from "./support/temp-project";

/**
 * `pulumi up` twice changes nothing the second time: each run of the real program is validated by the provider
 * double, its registrations become the stack's state the way the provider stores it, and a second run is diffed
 * against that state with the provider's semantics. A value the provider canonicalises (and we do not) shows up here
 * as a change that would never clear.
 */

const NOW = new Date("2026-11-22T12:00:00Z");
const root = path.resolve(__dirname, "../test/fixtures/acme"); // the acme example, not the user's own stacks

async function up(
  dir: string,
  stack: string,
  config: Record<string, unknown>,
  provider: ProviderDouble,
  lastOutputs?: Record<string, unknown>,
) {
  const run = await underMocks({ stack, config, provider, ...(lastOutputs ? { lastOutputs } : {}) }, async () =>
    settle((await tenantProgram(dir, { now: NOW })).outputs),
  );
  return { ...run, custom: customResources(run.registered) };
}

/** Deploys, stores the state, and returns what a second identical run would change. */
async function deployTwice(dir: string, stack: string, config: Record<string, unknown>) {
  const provider = new ProviderDouble();
  const first = await up(dir, stack, config, provider);
  expect(first.error).toBeUndefined();
  expect(provider.errors).toEqual([]);
  expect(provider.plan(first.custom).every((c) => c.op === "create")).toBe(true);
  provider.apply(first.custom);
  const second = await up(dir, stack, config, provider, first.result as Record<string, unknown>);
  expect(second.error).toBeUndefined();
  return { provider, first, changes: provider.plan(second.custom) };
}

describe.each(["dev", "prod"])("the example stack %s", (stack) => {
  it("deploys, then a second pulumi up changes nothing", async () => {
    const config = (await readStackConfig(root, stack)).values;
    const { changes, first } = await deployTwice(root, stack, config);
    expect(first.custom.length).toBeGreaterThan(10);
    expect(changes).toEqual([]);
  });
});

let project: ReturnType<typeof tempProject>;
beforeAll(() => {
  project = tempProject();
});
afterAll(() => project.cleanup());

describe("a tenant without actions", () => {
  it("declares no trigger bindings and is idempotent", async () => {
    const { changes, first } = await deployTwice(project.root, "dev", { "auth0-tenant:tenant": validTenant() });
    expect(first.custom.some((r) => r.type.endsWith("TriggerActions"))).toBe(false);
    expect(changes).toEqual([]);
  });
});

describe("an API without scopes", () => {
  const withScopelessApi = (grant: string[] | undefined) => {
    const t = validTenant();
    t.apis["audit-api"] = { identifier: "https://audit.acme.example" };
    if (grant) t.applications.billing.grants["audit-api"] = grant;
    return { "auth0-tenant:tenant": t };
  };

  it("declares no scopes resource (an empty Required block is refused) and is idempotent, with a grant of no scopes on it", async () => {
    const { changes, first, provider } = await deployTwice(project.root, "dev", withScopelessApi([]));
    expect(provider.errors).toEqual([]);
    const scopes = first.custom.filter((r) => r.type.endsWith("ResourceServerScopes")).map((r) => r.name);
    expect(scopes).toEqual(["orders-api"]);
    expect(first.custom.find((r) => r.name === "billing/audit-api")!.dependencies!.filter((d) => d.includes("Scopes"))).toEqual([]);
    expect(changes).toEqual([]);
  });

  it("removing an API's last scope deletes its scopes resource instead of sending an empty set", async () => {
    const provider = new ProviderDouble();
    const first = await up(project.root, "dev", { "auth0-tenant:tenant": validTenant() }, provider);
    provider.apply(first.custom);
    const t = validTenant();
    t.apis["orders-api"].scopes = {};
    delete t.applications.billing.grants["orders-api"];
    const second = await up(project.root, "dev", { "auth0-tenant:tenant": t }, provider, first.result as Record<string, unknown>);
    expect(second.error).toBeUndefined();
    expect(provider.errors).toEqual([]);
    expect(provider.plan(second.custom).filter((c) => c.address.includes("ResourceServerScopes"))).toEqual([
      { address: "auth0:index/resourceServerScopes:ResourceServerScopes::orders-api", op: "delete", paths: [] },
    ]);
  });

  it("an empty scope set is refused as the provider refuses it", () => {
    expect(() =>
      new ProviderDouble().register("auth0:index/resourceServerScopes:ResourceServerScopes", "x", {
        resourceServerIdentifier: "https://x.example",
        scopes: [],
      }),
    ).toThrow(/scopes: at least 1 item/);
  });
});

describe("each step of a rotation changes only the app's credentials, and is idempotent", () => {
  const Q3 = { name: "b-q3", publicKey: "keys/billing-2026-q3.pem", expiresAt: "2027-09-30T00:00:00Z" };
  const Q4 = { name: "b-q4", publicKey: "keys/payments-2026-q4.pem", expiresAt: "2027-12-31T00:00:00+01:00" };
  const CERT = { name: "b-cert", publicKey: "keys/reporting-2026.crt", algorithm: "PS256" };
  const withKeys = (...creds: object[]) => {
    const t = validTenant();
    t.applications.billing.credentials = creds;
    return { "auth0-tenant:tenant": t };
  };

  it("new key → both keys → old key retired → a certificate added → a key's expiry moved", async () => {
    const provider = new ProviderDouble();
    let outputs: Record<string, unknown> | undefined;
    // ...then a deployed key's expiry moved (an in-place update of the same key: TFP client/resource_credentials.go).
    const steps = [
      withKeys(Q3),
      withKeys(Q3, Q4),
      withKeys(Q4),
      withKeys(Q4, CERT),
      withKeys({ ...Q4, expiresAt: "2028-06-30T00:00:00Z" }, CERT),
    ];
    for (const [i, config] of steps.entries()) {
      const run = await up(project.root, "dev", config, provider, outputs);
      expect(run.error, `step ${i}`).toBeUndefined();
      expect(provider.errors).toEqual([]);
      const changes = provider.plan(run.custom);
      if (i === 0) expect(changes.every((c) => c.op === "create")).toBe(true);
      else
        expect(changes, `step ${i}`).toEqual([
          { address: "auth0:index/clientCredentials:ClientCredentials::billing", op: "update", paths: ["privateKeyJwt.credentials"] },
        ]);
      provider.apply(run.custom);
      outputs = run.result as Record<string, unknown>;
      const again = await up(project.root, "dev", config, provider, outputs);
      expect(provider.plan(again.custom), `step ${i} again`).toEqual([]);
    }
  });
});

describe("the double sees what setMocks does not", () => {
  it("a credential's expiresAt spelled other than the provider stores it diffs on every preview", () => {
    const provider = new ProviderDouble();
    const pem = require("node:fs").readFileSync(path.join(root, "keys/billing-2026-q3.pem"), "utf8");
    const inputs = {
      clientId: "c",
      authenticationMethod: "private_key_jwt",
      privateKeyJwt: {
        credentials: [{ name: "k", credentialType: "public_key", pem, algorithm: "RS256", expiresAt: "2027-09-30T00:00:00Z" }],
      },
    };
    const registration = { type: "auth0:index/clientCredentials:ClientCredentials", name: "billing", inputs };
    provider.apply([registration]);
    expect(provider.plan([registration])).toEqual([
      { address: `${registration.type}::billing`, op: "update", paths: ["privateKeyJwt.credentials"] },
    ]);
    const canonical = {
      ...registration,
      inputs: {
        ...inputs,
        privateKeyJwt: { credentials: [{ ...inputs.privateKeyJwt.credentials[0], expiresAt: "2027-09-30T00:00:00.000Z" }] },
      },
    };
    provider.apply([canonical]);
    expect(provider.plan([canonical])).toEqual([]);
  });

  it("an empty binding list is refused as the provider and the bridge refuse it", () => {
    expect(() =>
      new ProviderDouble().register("auth0:index/triggerActions:TriggerActions", "post-login", { trigger: "post-login", actions: [] }),
    ).toThrow(/actions: at least 1 item/);
  });

  it("values outside the provider's enums are refused (e.g. jwtConfiguration.alg, runtime)", () => {
    const provider = new ProviderDouble();
    expect(() => provider.register("auth0:index/client:Client", "x", { name: "x", jwtConfiguration: { alg: "RS512" } })).toThrow(
      /jwtConfiguration\.alg/,
    );
    expect(() =>
      provider.register("auth0:index/action:Action", "x", {
        name: "x",
        code: "",
        runtime: "node20",
        supportedTriggers: { id: "post-login", version: "v3" },
      }),
    ).toThrow(/runtime: expected one of node18, node22/);
  });
});
