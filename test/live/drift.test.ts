import { createPublicKey } from "node:crypto";
import { ManagementClient } from "auth0";
import { calculateJwkThumbprint, exportJWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_MANAGEMENT_SCOPES, READ_SCOPES, type LocalStore } from "../../src/local-tenant/management";
import { localClientId } from "../../src/local-tenant";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { runDrift } from "../../src/live/commands";
import { driftReport } from "../../src/live/drift";
import { readTenant } from "../../src/live/snapshot";
import { directoryReader } from "../../src/config/files";
import { planFromConfig, readStackConfig } from "../../src/plan";
import type { ChangeKind } from "../../src/review/changes";
import { DETECTORS } from "../../src/review/detectors";
import { renderMarkdown } from "../../src/review/render";
import { riskOf } from "../../src/review/risk";
import { changesAtOrAbove } from "../../src/review/render";
import { keyDealer } from "../support/rsa-key-pairs";
import { projectRoot } from "../support/temp-project";
import { exampleStackConfig, liveFixture, READER_ID, readerKeyPair, trustingFetch, type LiveFixture } from "./support";

// The drift catalogue (scenario 10): hand edits made through the official auth0 SDK, as the dashboard makes them, on
// the prod stack deployed to the local tenant. Each is reported with its kind and risk, and nothing else is.

const STACK = "prod";
const WRITER = "sdk-writer";
const keyPair = keyDealer();
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

/** The store's state, to undo each case's edits before the next (each collection's records, and the grants' and roles' own). */
const COLLECTIONS = ["clients", "credentials", "grants", "resourceServers", "actions", "bindings", "roles"] as const;
type Internals = { grants: { seq: Map<string, number>; nextSeq: number }; roles: { permissions: Map<string, unknown> } };
function snapshot(store: LocalStore) {
  const s = store as unknown as Internals;
  return structuredClone({
    maps: Object.fromEntries(COLLECTIONS.map((k) => [k, [...(store[k] as Map<string, unknown>)]])),
    seq: [...s.grants.seq],
    nextSeq: s.grants.nextSeq,
    permissions: [...s.roles.permissions],
  });
}
function restore(store: LocalStore, snap: ReturnType<typeof snapshot>) {
  const s = store as unknown as Internals;
  for (const [k, entries] of Object.entries(structuredClone(snap.maps))) {
    const map = store[k as (typeof COLLECTIONS)[number]] as Map<string, unknown>;
    map.clear();
    for (const [key, value] of entries as [string, unknown][]) map.set(key, value);
  }
  s.grants.seq = new Map(snap.seq);
  s.grants.nextSeq = snap.nextSeq;
  s.roles.permissions = new Map(structuredClone(snap.permissions));
}

async function drift() {
  return driftReport(f.tenant.plan, await readTenant(f.reader()));
}

const grantOf = async (clientId: string, audience: string) =>
  [...f.tenant.management.store.grants.values()].find((g) => g.client_id === clientId && g.audience === audience)!;
const actionId = (name: string) => [...f.tenant.management.store.actions.values()].find((a) => a.name === name)!.id;
const rsId = (identifier: string) => f.tenant.management.store.resourceServers.byIdentifier(identifier)!.id;
const code = (handler: string) => `exports.${handler} = async (event, api) => {};\n`;

const catalogue: { edit: string; make: () => Promise<unknown>; expect: [string, string][] }[] = [
  {
    edit: "a grant added by hand (billing on reports-api)",
    make: () => m.clientGrants.create({ client_id: id("billing"), audience: REPORTS, scope: ["reports:read"] }),
    expect: [["grant.scope-gained", "high"]],
  },
  {
    edit: "orders:delete added to payments' grant",
    make: async () => m.clientGrants.update((await grantOf(id("payments"), ORDERS)).id, { scope: ["orders:read", "orders:delete"] }),
    expect: [["grant.scope-gained", "high"]],
  },
  {
    edit: "orders:write removed from billing's grant",
    make: async () => m.clientGrants.update((await grantOf(id("billing"), ORDERS)).id, { scope: ["orders:read"] }),
    expect: [["grant.scope-lost", "high"]],
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
      const current = f.tenant.management.store.credentials.privateKeyJwt(id("billing")).map((c) => ({ id: c.record.id }));
      await m.clients.update(id("billing"), {
        client_authentication_methods: { private_key_jwt: { credentials: [...current, { id: cred.id! }] } },
      });
    },
    expect: [["credential.added", "high"]],
  },
  {
    edit: "reporting switched back to its client secret",
    make: () =>
      m.clients.update(id("reporting"), { client_authentication_methods: null, token_endpoint_auth_method: "client_secret_post" }),
    expect: [
      ["credential.retired", "high"],
      ["credential.method-reverted", "high"],
    ],
  },
  {
    edit: "billing's key given another expiry",
    make: async () => {
      const cred = f.tenant.management.store.credentials.privateKeyJwt(id("billing"))[0]!.record;
      await m.clients.credentials.update(id("billing"), cred.id, { expires_at: "2028-01-31T00:00:00Z" });
    },
    expect: [["credential.expiry-changed", "medium"]],
  },
  {
    edit: "billing's metadata edited (tier)",
    make: () => m.clients.update(id("billing"), { client_metadata: { tenant_id: "acme", tier: "platinum" } }),
    expect: [["app.metadata-changed", "medium"]],
  },
  {
    edit: "a callback URL added to the web portal",
    make: () =>
      m.clients.update(id("web-portal"), { callbacks: ["https://portal.acme.example/callback", "https://evil.example/callback"] }),
    expect: [["app.url-added", "high"]],
  },
  {
    edit: "orders-api's token lifetime raised",
    make: () => m.resourceServers.update(rsId(ORDERS), { token_lifetime: 86400 }),
    expect: [["api.setting-changed", "medium"]],
  },
  {
    edit: "a scope added to orders-api",
    make: () =>
      m.resourceServers.update(rsId(ORDERS), {
        scopes: [...f.tenant.management.store.resourceServers.require(ORDERS).scopes!, { value: "orders:purge", description: "Purge" }],
      }),
    expect: [["api.scope-added", "low"]],
  },
  {
    edit: "orders:delete removed from orders-api",
    make: async () => {
      const admins = [...f.tenant.management.store.roles.values()].find((r) => r.name === "Order admins")!;
      // In the store: the SDK's DELETE /roles/{id}/permissions meets a 400 from the local tenant (left to the emulator's owner).
      f.tenant.management.store.roles.removePermissions(admins.id, {
        permissions: [{ resource_server_identifier: ORDERS, permission_name: "orders:delete" }],
      });
      await m.resourceServers.update(rsId(ORDERS), {
        scopes: f.tenant.management.store.resourceServers.require(ORDERS).scopes!.filter((x) => x.value !== "orders:delete"),
      });
    },
    expect: [
      ["api.scope-removed", "high"],
      ["role.permission-lost", "high"],
    ],
  },
  {
    edit: "a single-page application created",
    make: () => m.clients.create({ name: "Marketing site", app_type: "spa" }),
    expect: [["app.added", "medium"]],
  },
  {
    edit: "a script application created and granted orders:delete",
    make: async () => {
      const c = await m.clients.create({ name: "Cleanup script", app_type: "non_interactive", grant_types: ["client_credentials"] });
      await m.clientGrants.create({ client_id: c.client_id!, audience: ORDERS, scope: ["orders:delete"] });
    },
    expect: [
      ["app.added", "medium"],
      ["grant.scope-gained", "high"],
    ],
  },
  {
    edit: "an API created",
    make: () => m.resourceServers.create({ identifier: "https://shadow.acme.example", name: "Shadow API" }),
    expect: [["api.added", "medium"]],
  },
  {
    edit: "login-claims' code edited and deployed in the dashboard",
    make: async () => {
      await m.actions.update(actionId("login-claims"), { code: code("onExecutePostLogin") });
      await m.actions.deploy(actionId("login-claims"));
    },
    expect: [["action.code-changed", "high"]],
  },
  {
    edit: "client-claims edited but not deployed",
    make: () => m.actions.update(actionId("client-claims"), { code: code("onExecuteCredentialsExchange") }),
    expect: [["action.undeployed-edit", "medium"]],
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
    expect: [["action.added", "high"]],
  },
  {
    edit: "an action created, not bound",
    make: () =>
      m.actions.create({ name: "draft-idea", supported_triggers: [{ id: "post-login", version: "v3" }], code: code("onExecutePostLogin") }),
    expect: [["action.unbound", "low"]],
  },
  {
    edit: "client-claims unbound from credentials-exchange",
    make: () => m.actions.triggers.bindings.updateMany("credentials-exchange", { bindings: [] }),
    expect: [["binding.order-changed", "high"]],
  },
  {
    edit: "the web portal's description edited",
    make: () => m.clients.update(id("web-portal"), { description: "old portal" }),
    expect: [["app.setting-changed", "medium"]],
  },
  {
    edit: "the web portal's logout URL removed",
    make: () => m.clients.update(id("web-portal"), { allowed_logout_urls: [] }),
    expect: [["app.url-removed", "medium"]],
  },
  {
    edit: "the previewer's Management API grant widened (update:clients)",
    make: async () =>
      m.clientGrants.update((await grantOf(READER_ID, "https://acme.eu.auth0.com/api/v2/")).id, {
        scope: [...READ_SCOPES, "update:clients"],
      }),
    expect: [["grant.scope-gained", "high"]],
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

type Tenant = Record<string, any>;
/** The same change made in the spec (a pull request: the review's path), keyed by the catalogue's hand edit. */
const inSpec: Record<string, (t: Tenant) => void> = {
  "a callback URL added to the web portal": (t) => t.applications["web-portal"].callbacks.push("https://evil.example/callback"),
  "the web portal's logout URL removed": (t) => (t.applications["web-portal"].allowedLogoutUrls = []),
  "the web portal's description edited": (t) => (t.applications["web-portal"].description = "old portal"),
  "orders:delete removed from orders-api": (t) => {
    delete t.apis["orders-api"].scopes["orders:delete"];
    // A role may hold only scopes its API declares.
    t.roles["order-admins"].permissions["orders-api"] = t.roles["order-admins"].permissions["orders-api"].filter(
      (s: string) => s !== "orders:delete",
    );
  },
  "billing's metadata edited (tier)": (t) => (t.applications.billing.metadata.tier = "platinum"),
  "orders:delete added to payments' grant": (t) => t.applications.payments.grants["orders-api"].push("orders:delete"),
  "orders:write removed from billing's grant": (t) => (t.applications.billing.grants["orders-api"] = ["orders:read"]),
  "a grant added by hand (billing on reports-api)": (t) => (t.applications.billing.grants["reports-api"] = ["reports:read"]),
  "orders-api's token lifetime raised": (t) => (t.apis["orders-api"].tokenLifetime = 86400),
  "a scope added to orders-api": (t) => (t.apis["orders-api"].scopes["orders:purge"] = "Purge"),
  "an API created": (t) => (t.apis.shadow = { identifier: "https://shadow.acme.example", name: "Shadow API" }),
  "billing's key given another expiry": (t) => (t.applications.billing.credentials[0].expiresAt = "2028-01-31T00:00:00Z"),
  "a single-page application created": (t) =>
    (t.applications.marketing = { type: "regular_web", name: "Marketing site", callbacks: ["https://m.acme.example/cb"] }),
};

/**
 * Kinds a hand edit in the tenant cannot make, or that drift sees as another kind: each with the reason. Every other
 * kind is made by hand in the catalogue above, so every change kind goes through drift or is named here.
 */
const NOT_BY_HAND: Partial<Record<ChangeKind, string>> = {
  "stack.added": "a stack exists only in the repository",
  "stack.removed": "a stack exists only in the repository",
  "app.type-changed": "the catalogue keeps types; drift reports app_type as this kind (clientFieldDrift)",
  "app.removed": "not in the catalogue: deleting a client cascades to its grants and keys",
  "api.removed": "not in the catalogue: deleting an API cascades to its grants",
  "api.identifier-changed": "Auth0 API identifiers are immutable: drift sees an API removed and one added",
  "credential.stack-specific": "the promotion view (two stacks), not a change",
  "credential.expiring": "time passing, not an edit",
  "rotation.unsafe": "a deployment step between two revisions",
  "action.removed": "not in the catalogue: an action bound to a trigger cannot be deleted",
  "action.deny-changed": "the tenant holds code, not the spec's deny rule: a hand edit is action.code-changed",
  "action.secrets-changed": "not in the catalogue: a secrets edit is also an undeployed edit",
  "action.runtime-changed": "not in the catalogue: a runtime edit is also an undeployed edit",
  "claim.added": "the tenant holds code, not the spec's claims: a hand edit is action.code-changed",
  "claim.removed": "the tenant holds code, not the spec's claims: a hand edit is action.code-changed",
  "claim.changed": "the tenant holds code, not the spec's claims: a hand edit is action.code-changed",
  "protected.deleted": "a deployment step between two revisions",
  "resource.replaced": "a deployment step between two revisions",
  "protect.disabled": "protection lives in Pulumi's state, not in the tenant",
  // The local tenant serves roles on the emulator's own branch; test/kinds/roles.test.ts drifts roles read as records.
  "role.added": "not made by hand in this catalogue yet (test/kinds/roles.test.ts covers its drift)",
  "role.removed": "not made by hand in this catalogue yet (test/kinds/roles.test.ts covers its drift)",
  "role.setting-changed": "not made by hand in this catalogue yet (test/kinds/roles.test.ts covers its drift)",
  "role.permission-gained": "not made by hand in this catalogue yet (test/kinds/roles.test.ts covers its drift)",
};

describe("one risk table for review and drift: the same change is the same kind, and by hand never rated lower", () => {
  const rank = (r: string) => ["info", "low", "medium", "high"].indexOf(r);

  it("every change kind is made by hand in the catalogue, or named with the reason it cannot be", async () => {
    const { CHANGE_KINDS } = await import("../../src/review/changes");
    const { RISK_RULES } = await import("../../src/review/risk");
    const byHand = new Set(catalogue.flatMap((c) => c.expect.map(([kind]) => kind)));
    for (const kind of Object.keys(RISK_RULES) as ChangeKind[])
      expect(byHand.has(kind) !== (NOT_BY_HAND[kind] !== undefined), `${kind}: in the catalogue or NOT_BY_HAND, not both`).toBe(true);
    expect(Object.values(CHANGE_KINDS).flat().length).toBeGreaterThan(0);
  });

  it.each(Object.keys(inSpec))("%s: the review's change, found by drift with the same kind and at least its risk", async (edit) => {
    const config = await readStackConfig(f.project.root, STACK);
    const tenant = structuredClone(config.tenant) as Tenant;
    inSpec[edit]!(tenant);
    const head = await planFromConfig({ ...config, tenant }, directoryReader(f.project.root), new Date());
    expect(head.ok, JSON.stringify(!head.ok && head.errors)).toBe(true);
    if (!head.ok) return;
    const ctx = { stack: STACK, base: f.tenant.plan, head: head.plan, now: new Date(), sourceStats: new Map(), mode: "change" as const };
    const reviewed = (await Promise.all(DETECTORS.map((d) => d.detect(ctx)))).flat().map((x) => ({ ...x, risk: riskOf(x, STACK) }));
    expect(reviewed.length).toBeGreaterThan(0);

    restore(f.tenant.management.store, pristine);
    await catalogue.find((c) => c.edit === edit)!.make();
    const drifted = (await drift()).stacks[0]!.changes;
    // What a review derives from the edit (the claims metadata feeds, a replacement) drift reports as the edit itself.
    const derived = (kind: ChangeKind) => kind.startsWith("claim.") || kind === "resource.replaced";
    for (const r of reviewed.filter((x) => !derived(x.kind))) {
      const same = drifted.filter((d) => d.kind === r.kind);
      expect(same.length, `${r.kind} (review: ${r.text}) not in drift: ${drifted.map((d) => d.kind).join(", ")}`).toBeGreaterThan(0);
      for (const d of same) expect(rank(d.risk), `${d.kind}: drift ${d.risk} < review ${r.risk}`).toBeGreaterThanOrEqual(rank(r.risk));
      // URLs and metadata are said in the review's words ("gains callback X"), not as the whole array.
      if (r.kind.startsWith("app.url") || r.kind === "app.metadata-changed") expect(same.map((d) => d.text)).toContain(r.text);
    }
    const highest = (xs: { risk: string }[]) => Math.max(...xs.map((x) => rank(x.risk)));
    expect(highest(drifted)).toBeGreaterThanOrEqual(highest(reviewed));
  });
});

describe("drift --format text: the report for a terminal, as the review's", () => {
  it("the callback added by hand is one HIGH line, wrapped to the width, with exit 1 under --fail-on high", async () => {
    restore(f.tenant.management.store, pristine);
    await m.clients.update(id("web-portal"), { callbacks: ["https://portal.acme.example/callback", "https://evil.example/callback"] });
    const keyFile = path.join(f.scratch, "reader-text.key");
    writeFileSync(keyFile, readerKeyPair().privateKey, { mode: 0o600 });
    let out = "";
    const code = await runDrift(
      { stack: STACK, dir: f.project.root, format: "text", failOn: "high", local: f.tenant.url, clientId: READER_ID, keyFile },
      { out: (s) => void (out += s), err: () => undefined, env: {}, columns: 80, reader: { fetch: trustingFetch(f.tenant.tls!.caPem) } },
    );
    expect(code).toBe(1);
    expect(out).not.toContain("<!--");
    expect(out).not.toContain("| risk |");
    expect(out).toContain("1 high across 1 stack\n");
    expect(out).toMatch(/HIGH +web-portal gains callback https:\/\/evil\.example\/callback/);
    expect(out.split("\n").every((l) => l.length <= 80)).toBe(true);
  });
});
