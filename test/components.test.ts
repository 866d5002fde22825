import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Tenant } from "../components/tenant";
import { directoryReader } from "../src/config/files";
import { RESOURCE_TYPES } from "../src/model";
import { tenantModel } from "../src/tenant/model";
import { loadTenant } from "../src/tenant/load";
import { type TenantSpec } from "../src/kinds/specs";
import { customResources, settle, underMocks } from "./support/mock-runtime";
import { tempProject, validTenant } from "./support/temp-project";

const NOW = new Date("2026-11-22T12:00:00Z");
let project: ReturnType<typeof tempProject>;
beforeAll(() => {
  project = tempProject();
});
afterAll(() => project.cleanup());

async function spec(tenant: unknown, stack = "dev"): Promise<TenantSpec> {
  return (await loadTenant(tenant, { stack, now: NOW, readFile: directoryReader(project.root) })).spec;
}

interface Declared {
  type: string;
  name: string;
  protect?: boolean;
  dependsOn: unknown[];
}

/** Declares a Tenant under mocks, recording each child's options through a component transformation. */
async function declare(s: TenantSpec) {
  const declared: Declared[] = [];
  const record: pulumi.ResourceTransformation = (args) => {
    const deps = args.opts.dependsOn;
    declared.push({
      type: args.type,
      name: args.name,
      protect: args.opts.protect,
      dependsOn: Array.isArray(deps) ? deps : deps ? [deps] : [],
    });
    return undefined;
  };
  let tenant!: Tenant;
  const run = await underMocks({ stack: s.stack, config: {} }, async () => {
    tenant = new Tenant(tenantModel(s, {}), { transformations: [record] });
    return settle(tenant.outputs);
  });
  return { tenant, run, declared, registered: customResources(run.registered) };
}

const find = (list: { type: string; name: string }[], type: string, name: string) =>
  list.find((r) => r.type === type && r.name === name) as any;

describe("Api component", () => {
  it("declares a ResourceServer and one ResourceServerScopes holding every scope, parented to the Api", async () => {
    const { tenant, registered } = await declare(await spec(validTenant()));
    const rs = find(registered, RESOURCE_TYPES.ResourceServer, "orders-api");
    expect(rs.inputs).toMatchObject({
      identifier: "https://orders.acme.example",
      name: "orders-api",
      signingAlg: "RS256",
      tokenLifetime: 86400,
      allowOfflineAccess: false,
    });
    const scopes = find(registered, RESOURCE_TYPES.ResourceServerScopes, "orders-api");
    expect(scopes.inputs).toEqual({
      resourceServerIdentifier: "https://orders.acme.example",
      scopes: [
        { name: "orders:read", description: "Read orders" },
        { name: "orders:write", description: "Write orders" },
      ],
    });
    expect(await settle(tenant.apis["orders-api"]!.scopes!.urn)).toBe(
      "urn:pulumi:dev::auth0-tenant::auth0-tenant:index:Api$auth0:index/resourceServerScopes:ResourceServerScopes::orders-api",
    );
  });
});

describe("PrivateKeyJwtApplication component", () => {
  it("declares a non_interactive client with client_credentials only, and no secret anywhere", async () => {
    const { registered } = await declare(await spec(validTenant()));
    const client = find(registered, RESOURCE_TYPES.Client, "billing");
    expect(client.inputs).toMatchObject({
      appType: "non_interactive",
      grantTypes: ["client_credentials"],
      oidcConformant: true,
      clientMetadata: { tenant_id: "acme" },
    });
    expect(JSON.stringify(registered)).not.toMatch(/clientSecret|client_secret/);
  });

  it("uploads each public key as a private_key_jwt credential on one ClientCredentials", async () => {
    const s = await spec(validTenant());
    const { registered, tenant } = await declare(s);
    const creds = find(registered, RESOURCE_TYPES.ClientCredentials, "billing");
    const pem = s.applications.billing!.credentials![0]!.key.pem;
    expect(creds.inputs).toEqual({
      clientId: "billing-client-id",
      authenticationMethod: "private_key_jwt",
      privateKeyJwt: {
        credentials: [{ name: "billing-1", credentialType: "public_key", pem, algorithm: "RS256", expiresAt: "2027-09-30T00:00:00.000Z" }],
      },
    });
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(await settle(tenant.applications.billing!.credentials!.urn)).toContain(
      "auth0-tenant:index:PrivateKeyJwtApplication$auth0:index/clientCredentials:ClientCredentials::billing",
    );
  });

  it("declares one ClientGrant per granted API, waiting for that API's scopes", async () => {
    const { registered, declared, tenant } = await declare(await spec(validTenant()));
    const grant = find(registered, RESOURCE_TYPES.ClientGrant, "billing/orders-api");
    expect(grant.inputs).toEqual({ clientId: "billing-client-id", audience: "https://orders.acme.example", scopes: ["orders:read"] });
    const opts = find(declared, RESOURCE_TYPES.ClientGrant, "billing/orders-api") as Declared;
    expect(opts.dependsOn).toContain(tenant.apis["orders-api"]!.scopes);
  });

  it("reads an X.509 certificate's expiry from the certificate", async () => {
    const t = validTenant();
    t.applications.billing.credentials = [{ name: "cert", publicKey: "keys/reporting-2026.crt", algorithm: "PS256" }];
    const { registered } = await declare(await spec(t));
    const c = find(registered, RESOURCE_TYPES.ClientCredentials, "billing").inputs.privateKeyJwt.credentials[0];
    expect(c).toMatchObject({ algorithm: "PS256", parseExpiryFromCert: true });
    expect(c.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(c.expiresAt).toBeUndefined();
  });
});

describe("RegularWebApplication component", () => {
  it("declares a regular_web client for user logins, without credentials or grants", async () => {
    const { registered } = await declare(await spec(validTenant()));
    const client = find(registered, RESOURCE_TYPES.Client, "portal");
    expect(client.inputs).toMatchObject({
      appType: "regular_web",
      grantTypes: ["authorization_code", "refresh_token"],
      callbacks: ["https://portal.acme.example/callback"],
    });
    expect(registered.filter((r) => r.name === "portal" || r.name.startsWith("portal/"))).toHaveLength(1);
  });
});

describe("Tenant component", () => {
  it("protects every resource on prod* stacks by default, and none elsewhere", async () => {
    const prod = await declare(await spec(validTenant(), "prod-eu"));
    expect(prod.declared.length).toBeGreaterThan(0);
    expect(prod.declared.filter((d) => d.type.startsWith("auth0:")).every((d) => d.protect === true)).toBe(true);
    const dev = await declare(await spec(validTenant(), "dev"));
    expect(dev.declared.filter((d) => d.type.startsWith("auth0:")).every((d) => d.protect === false)).toBe(true);
  });

  it("honours an explicit protect flag", async () => {
    const t = validTenant();
    t.protect = false;
    const prod = await declare(await spec(t, "prod"));
    expect(prod.declared.some((d) => d.protect === true)).toBe(false);
  });

  it("derives logical names from spec keys, so reordering the YAML replaces nothing", async () => {
    const t = validTenant();
    const reversed = {
      applications: Object.fromEntries(Object.entries(t.applications).reverse()),
      apis: t.apis,
    };
    const a = (await declare(await spec(t))).registered;
    const b = (await declare(await spec(reversed))).registered;
    const byKey = (rs: typeof a) => Object.fromEntries(rs.map((r) => [`${r.type}::${r.name}`, r.inputs]));
    expect(byKey(b)).toEqual(byKey(a));
  });
});
