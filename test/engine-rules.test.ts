import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RESOURCE_TYPES } from "../src/model";
import {
  emptyTenant as tenant,
  IMPORT_MISMATCH,
  ProviderDouble,
  registration as reg,
  type LiveTenant,
  type Registration,
} from "./support/provider-double";
import { projectRoot } from "./support/temp-project";

// The rules of the Pulumi engine, the bridge and terraform-provider-auth0 v1.53.0 that the provider double models
// beyond the schema; each names its source next to the rule in test/support/provider-double.ts.

const pem = readFileSync(path.join(projectRoot, "keys/billing-2026-q3.pem"), "utf8");
const T = RESOURCE_TYPES;
const credentials = (...creds: Record<string, unknown>[]) => ({
  clientId: "cid",
  authenticationMethod: "private_key_jwt",
  privateKeyJwt: { credentials: creds.map((c) => ({ credentialType: "public_key", pem, algorithm: "RS256", ...c })) },
});

describe("the engine's import step", () => {
  const live = tenant({
    read: (type, id) => (type === T.Action && id === "act_1" ? { name: "audit", code: "x", runtime: "node22", deploy: false } : undefined),
  });
  const action = (more: Partial<Registration> = {}) =>
    reg(
      T.Action,
      "audit",
      { name: "audit", code: "x", runtime: "node22", deploy: true, supportedTriggers: { id: "post-login", version: "v3" } },
      {
        importId: "act_1",
        ...more,
      },
    );

  it("before pulumi v3.174: any difference from what was read makes preview warn and up fail, in the engine's words", () => {
    const provider = new ProviderDouble({ engine: "legacy", live });
    const { changes, warnings } = provider.preview([action()]);
    expect(changes).toEqual([{ address: `${T.Action}::audit`, op: "import", paths: ["deploy", "supportedTriggers"] }]);
    expect(warnings).toEqual([`${T.Action}::audit: ${IMPORT_MISMATCH}: [deploy supportedTriggers]; importing this resource will fail`]);
    expect(() => provider.up([action()])).toThrow(`${IMPORT_MISMATCH}: [deploy supportedTriggers]`);
    expect(provider.state.size).toBe(0);
  });

  it("from pulumi v3.174 (v3.248 here): the import is followed by an update in the same deployment — not import-only", () => {
    const provider = new ProviderDouble({ engine: "current", live });
    expect(provider.preview([action()]).warnings).toEqual([]);
    expect(provider.up([action()])).toEqual([{ address: `${T.Action}::audit`, op: "import", paths: ["deploy", "supportedTriggers"] }]);
    expect(provider.state.get(`${T.Action}::audit`)!.state.deploy).toBe(true);
  });

  it("ignoreChanges leaves the ignored inputs as read: the import matches with zero differences, and the next run applies them", () => {
    const provider = new ProviderDouble({ engine: "legacy", live });
    const adopt = action({ ignoreChanges: ["deploy", "supportedTriggers"] });
    expect(provider.preview([adopt])).toEqual({ changes: [{ address: `${T.Action}::audit`, op: "import", paths: [] }], warnings: [] });
    provider.up([adopt]);
    expect(provider.plan([action({ importId: undefined })])).toEqual([
      { address: `${T.Action}::audit`, op: "update", paths: ["deploy", "supportedTriggers"] },
    ]);
  });

  it("an import that would need a replacement fails on the current engine", () => {
    const provider = new ProviderDouble({
      engine: "current",
      live: tenant({ read: () => ({ clientId: "other", authenticationMethod: "private_key_jwt", privateKeyJwt: { credentials: [] } }) }),
    });
    expect(() => provider.up([reg(T.ClientCredentials, "billing", credentials({ name: "k" }), { importId: "cid" })])).toThrow(
      /previously-imported resources that still specify an ID may not be replaced/,
    );
  });
});

describe("the bridge plans set elements with ProposedNew; the provider pairs credentials by key", () => {
  const deployed = credentials({ name: "k", expiresAt: "2027-09-30T00:00:00.000Z" });
  const at = `${T.ClientCredentials}::billing`;

  it("leaving expiresAt out of a deployed key keeps the stored expiry: nothing is planned, nothing changes", () => {
    const provider = new ProviderDouble();
    provider.up([reg(T.ClientCredentials, "billing", deployed)]);
    const cleared = reg(T.ClientCredentials, "billing", credentials({ name: "k" }));
    expect(provider.plan([cleared])).toEqual([]);
    provider.up([cleared]);
    expect(provider.state.get(at)!.state.privateKeyJwt.credentials[0].expiresAt).toBe("2027-09-30T00:00:00.000Z");
  });

  it("a renamed credential is never renamed in Auth0: the difference shows on every preview", () => {
    const provider = new ProviderDouble();
    provider.up([reg(T.ClientCredentials, "billing", deployed)]);
    const renamed = reg(T.ClientCredentials, "billing", credentials({ name: "k2", expiresAt: "2027-09-30T00:00:00.000Z" }));
    for (let i = 0; i < 2; i++) {
      expect(provider.plan([renamed]), `run ${i}`).toEqual([{ address: at, op: "update", paths: ["privateKeyJwt.credentials"] }]);
      provider.up([renamed]);
    }
    expect(provider.state.get(at)!.state.privateKeyJwt.credentials[0].name).toBe("k");
  });

  it("after an import (PEM empty in state) the key is paired by its thumbprint: same credential, same id", () => {
    const provider = new ProviderDouble();
    provider.state.set(at, {
      type: T.ClientCredentials,
      name: "billing",
      state: {
        clientId: "cid",
        authenticationMethod: "private_key_jwt",
        privateKeyJwt: { credentials: [{ id: "cred_1", name: "k", credentialType: "public_key", algorithm: "RS256", pem: "", keyId: "" }] },
      },
    });
    const keyId = provider.register(T.ClientCredentials, "x", credentials({ name: "k" })).privateKeyJwt.credentials[0].keyId;
    provider.state.get(at)!.state.privateKeyJwt.credentials[0].keyId = keyId;
    provider.up([reg(T.ClientCredentials, "billing", credentials({ name: "k" }))]);
    expect(provider.state.get(at)!.state.privateKeyJwt.credentials[0]).toMatchObject({ id: "cred_1", pem });
  });
});

describe("creates that find something in the tenant", () => {
  const grant = reg(T.ClientGrant, "billing/orders", {
    clientId: "cid",
    audience: "https://orders",
    scopes: ["orders:read", "orders:write"],
  });

  it("a ClientGrant create takes over the client's existing grant on the audience and keeps its live scopes until the next update", () => {
    const provider = new ProviderDouble({
      live: tenant({ grantScopes: (c, a) => (c === "cid" && a === "https://orders" ? ["orders:purge"] : undefined) }),
    });
    expect(provider.plan([grant])).toEqual([
      { address: `${grant.type}::${grant.name}`, op: "create", paths: [], note: "takes over the existing object (nothing is created)" },
    ]);
    provider.up([grant]);
    expect(provider.state.get(`${grant.type}::${grant.name}`)!.state.scopes).toEqual(["orders:purge"]);
    expect(provider.plan([grant])).toEqual([{ address: `${grant.type}::${grant.name}`, op: "update", paths: ["scopes"] }]);
  });

  it("a ResourceServerScopes create refuses an API that already has other scopes, and adopts equal ones", () => {
    const scopes = reg(T.ResourceServerScopes, "orders", {
      resourceServerIdentifier: "https://orders",
      scopes: [{ name: "orders:read", description: "Read" }],
    });
    const other = new ProviderDouble({ live: tenant({ apiScopes: () => [{ name: "read", description: "" }] }) });
    expect(other.plan([scopes])[0]!.note).toMatch(/^refused: Resource Server with non empty scopes/);
    expect(() => other.up([scopes])).toThrow(/Resource Server with non empty scopes/);
    const same = new ProviderDouble({ live: tenant({ apiScopes: () => [{ name: "orders:read", description: "Read" }] }) });
    expect(same.plan([scopes])[0]!.note).toBe("takes over the existing object (nothing is created)");
    same.up([scopes]);
    expect(same.plan([scopes])).toEqual([]);
  });
});

describe("Optional-only client fields are never cleared by leaving them out", () => {
  it("a logo set in the tenant and left out of the program shows on every preview and stays", () => {
    const provider = new ProviderDouble();
    const client = (more: object) => reg(T.Client, "portal", { name: "Portal", appType: "regular_web", ...more });
    provider.up([client({ logoUri: "https://logo" })]);
    for (let i = 0; i < 2; i++) {
      expect(provider.plan([client({})]), `run ${i}`).toEqual([{ address: `${T.Client}::portal`, op: "update", paths: ["logoUri"] }]);
      provider.up([client({})]);
    }
    expect(provider.state.get(`${T.Client}::portal`)!.state.logoUri).toBe("https://logo");
  });
});

describe("validation as terraform-provider-auth0 v1.53.0 has it, no stricter", () => {
  const provider = new ProviderDouble();
  it("accepts what the provider accepts", () => {
    expect(() => provider.register(T.Client, "x", { name: "x", appType: "sso_integration" })).not.toThrow();
    expect(() =>
      provider.register(T.ClientGrant, "x", { defaultFor: "third_party_clients", audience: "https://a", scopes: [] }),
    ).not.toThrow();
    expect(() => provider.register(T.ResourceServer, "x", { identifier: "https://a" })).not.toThrow();
    expect(() =>
      provider.register(T.ClientCredentials, "x", { clientId: "c", privateKeyJwt: credentials({}).privateKeyJwt }),
    ).not.toThrow();
  });
  it("refuses what the provider refuses, and the runtimes Auth0 withdrew", () => {
    expect(() => provider.register(T.ClientGrant, "x", { audience: "https://a", scopes: [] })).toThrow(/one of clientId, defaultFor/);
    expect(() =>
      provider.register(T.Action, "x", { name: "x", code: "", runtime: "node16", supportedTriggers: { id: "post-login", version: "v3" } }),
    ).toThrow(/runtime: expected one of node18, node22/);
  });
});
