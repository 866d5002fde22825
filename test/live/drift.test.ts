import { createPublicKey } from "node:crypto";
import { ManagementClient } from "auth0";
import { calculateJwkThumbprint, exportJWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_MANAGEMENT_SCOPES, READ_SCOPES, type TenantStore } from "../../src/local-tenant/management";
import { localClientId } from "../../src/local-tenant";
import { driftReport } from "../../src/live/drift";
import { readTenant } from "../../src/live/snapshot";
import { renderMarkdown } from "../../src/review/render";
import { changesAtOrAbove } from "../../src/review/render";
import { projectRoot } from "../support/temp-project";
import { exampleStackConfig, keyPair, liveFixture, READER_ID, readerKeyPair, trustingFetch, type LiveFixture } from "./support";

// The drift catalogue (scenario 10): hand edits made through the official auth0 SDK, as the dashboard makes them, on
// the prod stack deployed to the local tenant. Each is reported with its kind and risk, and nothing else is.

const STACK = "prod";
const WRITER = "sdk-writer";
const writerKey = keyPair();
const uploaded = keyPair();
let f: LiveFixture;
let m: ManagementClient;
let pristine: ReturnType<typeof snapshot>;
const id = (app: string) => localClientId(STACK, app);
const ORDERS = "https://orders.acme.example";
const REPORTS = "https://reports.acme.example";

const kidOf = async (pem: string) => calculateJwkThumbprint(await exportJWK(createPublicKey(pem)));

beforeAll(async () => {
  const prod = await exampleStackConfig(STACK);
  const tenant = structuredClone(prod["auth0-tenant:tenant"]) as Record<string, unknown>;
  const audience = "https://acme.eu.auth0.com/api/v2/";
  // The tenant's own Management API clients are expected: acknowledged with the grants and keys they hold.
  tenant.unmanaged = {
    [READER_ID]: { name: "previewer", credentials: [await kidOf(readerKeyPair().publicKey)], grants: { [audience]: READ_SCOPES } },
    [WRITER]: { name: "deployer", credentials: [await kidOf(writerKey.publicKey)], grants: { [audience]: ALL_MANAGEMENT_SCOPES } },
  };
  f = await liveFixture({
    stack: STACK,
    config: { ...prod, "auth0-tenant:tenant": tenant },
    managementClients: [{ clientId: WRITER, publicKeyPem: writerKey.publicKey, scopes: ALL_MANAGEMENT_SCOPES, name: "Deployer" }],
  });
  m = new ManagementClient({
    domain: f.settings.domain,
    clientId: WRITER,
    clientAssertionSigningKey: writerKey.privateKey,
    fetch: trustingFetch(f.tenant.tls!.caPem),
  });
  pristine = snapshot(f.tenant.management.store);
});
afterAll(() => f?.close());

/** The store's state, to undo each case's edits before the next. */
function snapshot(store: TenantStore) {
  const s = store as unknown as Record<string, any>;
  return structuredClone({
    maps: Object.fromEntries(
      ["clients", "credentials", "grants", "resourceServers", "actions", "bindings", "grantSeq"].map((k) => [k, [...s[k]]]),
    ),
    nextSeq: s.nextSeq as number,
  });
}
function restore(store: TenantStore, snap: ReturnType<typeof snapshot>) {
  const s = store as unknown as Record<string, any>;
  for (const [k, entries] of Object.entries(structuredClone(snap.maps))) {
    s[k].clear();
    for (const [key, value] of entries as [string, unknown][]) s[k].set(key, value);
  }
  s.nextSeq = snap.nextSeq;
}

async function drift() {
  return driftReport(f.tenant.plan, await readTenant(f.reader()));
}

const grantOf = async (clientId: string, audience: string) =>
  [...f.tenant.management.store.grants.values()].find((g) => g.client_id === clientId && g.audience === audience)!;
const actionId = (name: string) => [...f.tenant.management.store.actions.values()].find((a) => a.name === name)!.id;
const rsId = (identifier: string) => f.tenant.management.store.resourceServerByIdentifier(identifier)!.id;
const code = (handler: string) => `exports.${handler} = async (event, api) => {};\n`;

const catalogue: { edit: string; make: () => Promise<unknown>; expect: [string, string][] }[] = [
  {
    edit: "a grant added by hand (billing on reports-api)",
    make: () => m.clientGrants.create({ client_id: id("billing"), audience: REPORTS, scope: ["reports:read"] }),
    expect: [["drift.unmanaged-grant", "high"]],
  },
  {
    edit: "orders:delete added to payments' grant",
    make: async () => m.clientGrants.update((await grantOf(id("payments"), ORDERS)).id, { scope: ["orders:read", "orders:delete"] }),
    expect: [["drift.unmanaged-grant", "high"]],
  },
  {
    edit: "orders:write removed from billing's grant",
    make: async () => m.clientGrants.update((await grantOf(id("billing"), ORDERS)).id, { scope: ["orders:read"] }),
    expect: [["drift.missing", "high"]],
  },
  {
    edit: "a key uploaded and attached to billing",
    make: async () => {
      const cred = await m.clients.credentials.create(id("billing"), {
        credential_type: "public_key",
        name: "laptop",
        pem: uploaded.publicKey,
        alg: "RS256",
      });
      const current = f.tenant.management.store.privateKeyJwtCredentials(id("billing")).map((c) => ({ id: c.record.id }));
      await m.clients.update(id("billing"), {
        client_authentication_methods: { private_key_jwt: { credentials: [...current, { id: cred.id! }] } },
      });
    },
    expect: [["drift.unmanaged-credential", "high"]],
  },
  {
    edit: "reporting switched back to its client secret",
    make: () =>
      m.clients.update(id("reporting"), { client_authentication_methods: null, token_endpoint_auth_method: "client_secret_post" }),
    expect: [
      ["drift.missing", "high"],
      ["drift.unmanaged-credential", "high"],
    ],
  },
  {
    edit: "billing's key given another expiry",
    make: async () => {
      const cred = f.tenant.management.store.privateKeyJwtCredentials(id("billing"))[0]!.record;
      await m.clients.credentials.update(id("billing"), cred.id, { expires_at: "2028-01-31T00:00:00Z" });
    },
    expect: [["drift.changed", "medium"]],
  },
  {
    edit: "billing's metadata edited (tier)",
    make: () => m.clients.update(id("billing"), { client_metadata: { tenant_id: "acme", tier: "platinum" } }),
    expect: [["drift.changed", "medium"]],
  },
  {
    edit: "a callback URL added to the web portal",
    make: () =>
      m.clients.update(id("web-portal"), { callbacks: ["https://portal.acme.example/callback", "https://evil.example/callback"] }),
    expect: [["drift.changed", "medium"]],
  },
  {
    edit: "orders-api's token lifetime raised",
    make: () => m.resourceServers.update(rsId(ORDERS), { token_lifetime: 86400 }),
    expect: [["drift.changed", "medium"]],
  },
  {
    edit: "a scope added to orders-api",
    make: () =>
      m.resourceServers.update(rsId(ORDERS), {
        scopes: [...f.tenant.management.store.resourceServer(ORDERS).scopes!, { value: "orders:purge", description: "Purge" }],
      }),
    expect: [["drift.unmanaged-scope", "low"]],
  },
  {
    edit: "a single-page application created",
    make: () => m.clients.create({ name: "Marketing site", app_type: "spa" }),
    expect: [["drift.unmanaged-app", "medium"]],
  },
  {
    edit: "a script application created and granted orders:delete",
    make: async () => {
      const c = await m.clients.create({ name: "Cleanup script", app_type: "non_interactive", grant_types: ["client_credentials"] });
      await m.clientGrants.create({ client_id: c.client_id!, audience: ORDERS, scope: ["orders:delete"] });
    },
    expect: [
      ["drift.unmanaged-app", "medium"],
      ["drift.unmanaged-grant", "high"],
    ],
  },
  {
    edit: "an API created",
    make: () => m.resourceServers.create({ identifier: "https://shadow.acme.example", name: "Shadow API" }),
    expect: [["drift.unmanaged-api", "medium"]],
  },
  {
    edit: "login-claims' code edited and deployed in the dashboard",
    make: async () => {
      await m.actions.update(actionId("login-claims"), { code: code("onExecutePostLogin") });
      await m.actions.deploy(actionId("login-claims"));
    },
    expect: [["drift.code-changed", "high"]],
  },
  {
    edit: "client-claims edited but not deployed",
    make: () => m.actions.update(actionId("client-claims"), { code: code("onExecuteCredentialsExchange") }),
    expect: [["drift.changed", "medium"]],
  },
  {
    edit: "an action created and bound after login-claims",
    make: async () => {
      const a = await m.actions.create({
        name: "geo-block",
        supported_triggers: [{ id: "post-login", version: "v3" }],
        code: code("onExecutePostLogin"),
      });
      await m.actions.deploy(a.id!);
      await m.actions.triggers.bindings.updateMany("post-login", {
        bindings: [
          { ref: { type: "action_id", value: actionId("login-claims") }, display_name: "login-claims" },
          { ref: { type: "action_id", value: a.id! }, display_name: "geo-block" },
        ],
      });
    },
    expect: [["drift.unmanaged-binding", "high"]],
  },
  {
    edit: "an action created, not bound",
    make: () =>
      m.actions.create({ name: "draft-idea", supported_triggers: [{ id: "post-login", version: "v3" }], code: code("onExecutePostLogin") }),
    expect: [["drift.unmanaged-action", "low"]],
  },
  {
    edit: "client-claims unbound from credentials-exchange",
    make: () => m.actions.triggers.bindings.updateMany("credentials-exchange", { bindings: [] }),
    expect: [["drift.missing", "high"]],
  },
  {
    edit: "the previewer's Management API grant widened (update:clients)",
    make: async () =>
      m.clientGrants.update((await grantOf(READER_ID, "https://acme.eu.auth0.com/api/v2/")).id, {
        scope: [...READ_SCOPES, "update:clients"],
      }),
    expect: [["drift.unmanaged-grant", "high"]],
  },
];

describe("drift on the prod stack, each hand edit made with the official SDK", () => {
  it("reports nothing for the tenant as deployed", async () => {
    restore(f.tenant.management.store, pristine);
    expect((await drift()).stacks[0]!.changes).toEqual([]);
  });

  it.each(catalogue.map((c) => [c.edit, c] as const))("%s", async (_, c) => {
    restore(f.tenant.management.store, pristine);
    await c.make();
    const report = await drift();
    const found = report.stacks[0]!.changes.map((x) => [x.kind, x.risk]);
    expect(found.sort(), renderMarkdown(report)).toEqual([...c.expect].sort());
  });

  it("a hand-added grant on prod is one HIGH line at the top of the report, and fails --fail-on high", async () => {
    restore(f.tenant.management.store, pristine);
    await m.clientGrants.create({ client_id: id("billing"), audience: REPORTS, scope: ["reports:read", "reports:export"] });
    const report = await drift();
    const markdown = renderMarkdown(report);
    expect(markdown).toContain("## Auth0 drift: tenant localhost:");
    expect(markdown).toContain(
      "- **HIGH** prod: billing may get tokens for reports-api with reports:read reports:export: a grant the spec does not declare",
    );
    expect(markdown.indexOf("#### Access made outside the spec (grants and keys)")).toBeGreaterThan(0);
    expect(changesAtOrAbove(report, "high")).toHaveLength(1);
  });
});
