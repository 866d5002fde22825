import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { addressOf, RESOURCE_TYPES, resolveRefs, type DesiredResource, type Ref } from "../src/model";
import { planStack } from "../src/plan";
import { mockValueOf } from "./support/mock-runtime";
import { ProviderDouble } from "./support/provider-double";

/**
 * Values that only the model holds: plan and program both read the model, so comparing them cannot catch a wrong
 * value there. They are checked here against facts from outside the code: the provider's accepted values (through
 * the provider double, which names its sources) and Auth0's rules (../shared/AUTH0-FACTS.md).
 */

const root = path.resolve(__dirname, "../test/fixtures/acme"); // the acme example, not the user's own stacks
const NOW = new Date("2026-11-22T12:00:00Z");

async function desired(stack: string) {
  const planned = await planStack(root, stack, NOW);
  if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
  return planned.plan;
}

const of = <T extends DesiredResource["type"]>(resources: DesiredResource[], type: T) =>
  resources.filter((r) => r.type === type) as DesiredResource<T, Record<string, any>>[];
const refTo = (value: unknown) => (value as Ref).$ref;

describe.each(["dev", "prod"])("stack %s: values the model alone decides", (stack) => {
  it("are all accepted by the provider as it validates them", async () => {
    const { desired: d, spec } = await desired(stack);
    const identifiers = Object.fromEntries(Object.values(spec.apis).map((a) => [a.key, a.identifier]));
    const provider = new ProviderDouble();
    for (const r of d.resources)
      provider.register(
        r.type,
        r.name,
        resolveRefs(
          r.inputs,
          (ref) => mockValueOf(ref, identifiers),
          () => "secret",
        ) as Record<string, unknown>,
      );
    expect(provider.errors).toEqual([]);
  });

  it("clients: ID tokens signed RS256 (Auth0's default, never the shared-secret HS256); app type and grant types per kind", async () => {
    const { desired: d, spec } = await desired(stack);
    const clients = of(d.resources, RESOURCE_TYPES.Client);
    expect(clients.length).toBe(Object.keys(spec.applications).length);
    for (const c of clients) {
      const app = spec.applications[c.name]!;
      expect(c.inputs.jwtConfiguration, c.name).toEqual({ alg: "RS256" });
      expect(c.inputs.oidcConformant, c.name).toBe(true);
      if (app.type === "m2m") {
        // A machine-to-machine application in Auth0 is app_type non_interactive and uses client_credentials only.
        expect(c.inputs.appType, c.name).toBe("non_interactive");
        expect(c.inputs.grantTypes, c.name).toEqual(["client_credentials"]);
      } else {
        expect(c.inputs.appType, c.name).toBe("regular_web");
        expect(c.inputs.grantTypes, c.name).toContain("authorization_code");
        expect(c.inputs.grantTypes, c.name).not.toContain("client_credentials");
        expect(c.inputs.grantTypes, c.name).not.toContain("implicit");
      }
    }
  });

  it("credentials: private_key_jwt with public keys, each key's algorithm as declared, for the client of the same app", async () => {
    const { desired: d, spec } = await desired(stack);
    for (const r of of(d.resources, RESOURCE_TYPES.ClientCredentials)) {
      const app = spec.applications[r.name]!;
      expect(refTo(r.inputs.clientId)).toEqual({ type: RESOURCE_TYPES.Client, name: r.name, output: "clientId" });
      expect(r.inputs.authenticationMethod).toBe("private_key_jwt");
      expect(r.inputs.privateKeyJwt.credentials.map((c: { credentialType: string }) => c.credentialType)).toEqual(
        app.credentials!.map(() => "public_key"),
      );
      expect(r.inputs.privateKeyJwt.credentials.map((c: { algorithm: string }) => c.algorithm)).toEqual(
        app.credentials!.map((c) => c.algorithm),
      );
    }
  });

  it("grants: for the client of their app, on the audience of their API, created after that API's scopes exist", async () => {
    const { desired: d, spec } = await desired(stack);
    const grants = of(d.resources, RESOURCE_TYPES.ClientGrant);
    expect(grants.length).toBe(
      Object.values(spec.applications).reduce((n, a) => n + (a.type === "m2m" ? Object.keys(a.grants).length : 0), 0),
    );
    for (const g of grants) {
      const [app, api] = g.name.split("/") as [string, string];
      expect(refTo(g.inputs.clientId)).toEqual({ type: RESOURCE_TYPES.Client, name: app, output: "clientId" });
      expect(refTo(g.inputs.audience)).toEqual({ type: RESOURCE_TYPES.ResourceServer, name: api, output: "identifier" });
      // The scopes a grant names are defined by the API's ResourceServerScopes resource, which nothing else links it to.
      expect(g.dependsOn.map(addressOf)).toEqual([addressOf({ type: RESOURCE_TYPES.ResourceServerScopes, name: api })]);
      const spec_ = spec.applications[app]!;
      expect(spec_.type).toBe("m2m");
      if (spec_.type === "m2m") expect(g.inputs.scopes).toEqual([...spec_.grants[api]!].sort());
    }
  });

  it("APIs: signing algorithm in Auth0's canonical spelling; each API's scopes resource on its own identifier", async () => {
    const { desired: d } = await desired(stack);
    for (const r of of(d.resources, RESOURCE_TYPES.ResourceServer)) expect(["RS256", "PS256"]).toContain(r.inputs.signingAlg);
    for (const r of of(d.resources, RESOURCE_TYPES.ResourceServerScopes))
      expect(refTo(r.inputs.resourceServerIdentifier)).toEqual({ type: RESOURCE_TYPES.ResourceServer, name: r.name, output: "identifier" });
  });

  it("actions: the trigger versions Auth0 runs (post-login v3, credentials-exchange v2), deployed, bound after they exist", async () => {
    const { desired: d, spec } = await desired(stack);
    const VERSIONS = { "post-login": "v3", "credentials-exchange": "v2" } as const;
    for (const r of of(d.resources, RESOURCE_TYPES.Action)) {
      const trigger = spec.actions[r.name]!.trigger;
      expect(r.inputs.supportedTriggers).toEqual({ id: trigger, version: VERSIONS[trigger] });
      expect(r.inputs.deploy).toBe(true);
    }
    for (const b of of(d.resources, RESOURCE_TYPES.TriggerActions)) {
      const bound = b.inputs.actions.map((a: { id: Ref }) => refTo(a.id).name);
      expect(b.dependsOn.map(addressOf).sort()).toEqual(
        bound.map((name: string) => addressOf({ type: RESOURCE_TYPES.Action, name })).sort(),
      );
    }
  });
});
