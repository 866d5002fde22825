import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directoryReader } from "../../src/config/files";
import { planFromConfig, planJson, renderPlanText, summarize } from "../../src/plan";
import { tenantProgram } from "../../src/program";
import { SpecError } from "../../src/spec";
import { RESOURCE_TYPES } from "../../src/model";
import { customResources, underMocks } from "../support/mock-runtime";
import { tempProject, tenantWithActions } from "../support/temp-project";

// The spec fields adoption needs: adopt (the import resource option), unmanaged (drift's acknowledgements), and
// actions deployed as written (bundle: false) under their Auth0 name.

const NOW = new Date("2026-11-22T12:00:00Z");
const IMPORTED = `/** imported from the dashboard */
exports.onExecutePostLogin = async (event, api) => {
  api.idToken.setCustomClaim("https://acme.example/team", event.user.app_metadata.team);
  api.accessToken.setCustomClaim('https://acme.example/team', event.user.app_metadata.team);
};\r\n`;

let project: ReturnType<typeof tempProject>;
beforeAll(() => {
  project = tempProject({ "actions/imported/team-claim.js": IMPORTED, "actions/imported/not-cjs.ts": "export {};\n" });
});
afterAll(() => project.cleanup());

type Tenant = ReturnType<typeof tenantWithActions> & Record<string, any>;
const plan = (tenant: unknown) =>
  planFromConfig(
    { project: "auth0-tenant", stack: "dev", tenant, domain: "acme-dev.eu.auth0.com", values: {} },
    directoryReader(project.root),
    NOW,
    { packagesDir: project.root },
  );
const errorsOf = async (tenant: unknown) => {
  const r = await plan(tenant);
  return r.ok ? [] : r.errors;
};

function imported(): Tenant {
  const t = tenantWithActions() as Tenant;
  t.actions["team-claim"] = {
    name: "Team claim (dashboard)",
    trigger: "post-login",
    source: "actions/imported/team-claim.js",
    bundle: false,
  };
  t.triggers["post-login"] = ["team-claim", "login-claims"];
  return t;
}

describe("adopt:", () => {
  const adopt = {
    "client/billing": "AbCdEf0123456789AbCdEf0123456789",
    "clientCredentials/billing": "AbCdEf0123456789AbCdEf0123456789",
    "clientGrant/billing/orders-api": "cgr_0123456789abcdef",
    "resourceServer/orders-api": "65f0c0ffee0123456789abcd",
    "resourceServerScopes/orders-api": "https://orders.acme.example",
    "action/login-claims": "7d1f2c3a-0000-4000-8000-000000000001",
    "triggerActions/post-login": "post-login",
  };

  it("sets each resource's import id; the program passes it as the import option; the plan shows it", async () => {
    const t = tenantWithActions() as Tenant;
    t.adopt = adopt;
    const r = await plan(t);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const byKey = Object.fromEntries(
      r.plan.desired.resources.filter((x) => x.importId).map((x) => [`${x.type.split(":").pop()}/${x.name}`, x.importId]),
    );
    expect(byKey).toEqual({
      "Client/billing": adopt["client/billing"],
      "ClientCredentials/billing": adopt["clientCredentials/billing"],
      "ClientGrant/billing/orders-api": adopt["clientGrant/billing/orders-api"],
      "ResourceServer/orders-api": adopt["resourceServer/orders-api"],
      "ResourceServerScopes/orders-api": adopt["resourceServerScopes/orders-api"],
      "Action/login-claims": adopt["action/login-claims"],
      "TriggerActions/post-login": "post-login",
    });
    const json = planJson(r.plan, NOW);
    expect(json.resources.find((x) => x.address.endsWith("Client::billing"))!.importId).toBe(adopt["client/billing"]);
    expect(json.resources.find((x) => x.address.endsWith("Client::portal"))).not.toHaveProperty("importId");
    const text = renderPlanText(summarize(r.plan, NOW), []);
    expect(text).toContain("Adoption (the first pulumi up imports these existing objects instead of creating them)");
    expect(text).toMatch(/ClientGrant billing\/orders-api\s+adopts cgr_0123456789abcdef/);

    const run = await underMocks({ stack: "dev", config: { "auth0-tenant:tenant": t } }, () => tenantProgram(project.root, { now: NOW }));
    expect(run.error).toBeUndefined();
    const imports = Object.fromEntries(customResources(run.registered).map((x) => [`${x.type.split(":").pop()}/${x.name}`, x.importId]));
    expect(imports["Client/billing"]).toBe(adopt["client/billing"]);
    expect(imports["TriggerActions/post-login"]).toBe("post-login");
    expect(imports["Client/portal"]).toBeUndefined();
  });

  it("a key must name a declared resource (did-you-mean, the allowed keys), ids are non-empty strings", async () => {
    const t = tenantWithActions() as Tenant;
    t.adopt = {
      "client/biling": "x",
      "clients/billing": "y",
      "client/portal": "",
      "clientGrant/portal/orders-api": "z",
      "action/login-claims": 5,
    };
    const errors = await errorsOf(t);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: "adopt.client/biling",
          code: "not_declared",
          message: expect.stringContaining('did you mean "client/billing"?'),
        }),
        expect.objectContaining({
          path: "adopt.client/biling",
          message: expect.stringContaining("allowed: client/billing, client/portal"),
        }),
        expect.objectContaining({
          path: "adopt.clients/billing",
          code: "not_declared",
          message: expect.stringContaining('did you mean "client"?'),
        }),
        expect.objectContaining({ path: "adopt.client/portal", message: expect.stringContaining("must not be empty") }),
        expect.objectContaining({ path: "adopt.clientGrant/portal/orders-api", code: "not_declared" }),
        expect.objectContaining({ path: "adopt.action/login-claims", message: expect.stringContaining("must be the Auth0 id") }),
      ]),
    );
    expect(errors).toHaveLength(5);
  });

  it("an entry with ignoreChanges: the adopt run leaves those inputs as in Auth0; the plan names the second deployment and the creates next to adopted objects", async () => {
    const t = tenantWithActions() as Tenant;
    t.adopt = {
      "client/billing": { id: adopt["client/billing"], ignoreChanges: ["grantTypes", "oidcConformant"] },
      "resourceServer/orders-api": adopt["resourceServer/orders-api"],
      "action/login-claims": { id: adopt["action/login-claims"], ignoreChanges: ["deploy"] },
    };
    const r = await plan(t);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const client = r.plan.desired.resources.find((x) => x.type === RESOURCE_TYPES.Client && x.name === "billing")!;
    expect(client.ignoreChanges).toEqual(["grantTypes", "oidcConformant"]);
    const text = renderPlanText(summarize(r.plan, NOW), []);
    expect(text).toMatch(/Client billing\s+adopts \S+\s+grantTypes, oidcConformant/);
    expect(text).toContain(
      "Second deployment: once the first pulumi up has imported everything, delete adopt:; the next pulumi up sets the 2 resource(s)",
    );
    // billing's grant is created next to an adopted client; orders-api's scopes next to an adopted API.
    expect(text).toContain("ClientGrant billing/orders-api: if billing already holds a grant on orders-api, the provider takes it over");
    expect(text).toContain("ResourceServerScopes orders-api: if API orders-api already has scopes, the provider refuses to create this");

    const run = await underMocks({ stack: "dev", config: { "auth0-tenant:tenant": t } }, () => tenantProgram(project.root, { now: NOW }));
    expect(run.error).toBeUndefined();
    const registered = customResources(run.registered);
    expect(registered.find((x) => x.type === RESOURCE_TYPES.Client && x.name === "billing")!.ignoreChanges).toEqual([
      "grantTypes",
      "oidcConformant",
    ]);
    expect(registered.find((x) => x.type === RESOURCE_TYPES.ResourceServer)!.ignoreChanges).toBeUndefined();
  });

  it("ignoreChanges names inputs of the entry's kind", async () => {
    const t = tenantWithActions() as Tenant;
    t.adopt = { "client/billing": { id: "x", ignoreChanges: ["privateKeyJwt"] }, "action/login-claims": { id: "y", ignore: [] } };
    const errors = await errorsOf(t);
    expect(errors).toEqual([
      expect.objectContaining({
        path: "adopt.client/billing.ignoreChanges[0]",
        message: expect.stringContaining('"privateKeyJwt" is not an input of a client (allowed: name, description, appType, grantTypes'),
      }),
      expect.objectContaining({ path: "adopt.action/login-claims.ignore", code: "unknown_field" }),
    ]);
  });

  it("an adopt key of an entry that has errors of its own is not reported twice", async () => {
    const t = tenantWithActions() as Tenant;
    t.applications.billing.type = "m3m";
    t.adopt = { "client/billing": "x" };
    const errors = await errorsOf(t);
    expect(errors.map((e) => e.path)).toEqual(["applications.billing.type"]);
  });
});

describe("unmanaged:", () => {
  it("acknowledges clients by id with their keys and grants; a bad entry is named", async () => {
    const t = tenantWithActions() as Tenant;
    t.unmanaged = {
      DeployerClientId0123456789abcdef: {
        name: "Deployer",
        credentials: ["w0kIFOc-q7KKK-pa2Uj5b_Cl3f0hAgFeseLg8iEmWu0"],
        grants: { "https://acme-dev.eu.auth0.com/api/v2/": ["read:clients"] },
      },
    };
    const r = await plan(t);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.plan.spec.unmanaged.DeployerClientId0123456789abcdef!.grants).toEqual({
      "https://acme-dev.eu.auth0.com/api/v2/": ["read:clients"],
    });
    t.unmanaged = { "bad id!": {}, ok: { credentials: ["short"], scopes: [] } };
    expect((await errorsOf(t)).map((e) => e.path).sort()).toEqual([
      "unmanaged.bad id!",
      "unmanaged.ok.credentials[0]",
      "unmanaged.ok.scopes",
    ]);
  });
});

describe("an action deployed as written (bundle: false)", () => {
  it("is deployed byte for byte under its Auth0 name; the plan lists its literal claims as not declared", async () => {
    const r = await plan(imported());
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const action = r.plan.desired.resources.find((x) => x.name === "team-claim")!;
    expect((action.inputs as { code: string; name: string }).code).toBe(IMPORTED);
    expect((action.inputs as { name: string }).name).toBe("Team claim (dashboard)");
    const bindings = r.plan.desired.resources.find((x) => x.type.endsWith("TriggerActions") && x.name === "post-login")!;
    expect((bindings.inputs as { actions: { displayName: string }[] }).actions.map((a) => a.displayName)).toEqual([
      "Team claim (dashboard)",
      "login-claims",
    ]);
    const summary = summarize(r.plan, NOW);
    expect(summary.actions.find((a) => a.key === "team-claim")!.undeclaredClaims).toEqual([
      { name: "https://acme.example/team", token: "id" },
      { name: "https://acme.example/team", token: "access" },
    ]);
    expect(summary.actions.find((a) => a.key === "login-claims")).not.toHaveProperty("undeclaredClaims");
    expect(renderPlanText(summary, [])).toMatch(
      /team-claim\s+id\s+https:\/\/acme\.example\/team\s+not declared \(a literal setCustomClaim in its code\)/,
    );
  });

  it("refuses claims, deny and a non-.js source; still checks the handler export and the size", async () => {
    const t = imported();
    t.actions["team-claim"].claims = [{ name: "https://acme.example/x", value: 1 }];
    t.actions["team-claim"].deny = { when: "user.app_metadata.blocked", reason: "blocked" };
    expect((await errorsOf(t)).map((e) => [e.path, e.code])).toEqual([
      ["actions.team-claim.claims", "invalid_value"],
      ["actions.team-claim.deny", "invalid_value"],
    ]);
    const ts = imported();
    ts.actions["team-claim"].source = "actions/imported/not-cjs.ts";
    expect((await errorsOf(ts))[0]).toMatchObject({
      path: "actions.team-claim.source",
      message: expect.stringContaining("CommonJS .js file"),
    });
    const wrong = imported();
    wrong.actions["team-claim"].trigger = "credentials-exchange";
    wrong.triggers["post-login"] = ["login-claims"];
    wrong.triggers["credentials-exchange"] = ["client-claims", "team-claim"];
    expect((await errorsOf(wrong))[0]).toMatchObject({ path: "actions.team-claim.source", code: "handler_missing" });
  });

  it("two actions may not share a name in Auth0", async () => {
    const t = imported();
    t.actions["team-claim"].name = "login-claims";
    await expect(
      underMocks({ stack: "dev", config: { "auth0-tenant:tenant": t } }, () => tenantProgram(project.root, { now: NOW })).then((r) => {
        throw r.error;
      }),
    ).rejects.toBeInstanceOf(SpecError);
    expect((await errorsOf(t)).map((e) => e.path)).toEqual(["actions.team-claim.name"]);
  });
});
