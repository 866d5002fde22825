import { createPublicKey } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { calculateJwkThumbprint, exportJWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../src/actions/sandbox";
import { runImport, type Io } from "../../src/live/commands";
import { isSecretRef, RESOURCE_TYPES, resolveRefs, type Ref } from "../../src/model";
import { planStack, type Plan } from "../../src/plan";
import { projectRoot } from "../support/temp-project";
import { adoptionRuns, certificateNotAfter, importedState } from "./imported-state";
import { exampleStackConfig, liveFixture, READER_ID, readerKeyPair, trustingFetch, type LiveFixture } from "./support";

// Adoption, end to end: the dev stack (plus an action secret) deployed to the local tenant, imported into a new stack
// with the official SDK, planned again (the same tenant, except what Auth0 does not let us read), and run under mocks
// as the first `pulumi up` would run it: every resource adopts an object that exists with zero input differences
// (what the read cannot return is in the adopt entry's ignoreChanges); then as the second `pulumi up`, with adopt:
// deleted, which makes exactly the changes the import listed.

const NOW = new Date();
let f: LiveFixture;
let original: Plan;
let io: Io & { output: string[] };
let code: number;

beforeAll(async () => {
  const dev = await exampleStackConfig("dev");
  const tenant = structuredClone(dev["auth0-tenant:tenant"]) as Record<string, any>;
  tenant.actions["client-claims"].secrets = { API_KEY: { config: "clientClaimsKey" } };
  f = await liveFixture({
    stack: "dev",
    config: { ...dev, "auth0-tenant:tenant": tenant, "auth0-tenant:clientClaimsKey": { secure: "v1:c2VjcmV0" } },
  });
  original = f.tenant.plan;
  const keyFile = path.join(f.scratch, "reader.key");
  writeFileSync(keyFile, readerKeyPair().privateKey, { mode: 0o600 });
  const output: string[] = [];
  io = { output, out: (s) => output.push(s), err: (s) => output.push(s), env: {}, reader: { fetch: trustingFetch(f.tenant.tls!.caPem) } };
  code = await runImport({ stack: "adopted", dir: f.project.root, local: f.tenant.url, clientId: READER_ID, keyFile, now: NOW }, io);
});
afterAll(() => f?.close());

/** The tenant a plan describes, keyed by what Auth0 knows (names, identifiers), not by the spec's keys. */
function auth0View(plan: Plan) {
  const { spec } = plan;
  const resolve = (r: Ref): unknown => {
    const { type, name } = r.$ref;
    if (type === RESOURCE_TYPES.Client) return `client ${spec.applications[name]!.name}`;
    if (type === RESOURCE_TYPES.ResourceServer) return spec.apis[name]!.identifier;
    if (type === RESOURCE_TYPES.Action) return `action ${spec.actions[name]!.name}`;
    if (type === RESOURCE_TYPES.Role) return `role ${spec.roles![name]!.name}`;
    throw new Error(`no view for ${type}.${r.$ref.output}`);
  };
  const view: Record<string, unknown> = {};
  for (const r of plan.desired.resources) {
    const inputs = resolveRefs(r.inputs, resolve, (s) => (isSecretRef(s) ? "(secret)" : s)) as Record<string, any>;
    const identity =
      r.type === RESOURCE_TYPES.Client || r.type === RESOURCE_TYPES.Action || r.type === RESOURCE_TYPES.Role
        ? inputs.name
        : r.type === RESOURCE_TYPES.ClientCredentials
          ? inputs.clientId
          : r.type === RESOURCE_TYPES.ClientGrant
            ? `${inputs.clientId} → ${inputs.audience}`
            : r.type === RESOURCE_TYPES.ResourceServer
              ? inputs.identifier
              : r.type === RESOURCE_TYPES.ResourceServerScopes
                ? inputs.resourceServerIdentifier
                : r.type === RESOURCE_TYPES.RolePermissions
                  ? inputs.roleId
                  : inputs.trigger;
    if (r.type === RESOURCE_TYPES.ClientCredentials) {
      // Not readable: the key file's path and format (a certificate's expiry is then explicit): compared by key and expiry.
      inputs.privateKeyJwt.credentials = inputs.privateKeyJwt.credentials.map(
        ({ pem, parseExpiryFromCert, expiresAt, ...c }: Record<string, any>) => ({
          ...c,
          key: createPublicKey(pem).export({ format: "jwk" }),
          expiresAt: expiresAt ?? (parseExpiryFromCert ? certificateNotAfter(pem) : undefined),
        }),
      );
    }
    if (r.type === RESOURCE_TYPES.Action) inputs.code = sha256(inputs.code);
    // A set in the provider (role/resource_permissions.go): its order is no difference.
    if (r.type === RESOURCE_TYPES.RolePermissions)
      inputs.permissions = [...inputs.permissions].sort((a: any, b: any) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    view[`${r.type.split(":").pop()} ${identity}`] = inputs;
  }
  return view;
}

describe("import → the imported stack's plan is the tenant that was deployed", () => {
  it("writes the stack, the actions byte for byte and the review list; it plans once the secret is set", async () => {
    const text = io.output.join("");
    expect(code, text).toBe(1); // the action secret's value cannot be read: the plan says to set it
    expect(text).toContain("pulumi config set --secret --stack adopted clientClaimsApiKey '<the value of API_KEY>'");
    expect(text).toContain('config key "clientClaimsApiKey" is not set');
    const stackFile = readFileSync(path.join(f.project.root, "Pulumi.adopted.yaml"), "utf8");
    expect(stackFile).toMatch(/^# Imported from the Auth0 tenant localhost:\d+ by `npx auth0-tenant import`/);
    expect(stackFile).toContain("auth0:domain: acme-dev.eu.auth0.com");
    expect(stackFile).toContain("every credential was matched to a key file by its RFC 7638 thumbprint");
    for (const action of ["login-claims", "client-claims"]) {
      const code = readFileSync(path.join(f.project.root, `actions/imported/${action}.js`), "utf8");
      expect(code).toBe(original.model.actions[action]!.bundle.code);
    }
    // What `pulumi config set --secret` does to the stack file.
    writeFileSync(
      path.join(f.project.root, "Pulumi.adopted.yaml"),
      stackFile.replace("\nconfig:\n", "\nconfig:\n  auth0-tenant:clientClaimsApiKey:\n    secure: v1:c2VjcmV0\n"),
    );
    const imported = await planStack(f.project.root, "adopted", NOW);
    if (!imported.ok) throw new Error(JSON.stringify(imported.errors));
    expect(auth0View(imported.plan)).toEqual(auth0View(original));
    // Every resource adopts an existing object; the readable claims of the bundles are listed as not declared.
    expect(imported.plan.desired.resources.every((r) => r.importId !== undefined)).toBe(true);
    expect(imported.plan.spec.actions["login-claims"]!.bundle).toBe(false);
    expect(text).toContain("login-claims: https://acme.example/connection (id token)");
  });

  it.each(["legacy", "current"] as const)(
    "the first pulumi up only imports, with zero differences (%s engine); deleting adopt: makes the second apply what import listed",
    async (engine) => {
      const store = f.tenant.management.store;
      const runs = await adoptionRuns({
        root: f.project.root,
        stack: "adopted",
        store,
        secretKeys: ["auth0-tenant:clientClaimsApiKey"],
        now: NOW,
        engine,
      });
      const { registered } = runs.adopt;
      expect(registered.length).toBe(original.desired.resources.length);
      // Every resource adopts an object that exists, and the import step finds no difference (no warning, no update).
      for (const r of registered)
        expect(importedState(store, r.type, r.importId!), `${r.type}::${r.name} adopts ${r.importId}`).toBeDefined();
      expect(runs.adopt.changes.filter((c) => c.op !== "import" || c.paths.length > 0)).toEqual([]);
      expect(runs.adopt.warnings).toEqual([]);
      // The second deployment: what the provider cannot read, sent once; nothing else.
      expect(runs.second).toEqual([
        "Action::client-claims deploy,secrets",
        "Action::login-claims deploy",
        "ClientCredentials::billing-service privateKeyJwt.credentials",
        "ClientCredentials::payments-service privateKeyJwt.credentials",
        "ClientCredentials::reporting-service privateKeyJwt.credentials",
      ]);
      expect(runs.third).toEqual([]);
      // The provider pairs each declared key with the live credential whose kid is its thumbprint, same algorithm and
      // expiry (client/resource_credentials.go classifyCredentialChanges): nothing is uploaded, detached or deleted.
      for (const r of registered.filter((x) => x.type === RESOURCE_TYPES.ClientCredentials)) {
        const live = store.credentials.privateKeyJwt(r.importId!).map((c) => c.record);
        const declared = r.inputs.privateKeyJwt.credentials as { pem: string; algorithm: string; expiresAt?: string }[];
        expect(declared.length).toBe(live.length);
        for (const d of declared) {
          const kid = await calculateJwkThumbprint(await exportJWK(createPublicKey(d.pem)));
          const match = live.find((l) => l.kid === kid);
          expect(match, `${r.name}: a live credential with kid ${kid}`).toBeDefined();
          expect(match!.alg).toBe(d.algorithm);
          expect(match!.expires_at).toBe(d.expiresAt);
        }
      }
    },
  );

  it("the import header names the second deployment and lists its changes", () => {
    const stackFile = readFileSync(path.join(f.project.root, "Pulumi.adopted.yaml"), "utf8");
    expect(stackFile).toContain("3. What the second pulumi up (after `adopt:` is deleted) changes in place");
    expect(stackFile).toContain("ignoreChanges:");
  });
});

describe("the prod example stack adopts the same way", () => {
  let p: LiveFixture;
  let deployed: Plan;
  let exit: number;
  let said: string[];
  beforeAll(async () => {
    const prod = await exampleStackConfig("prod");
    p = await liveFixture({ stack: "prod", config: prod });
    deployed = p.tenant.plan;
    const keyFile = path.join(p.scratch, "reader.key");
    writeFileSync(keyFile, readerKeyPair().privateKey, { mode: 0o600 });
    said = [];
    const out = {
      out: (s: string) => said.push(s),
      err: (s: string) => said.push(s),
      env: {},
      reader: { fetch: trustingFetch(p.tenant.tls!.caPem) },
    };
    exit = await runImport({ stack: "adopted", dir: p.project.root, local: p.tenant.url, clientId: READER_ID, keyFile, now: NOW }, out);
  });
  afterAll(() => p?.close());

  it("the first pulumi up only imports, with zero differences; the second sets only what the provider cannot read", async () => {
    expect(exit, said.join("")).toBe(0);
    const runs = await adoptionRuns({
      root: p.project.root,
      stack: "adopted",
      store: p.tenant.management.store,
      secretKeys: [],
      now: NOW,
      engine: "legacy",
    });
    expect(runs.adopt.registered.length).toBe(deployed.desired.resources.length);
    expect(runs.adopt.changes.filter((c) => c.op !== "import" || c.paths.length > 0)).toEqual([]);
    expect(runs.adopt.warnings).toEqual([]);
    // Named as the import names them (from the applications' and actions' names in Auth0).
    const unreadable = runs.adopt.registered.flatMap((r) =>
      r.type === RESOURCE_TYPES.ClientCredentials
        ? [`ClientCredentials::${r.name} privateKeyJwt.credentials`]
        : r.type === RESOURCE_TYPES.Action
          ? [`Action::${r.name} deploy`]
          : [],
    );
    expect(runs.second).toEqual(unreadable.sort());
    expect(runs.third).toEqual([]);
  });
});
