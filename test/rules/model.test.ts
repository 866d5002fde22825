import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Declarer } from "../../components/declare";
import {
  addressOf,
  afterDeploy,
  child,
  COMPONENT_TYPES,
  isAfterDeploy,
  isRef,
  isSecretRef,
  ref,
  refsIn,
  resolveRefs,
  RESOURCE_TYPES,
  secretRef,
} from "../../src/model";
import { applicationModel } from "../../src/kinds/application/model";
import { DEFAULT_DESCRIPTION, grantName } from "../../src/model/desired";
import { tenantModel } from "../../src/tenant/model";
import { grantScopes, providerTime } from "../../src/model/provider-form";
import type { ApplicationSpec, TenantSpec } from "../../src/kinds/specs";
import { underMocks } from "../support/mock-runtime";

/** The model's plain helpers and the rules the declarer enforces, on hand-made values. */
const R = ref(RESOURCE_TYPES.Client, "svc", "clientId");

describe("references", () => {
  it("are recognised only as the objects they are", () => {
    for (const v of [null, undefined, 0, "x", [], {}, { ref: 1 }]) {
      expect(isRef(v)).toBe(false);
      expect(isSecretRef(v)).toBe(false);
      expect(isAfterDeploy(v)).toBe(false);
    }
    expect(isRef(R)).toBe(true);
    expect(isSecretRef(secretRef("k"))).toBe(true);
    expect(isAfterDeploy(afterDeploy(R, 1))).toBe(true);
    expect(R).toEqual({ $ref: { type: "auth0:index/client:Client", name: "svc", output: "clientId" } });
    expect(secretRef("k")).toEqual({ $secret: { config: "k" } });
    expect(afterDeploy(R, [1])).toEqual({ $after: R, value: [1] });
  });

  it("resolve anywhere in a value; secrets resolve to nothing and deploy-time values to their value by default", () => {
    const value = { a: [R, { b: secretRef("s"), c: afterDeploy(R, "later") }], d: 1, e: "x", f: null };
    expect(resolveRefs(value, (r) => `<${r.$ref.name}.${r.$ref.output}>`)).toEqual({
      a: ["<svc.clientId>", { b: undefined, c: "later" }],
      d: 1,
      e: "x",
      f: null,
    });
    expect(
      resolveRefs(
        value,
        () => "r",
        (s) => `secret ${s.$secret.config}`,
        (a) => `after ${String(a.value)}`,
      ),
    ).toEqual({ a: ["r", { b: "secret s", c: "after later" }], d: 1, e: "x", f: null });
    const other = ref(RESOURCE_TYPES.Action, "a", "id");
    expect(refsIn({ x: [other, { y: R }], z: afterDeploy(R, 1) })).toEqual([other, R]);
    expect(refsIn("plain")).toEqual([]);
  });

  it("addresses and children", () => {
    expect(addressOf({ type: "t", name: "n" })).toBe("t::n");
    const parent = { type: COMPONENT_TYPES.Api, name: "orders" };
    expect(child(RESOURCE_TYPES.ResourceServer, "orders", parent, true, { identifier: "x" })).toEqual({
      type: RESOURCE_TYPES.ResourceServer,
      name: "orders",
      parent,
      protect: true,
      dependsOn: [],
      inputs: { identifier: "x" },
    });
    expect(grantName("billing", "orders-api")).toBe("billing/orders-api");
  });
});

describe("provider forms", () => {
  it.each([
    ["2027-03-31T00:00:00Z", "2027-03-31T00:00:00.000Z"],
    ["2027-03-31T01:00:00+01:00", "2027-03-31T00:00:00.000Z"],
    ["2027-03-31T00:00:00.5Z", "2027-03-31T00:00:00.500Z"],
  ])("expiresAt %s is stored as %s", (iso, stored) => expect(providerTime(iso)).toBe(stored));

  it("grant scopes are sorted, without touching the spec's list", () => {
    const scopes = ["orders:write", "orders:read", "ORDERS:ADMIN"];
    expect(grantScopes(scopes)).toEqual(["ORDERS:ADMIN", "orders:read", "orders:write"]);
    expect(scopes).toEqual(["orders:write", "orders:read", "ORDERS:ADMIN"]);
  });
});

describe("application models", () => {
  const cred = (over: Record<string, unknown> = {}) => ({
    name: "k",
    algorithm: "PS256",
    key: { pem: "PEM\n", bits: 2048, thumbprint: "t", format: "spki" },
    parseExpiryFromCert: false,
    ...over,
  });
  const m2m = (over: Record<string, unknown> = {}) =>
    ({
      key: "svc",
      name: "Svc",
      type: "m2m",
      metadata: { a: "b" },
      grants: { orders: ["w", "r"] },
      credentials: [cred()],
      ...over,
    }) as unknown as ApplicationSpec;

  it("an m2m client, its credentials and its grants", () => {
    const model = applicationModel(
      m2m({ credentials: [cred({ expiresAt: "2027-03-31T01:00:00+01:00", effectiveExpiresAt: "2027-03-31T00:00:00Z" })] }),
      true,
    );
    expect(model.client.inputs).toEqual({
      name: "Svc",
      description: DEFAULT_DESCRIPTION,
      appType: "non_interactive",
      grantTypes: ["client_credentials"],
      oidcConformant: true,
      isFirstParty: true,
      clientMetadata: { a: "b" },
      jwtConfiguration: { alg: "RS256" },
    });
    expect(DEFAULT_DESCRIPTION).toBe("Managed by Pulumi");
    expect(model.credentials!.inputs).toEqual({
      clientId: ref(RESOURCE_TYPES.Client, "svc", "clientId"),
      authenticationMethod: "private_key_jwt",
      privateKeyJwt: {
        credentials: [{ name: "k", credentialType: "public_key", pem: "PEM\n", algorithm: "PS256", expiresAt: "2027-03-31T00:00:00.000Z" }],
      },
    });
    expect(model.grants).toEqual([
      {
        apiKey: "orders",
        resource: {
          type: RESOURCE_TYPES.ClientGrant,
          name: "svc/orders",
          parent: { type: COMPONENT_TYPES.PrivateKeyJwtApplication, name: "svc" },
          protect: true,
          dependsOn: [{ type: RESOURCE_TYPES.ResourceServerScopes, name: "orders" }],
          inputs: {
            clientId: ref(RESOURCE_TYPES.Client, "svc", "clientId"),
            audience: ref(RESOURCE_TYPES.ResourceServer, "orders", "identifier"),
            scopes: ["r", "w"],
          },
        },
      },
    ]);
    expect(model.fingerprints).toEqual([{ name: "k", algorithm: "PS256", bits: 2048, thumbprint: "t", expiresAt: "2027-03-31T00:00:00Z" }]);
  });

  it("a certificate credential without expiresAt asks the provider to read the certificate; a description is kept", () => {
    const model = applicationModel(m2m({ description: "d", credentials: [cred({ parseExpiryFromCert: true })] }), false);
    expect(model.client.inputs.description).toBe("d");
    expect(model.client.protect).toBe(false);
    expect((model.credentials!.inputs.privateKeyJwt as { credentials: unknown[] }).credentials[0]).toEqual({
      name: "k",
      credentialType: "public_key",
      pem: "PEM\n",
      algorithm: "PS256",
      parseExpiryFromCert: true,
    });
  });

  it("a web application: browser flows, no grants, credentials only when declared", () => {
    const web = {
      key: "web",
      name: "Web",
      type: "regular_web",
      metadata: {},
      callbacks: ["https://w/cb"],
      allowedLogoutUrls: [],
      webOrigins: ["https://w"],
    } as unknown as ApplicationSpec;
    const model = applicationModel(web, false);
    expect(model.component).toEqual({ type: COMPONENT_TYPES.RegularWebApplication, name: "web" });
    expect(model.client.inputs).toMatchObject({
      appType: "regular_web",
      grantTypes: ["authorization_code", "refresh_token"],
      callbacks: ["https://w/cb"],
      allowedLogoutUrls: [],
      webOrigins: ["https://w"],
    });
    expect(model.grants).toEqual([]);
    expect(model).not.toHaveProperty("credentials");
    expect(model.fingerprints).toEqual([]);
  });
});

describe("the tenant model", () => {
  const spec = (over: Partial<TenantSpec> = {}) =>
    ({
      stack: "dev",
      protect: false,
      apis: {},
      applications: {},
      actions: {},
      triggers: { "post-login": [], "credentials-exchange": [] },
      adopt: {},
      unmanaged: {},
      ...over,
    }) as TenantSpec;

  it("needs every action's bundle", () => {
    const actions = {
      login: {
        key: "login",
        name: "login",
        trigger: "post-login",
        runtime: "node22",
        source: "actions/l.ts",
        bundle: true,
        claims: [],
        secrets: [],
      },
    } as TenantSpec["actions"];
    expect(() => tenantModel(spec({ actions }), {})).toThrow("action login has no bundle (the build step must run before the model)");
  });

  it("declares a trigger's bindings only when it has actions", () => {
    const model = tenantModel(spec(), {});
    expect(model.triggers).toEqual({});
    expect(model.bindings).toEqual({ "post-login": [], "credentials-exchange": [] });
    expect(model.outputs).toEqual({ apis: {}, applications: {}, actions: {}, triggers: { "post-login": [], "credentials-exchange": [] } });
  });
});

describe("the declarer", () => {
  const parent = { type: COMPONENT_TYPES.Api, name: "orders" };
  const resource = (inputs: object, dependsOn: { type: (typeof RESOURCE_TYPES)[keyof typeof RESOURCE_TYPES]; name: string }[] = []) =>
    child(RESOURCE_TYPES.ResourceServerScopes, "orders", parent, false, inputs, dependsOn);

  it("refuses a resource whose parent, dependency or reference is not declared yet, and an output that does not exist", async () => {
    const run = await underMocks({ stack: "dev", config: {} }, async () => {
      const declarer = new Declarer(() => pulumi.output("s"));
      const errors: string[] = [];
      const attempt = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          errors.push((e as Error).message);
        }
      };
      attempt(() => declarer.declare(resource({})));
      declarer.adopt(new pulumi.ComponentResource(COMPONENT_TYPES.Api, "orders"), parent);
      attempt(() => declarer.declare(resource({}, [{ type: RESOURCE_TYPES.ResourceServer, name: "orders" }])));
      attempt(() => declarer.declare(resource({ resourceServerIdentifier: ref(RESOURCE_TYPES.ResourceServer, "orders", "identifier") })));
      declarer.declare(child(RESOURCE_TYPES.ResourceServer, "orders", parent, false, { identifier: "https://o", name: "o" }));
      attempt(() => declarer.declare(resource({ resourceServerIdentifier: ref(RESOURCE_TYPES.ResourceServer, "orders", "nope") })));
      attempt(() => declarer.resolve({ x: secretRef("k") }));
      return errors;
    });
    expect(run.error).toBeUndefined();
    expect(run.result).toEqual([
      "auth0:index/resourceServerScopes:ResourceServerScopes::orders: its parent auth0-tenant:index:Api::orders is not declared yet",
      "auth0:index/resourceServer:ResourceServer::orders is referenced before it is declared (the model's declaration order is wrong)",
      "auth0:index/resourceServer:ResourceServer::orders is referenced before it is declared (the model's declaration order is wrong)",
      'auth0:index/resourceServer:ResourceServer::orders has no output "nope"',
      "stack outputs never carry secrets",
    ]);
  });
});
