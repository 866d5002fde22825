import { createPublicKey } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { calculateJwkThumbprint, exportJWK } from "jose";
import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256 } from "../../src/actions/sandbox";
import { runImport, type Io } from "../../src/live/commands";
import { isSecretRef, RESOURCE_TYPES, resolveRefs, type Ref } from "../../src/model";
import { planStack, readStackConfig, type Plan } from "../../src/plan";
import { tenantProgram } from "../../src/program";
import { customResources, settle, underMocks } from "../support/mock-runtime";
import { ProviderDouble } from "../support/provider-double";
import { projectRoot } from "../support/temp-project";
import { certificateNotAfter, importedState } from "./imported-state";
import { exampleStackConfig, liveFixture, READER_ID, readerKeyPair, trustingFetch, type LiveFixture } from "./support";

// Adoption, end to end: the dev stack (plus an action secret) deployed to the local tenant, imported into a new stack
// with the official SDK, planned again (the same tenant, except what Auth0 does not let us read), and run under mocks
// as the first `pulumi up` would run it: every resource adopts an object that exists, with the same inputs, and the
// provider double plans no create, replace or delete.

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
    throw new Error(`no view for ${type}.${r.$ref.output}`);
  };
  const view: Record<string, unknown> = {};
  for (const r of plan.desired.resources) {
    const inputs = resolveRefs(r.inputs, resolve, (s) => (isSecretRef(s) ? "(secret)" : s)) as Record<string, any>;
    const identity =
      r.type === RESOURCE_TYPES.Client || r.type === RESOURCE_TYPES.Action
        ? inputs.name
        : r.type === RESOURCE_TYPES.ClientCredentials
          ? inputs.clientId
          : r.type === RESOURCE_TYPES.ClientGrant
            ? `${inputs.clientId} → ${inputs.audience}`
            : r.type === RESOURCE_TYPES.ResourceServer
              ? inputs.identifier
              : r.type === RESOURCE_TYPES.ResourceServerScopes
                ? inputs.resourceServerIdentifier
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

  it("the first pulumi up adopts every resource by an id that exists, with the same inputs: no create, replace or delete", async () => {
    const config = (await readStackConfig(f.project.root, "adopted")).values;
    const store = f.tenant.management.store;
    const provider = new ProviderDouble();
    const run = await underMocks(
      {
        stack: "adopted",
        config: { ...config, "auth0-tenant:rotationGuardSource": "outputs" },
        secretKeys: ["auth0-tenant:clientClaimsApiKey"],
        provider,
        imported: (type, _name, id) => importedState(store, type, id),
      },
      async () => settle((await tenantProgram(f.project.root, { now: NOW })).outputs),
    );
    expect(run.error).toBeUndefined();
    const registered = customResources(run.registered);
    expect(registered.length).toBe(original.desired.resources.length);
    for (const r of registered) {
      expect(r.importId, `${r.type}::${r.name}`).toBeDefined();
      const state = importedState(store, r.type, r.importId!);
      expect(state, `${r.type}::${r.name} adopts ${r.importId}, which exists`).toBeDefined();
      provider.state.set(`${r.type}::${r.name}`, { type: r.type as never, name: r.name, state: state! });
    }
    const changes = provider.plan(registered.map((r) => ({ ...r, inputs: unwrapSecrets(r.inputs) })));
    expect(changes.filter((c) => c.op !== "update")).toEqual([]);
    // What import cannot read, and so the first up writes (no call changes anything in Auth0, see below).
    expect(changes.map((c) => `${c.address.split(":").slice(-3).join(":")} ${c.paths.join(",")}`).sort()).toEqual([
      "Action::client-claims deploy,secrets",
      "Action::login-claims deploy",
      "ClientCredentials::billing-service privateKeyJwt.credentials",
      "ClientCredentials::payments-service privateKeyJwt.credentials",
      "ClientCredentials::reporting-service privateKeyJwt.credentials",
    ]);
    // The provider pairs each declared key with the live credential whose kid is its thumbprint, same algorithm and
    // expiry (client/resource_credentials.go classifyCredentialChanges): nothing is uploaded, detached or deleted.
    for (const r of registered.filter((x) => x.type === RESOURCE_TYPES.ClientCredentials)) {
      const live = store.privateKeyJwtCredentials(r.importId!).map((c) => c.record);
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
  });
});

/** Registration inputs with Pulumi's secret wrappers replaced by their values (the double compares plain values). */
function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    if (specialSigKey in value) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}
