import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ManagementClient } from "auth0";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_MANAGEMENT_SCOPES } from "../../src/local-tenant/management";
import { runImport, type Io } from "../../src/live/commands";
import { driftReport } from "../../src/live/drift";
import { readTenant } from "../../src/live/snapshot";
import { planStack } from "../../src/plan";
import { adoptionRuns, importedState } from "./imported-state";
import { liveFixture, otherKeyPair, READER_ID, readerKeyPair, trustingFetch, type LiveFixture } from "./support";

// Scenario 9: a tenant run by hand for years — applications of every kind (M2M with keys, web apps, SPAs, M2M apps
// still on client secrets, a deployer), APIs, grants and three actions bound in the dashboard — all made with the
// official SDK (15 applications here; the benchmark reads 1000). Import,
// review, and the first pulumi up: an import of everything with zero differences (no duplicate, no replaced resource,
// no unbound action, no "inputs to import do not match"); the second, with adopt: deleted, changes in place exactly
// what the import listed, and exactly what drift reports before that first up.

const NOW = new Date();
const WRITER = "dashboard";
const WEB = 5;
const KEYS = [
  "billing-2026-q3.pem",
  "payments-2026-q2.pem",
  "payments-2026-q4.pem",
  "prod-billing-2026-q3.pem",
  "prod-payments-2026-q4.pem",
  "prod-reporting-2026.pem",
  "reporting-2026.crt",
];
let f: LiveFixture;
let io: Io & { output: string[] };
let code: number;

beforeAll(async () => {
  f = await liveFixture({
    stack: "hand",
    config: { "auth0:domain": "acme-hand.eu.auth0.com", "auth0-tenant:tenant": { allowEmpty: true } },
    managementClients: [{ clientId: WRITER, publicKeyPem: otherKeyPair().publicKey, scopes: ALL_MANAGEMENT_SCOPES }],
  });
  const m = new ManagementClient({
    domain: f.settings.domain,
    clientId: WRITER,
    clientAssertionSigningKey: otherKeyPair().privateKey,
    fetch: trustingFetch(f.tenant.tls!.caPem),
  });
  const apis = ["Orders", "Ledger", "Search"].map((n) => `https://${n.toLowerCase()}.hand.example`);
  for (const [i, identifier] of apis.entries())
    await m.resourceServers.create({
      identifier,
      name: `${["Orders", "Ledger", "Search"][i]} API`,
      token_lifetime: 3600 * (i + 1),
      scopes: [
        { value: "read", description: "Read" },
        { value: "write", description: "Write" },
      ],
    });
  const created: Promise<unknown>[] = [];
  for (let i = 0; i < WEB; i++)
    created.push(
      m.clients.create({ name: `Portal ${i}`, app_type: "regular_web", callbacks: [`https://portal${i}.hand.example/callback`] }),
    );
  for (let i = 0; i < 2; i++)
    created.push(m.clients.create({ name: `Single page ${i}`, app_type: "spa", callbacks: [`https://spa${i}.hand.example/`] }));
  created.push(
    m.clients
      .create({ name: "Legacy job", app_type: "non_interactive", grant_types: ["client_credentials"] })
      .then((c) => m.clientGrants.create({ client_id: c.client_id!, audience: apis[0]!, scope: ["read"] })),
  );
  await Promise.all(created);
  for (const [i, file] of KEYS.entries()) {
    const c = await m.clients.create({ name: `Service ${i}`, app_type: "non_interactive", grant_types: ["client_credentials"] });
    const pem = readFileSync(path.join(f.project.root, "keys", file), "utf8");
    const cred = await m.clients.credentials.create(c.client_id!, {
      credential_type: "public_key",
      name: `service-${i}-key`,
      pem,
      ...(file.endsWith(".crt") ? { parse_expiry_from_cert: true } : { expires_at: "2028-06-30T00:00:00.000Z" }),
    });
    await m.clients.update(c.client_id!, { client_authentication_methods: { private_key_jwt: { credentials: [{ id: cred.id! }] } } });
    await m.clientGrants.create({ client_id: c.client_id!, audience: apis[i % 3]!, scope: i % 2 ? ["write", "read"] : ["read"] });
  }
  const handler = "exports.onExecutePostLogin = async (event, api) => {\n";
  const actions = [
    {
      name: "Add roles",
      code: `${handler}  api.idToken.setCustomClaim("https://hand.example/roles", event.user.app_metadata.roles);\n};\n`,
    },
    {
      name: "Add country",
      code: `${handler}  api.accessToken.setCustomClaim('https://hand.example/country', event.request.geoip.countryCode);\n};\n`,
    },
    {
      name: "Audit",
      code: `// logs every login\r\n${handler}  if (!event.secrets.AUDIT_URL) return;\n};\n`,
      secrets: [{ name: "AUDIT_URL", value: "https://audit.hand.example" }],
    },
  ];
  const ids: string[] = [];
  for (const a of actions) {
    const created = await m.actions.create({ ...a, supported_triggers: [{ id: "post-login", version: "v3" }] });
    await m.actions.deploy(created.id!);
    ids.push(created.id!);
  }
  // Bound in the dashboard in this order (display names are the actions' names there).
  await m.actions.triggers.bindings.updateMany("post-login", {
    bindings: [2, 0, 1].map((n) => ({ ref: { type: "action_id", value: ids[n]! }, display_name: actions[n]!.name })),
  });
  const keyFile = path.join(f.scratch, "reader.key");
  writeFileSync(keyFile, readerKeyPair().privateKey, { mode: 0o600 });
  const output: string[] = [];
  io = { output, out: (s) => output.push(s), err: (s) => output.push(s), env: {}, reader: { fetch: trustingFetch(f.tenant.tls!.caPem) } };
  code = await runImport({ stack: "adopted", dir: f.project.root, local: f.tenant.url, clientId: READER_ID, keyFile, now: NOW }, io);
});
afterAll(() => f?.close());

describe("adopting a tenant run by hand (scenario 9)", () => {
  it("imports the M2M and web applications, the APIs and the 3 bound actions in their order; acknowledges the rest", async () => {
    const text = io.output.join("");
    expect(code, text).toBe(1); // the Audit action's secret must be set first
    expect(text).toContain("pulumi config set --secret --stack adopted auditAuditUrl '<the value of AUDIT_URL>'");
    const stackFile = readFileSync(path.join(f.project.root, "Pulumi.adopted.yaml"), "utf8");
    writeFileSync(
      path.join(f.project.root, "Pulumi.adopted.yaml"),
      stackFile.replace("\nconfig:\n", "\nconfig:\n  auth0-tenant:auditAuditUrl:\n    secure: v1:c2VjcmV0\n"),
    );
    const planned = await planStack(f.project.root, "adopted", NOW);
    if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
    const { spec } = planned.plan;
    expect(Object.keys(spec.apis)).toEqual(["orders-api", "ledger-api", "search-api"]);
    expect(Object.values(spec.applications).filter((a) => a.type === "m2m")).toHaveLength(7);
    expect(Object.values(spec.applications).filter((a) => a.type === "regular_web")).toHaveLength(WEB);
    expect(spec.triggers["post-login"]).toEqual(["audit", "add-roles", "add-country"]);
    expect(Object.keys(spec.unmanaged)).toHaveLength(2 + 1 + 2); // SPAs, the secret-based M2M app, the reader and the dashboard's client
    expect(text).toContain("a client of the Auth0 Management API (a deployer, a previewer or an admin tool)");
    expect(text).toContain("a machine-to-machine application that authenticates with client_secret_post");
    expect(text).toContain("add-roles: https://hand.example/roles (id token)");
    expect(text).toContain("add-country: https://hand.example/country (access token)");
    expect(readFileSync(path.join(f.project.root, "actions/imported/audit.js"), "utf8")).toBe(
      "// logs every login\r\nexports.onExecutePostLogin = async (event, api) => {\n  if (!event.secrets.AUDIT_URL) return;\n};\n",
    );
  });

  it.each(["legacy", "current"] as const)(
    "the first pulumi up only imports, with zero differences (%s engine); the second changes in place exactly what the import listed — which is what drift reports",
    async (engine) => {
      const store = f.tenant.management.store;
      const runs = await adoptionRuns({
        root: f.project.root,
        stack: "adopted",
        store,
        secretKeys: ["auth0-tenant:auditAuditUrl"],
        now: NOW,
        engine,
      });
      for (const r of runs.adopt.registered)
        expect(importedState(store, r.type, r.importId!), `${r.type}::${r.name} adopts ${r.importId}`).toBeDefined();
      expect(runs.adopt.changes.filter((c) => c.op !== "import" || c.paths.length > 0)).toEqual([]);
      expect(runs.adopt.warnings).toEqual([]);
      // The second deployment: client settings the model fixes (the dashboard's defaults for web apps: grant types
      // incl. implicit and client_credentials, not OIDC conformant; no ID token algorithm), each in the import's list;
      // credentials' PEMs written into the state; actions deployed (the audit secret sent); grant scopes re-sorted.
      const text = io.output.join("");
      const clientUpdates = runs.second.filter((c) => c.startsWith("Client::"));
      expect(clientUpdates).toHaveLength(KEYS.length + WEB);
      const listed = { grantTypes: "grant types", oidcConformant: "OIDC conformant", "jwtConfiguration.alg": "ID token signing algorithm" };
      for (const c of clientUpdates) {
        const [app, paths] = c.slice("Client::".length).split(" ") as [string, string];
        for (const p of paths.split(",")) expect(text, `${app} ${p}`).toContain(`application ${app}: ${listed[p as keyof typeof listed]}`);
      }
      expect(new Set(runs.second.filter((c) => !c.startsWith("Client::")))).toEqual(
        new Set([
          ...KEYS.map((_, i) => `ClientCredentials::service-${i} privateKeyJwt.credentials`),
          ...KEYS.flatMap((_, i) =>
            i % 2 ? [`ClientGrant::service-${i}/${["orders-api", "ledger-api", "search-api"][i % 3]} scopes`] : [],
          ),
          "Action::audit deploy,secrets",
          "Action::add-roles deploy",
          "Action::add-country deploy",
        ]),
      );
      expect(runs.third).toEqual([]);
      // Drift before that first up: exactly those client settings, nothing else (no grant, key, app, action or binding).
      const planned = await planStack(f.project.root, "adopted", NOW);
      if (!planned.ok) throw new Error("plan failed");
      const findings = driftReport(planned.plan, await readTenant(f.reader())).stacks[0]!.changes;
      const label = { grantTypes: "grant types", oidcConformant: "oidcConformant", "jwtConfiguration.alg": "ID token signing algorithm" };
      expect(new Set(findings.map((x) => `${x.kind} ${x.text.split(" is ")[0]}`))).toEqual(
        new Set(
          clientUpdates.flatMap((c) => {
            const [app, paths] = c.slice("Client::".length).split(" ") as [string, string];
            return paths.split(",").map((p) => `app.setting-changed ${app}: ${label[p as keyof typeof label]}`);
          }),
        ),
      );
    },
  );
});
