import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESOURCE_TYPES, resolveRefs } from "../../src/model";
import { planFromConfig, printableResources } from "../../src/plan";
import { directoryReader } from "../../src/config/files";
import { tenantProgram } from "../../src/program";
import { SpecError } from "../../src/spec";
import { customResources, mockValueOf, underMocks } from "../support/mock-runtime";
import { tempProject, tenantWithActions } from "../support/temp-project";

let project: ReturnType<typeof tempProject>;
beforeAll(() => {
  project = tempProject({
    "actions/no-handler.ts": "export const somethingElse = 1;\n",
    "actions/broken.ts": "export const onExecutePostLogin = async ( => {};\n",
    "actions/throws.ts": "throw new Error('boom at load');\nexport const onExecutePostLogin = async () => {};\n",
    "actions/with-secret.ts":
      "export const onExecuteCredentialsExchange = async (event: any, api: any) => { if (!event.secrets.API_KEY) api.access.deny('server_error', 'no key'); };\n",
  });
});
afterAll(() => project.cleanup());

type Tenant = ReturnType<typeof tenantWithActions>;
const NOW = new Date("2026-11-22T12:00:00Z");

async function run(tenant: unknown, config: Record<string, unknown> = {}, secretKeys: string[] = []) {
  return underMocks({ stack: "dev", config: { "auth0-tenant:tenant": tenant, ...config }, secretKeys }, () =>
    tenantProgram(project.root, { now: NOW }),
  );
}

const cases: { name: string; mutate: (t: Tenant) => void; path: string; text: string }[] = [
  {
    name: "unknown trigger",
    mutate: (t) => {
      t.actions["login-claims"].trigger = "pre-user-registration";
    },
    path: "actions.login-claims.trigger",
    text: '"pre-user-registration" is not allowed (allowed: post-login, credentials-exchange)',
  },
  {
    name: "source outside actions/",
    mutate: (t) => {
      t.actions["login-claims"].source = "src/program.ts";
    },
    path: "actions.login-claims.source",
    text: "must be a .ts or .js file under actions/",
  },
  {
    name: "source file missing",
    mutate: (t) => {
      t.actions["login-claims"].source = "actions/nope.ts";
    },
    path: "actions.login-claims.source",
    text: "actions/nope.ts does not bundle: cannot find actions/nope.ts",
  },
  {
    name: "syntax error",
    mutate: (t) => {
      t.actions["login-claims"].source = "actions/broken.ts";
    },
    path: "actions.login-claims.source",
    text: "actions/broken.ts does not bundle: actions/broken.ts:1:",
  },
  {
    name: "no handler export",
    mutate: (t) => {
      t.actions["login-claims"].source = "actions/no-handler.ts";
    },
    path: "actions.login-claims.source",
    text: "exports no onExecutePostLogin function (post-login v3 calls exports.onExecutePostLogin)",
  },
  {
    name: "handler for the other trigger",
    mutate: (t) => {
      t.actions["login-claims"].source = "actions/client-claims.ts";
    },
    path: "actions.login-claims.source",
    text: "exports no onExecutePostLogin function",
  },
  {
    name: "top level throws",
    mutate: (t) => {
      t.actions["login-claims"].source = "actions/throws.ts";
    },
    path: "actions.login-claims.source",
    text: "the action's top level failed: boom at load",
  },
  {
    name: "unknown runtime",
    mutate: (t) => {
      t.actions["login-claims"].runtime = "node12";
    },
    path: "actions.login-claims.runtime",
    text: '"node12" is not allowed (allowed: node22, node18)',
  },
  {
    name: "unknown action in a trigger",
    mutate: (t) => {
      t.triggers["post-login"] = ["login-claim"];
    },
    path: "triggers.post-login[0]",
    text: 'action "login-claim" is not declared (did you mean "login-claims"?',
  },
  {
    name: "action bound to the wrong trigger",
    mutate: (t) => {
      t.triggers["post-login"] = ["login-claims", "client-claims"];
    },
    path: "triggers.post-login[1]",
    text: "is written for credentials-exchange (its handler is onExecuteCredentialsExchange); bind it under triggers.credentials-exchange",
  },
  {
    name: "bound twice",
    mutate: (t) => {
      t.triggers["post-login"] = ["login-claims", "login-claims"];
    },
    path: "triggers.post-login[1]",
    text: "is bound twice",
  },
  {
    name: "more than 20 bindings",
    mutate: (t) => {
      t.triggers["post-login"] = Array.from({ length: 21 }, () => "login-claims");
    },
    path: "triggers.post-login",
    text: "at most 20 actions per trigger",
  },
  {
    name: "unknown trigger in triggers",
    mutate: (t) => {
      t.triggers["post-logn"] = ["login-claims"];
    },
    path: "triggers.post-logn",
    text: 'did you mean "post-login"?',
  },
  {
    name: "mapping from an event part the trigger lacks",
    mutate: (t) => {
      t.actions["client-claims"].claims[0].from = "user.app_metadata.tier";
    },
    path: "actions.client-claims.claims[0].from",
    text: "event.user does not exist on credentials-exchange",
  },
  {
    name: "the same claim twice in one action",
    mutate: (t) => {
      t.actions["client-claims"].claims.push({ name: "https://acme.example/tenant_id", value: "x" });
    },
    path: "actions.client-claims.claims[1].name",
    text: "is already mapped for the access token at claims[0]",
  },
  {
    name: "claim with both from and value",
    mutate: (t) => {
      t.actions["client-claims"].claims[0].value = "x";
    },
    path: "actions.client-claims.claims[0]",
    text: "give exactly one of from (a path into the event) or value (a constant)",
  },
  {
    name: "secret from a missing config key",
    mutate: (t) => {
      t.actions["client-claims"].secrets = { API_KEY: { config: "billingApiKey" } };
    },
    path: "actions.client-claims.secrets.API_KEY.config",
    text: 'config key "billingApiKey" is not set',
  },
  {
    name: "invalid secret name",
    mutate: (t) => {
      t.actions["client-claims"].secrets = { "api-key": { config: "x" } };
    },
    path: "actions.client-claims.secrets.api-key",
    text: "invalid secret name",
  },
];

describe("bad action config: path + reason, and nothing declared", () => {
  it.each(cases)("$name", async ({ mutate, path, text }) => {
    const t = tenantWithActions();
    mutate(t);
    const r = await run(t);
    expect(r.error).toBeInstanceOf(SpecError);
    const issue = (r.error as SpecError).issues.find((i) => i.path === path);
    expect(issue, JSON.stringify((r.error as SpecError).issues)).toBeDefined();
    expect(issue!.message).toContain(text);
    expect(r.registered).toEqual([]);
  });

  it("a secret kept in plain config is refused (it would sit unencrypted in Pulumi.<stack>.yaml)", async () => {
    const t = tenantWithActions();
    t.actions["client-claims"].secrets = { API_KEY: { config: "billingApiKey" } };
    const r = await run(t, { "auth0-tenant:billingApiKey": "plain-value" });
    expect((r.error as SpecError).issues).toContainEqual({
      path: "actions.client-claims.secrets.API_KEY.config",
      message: expect.stringContaining("is stored in plain text"),
    });
    expect(r.registered).toEqual([]);
  });
});

describe("actions and bindings under mocks", () => {
  it("declares one Action per action (deployed, with trigger version) and one TriggerActions per trigger, in order", async () => {
    const t = tenantWithActions();
    t.actions.audit = {
      trigger: "post-login",
      source: "actions/login-claims.ts",
      claims: [{ name: "https://acme.example/audited", value: true, tokens: ["id"] }],
    };
    t.triggers["post-login"] = ["audit", "login-claims"];
    const r = await run(t);
    expect(r.error).toBeUndefined();
    const reg = customResources(r.registered);
    const action = reg.find((x) => x.type === RESOURCE_TYPES.Action && x.name === "login-claims")!;
    expect(action.inputs).toMatchObject({
      name: "login-claims",
      runtime: "node22",
      deploy: true,
      supportedTriggers: { id: "post-login", version: "v3" },
    });
    expect(action.inputs.code).toContain("onExecutePostLogin");
    const ce = reg.find((x) => x.type === RESOURCE_TYPES.Action && x.name === "client-claims")!;
    expect(ce.inputs.supportedTriggers).toEqual({ id: "credentials-exchange", version: "v2" });
    const binding = reg.find((x) => x.type === RESOURCE_TYPES.TriggerActions && x.name === "post-login")!;
    expect(binding.inputs).toEqual({
      trigger: "post-login",
      actions: [
        { id: "audit-id", displayName: "audit" },
        { id: "login-claims-id", displayName: "login-claims" },
      ],
    });
  });

  it("removing an action updates the binding list and declares no dependency that would delete the action first", async () => {
    const before = customResources((await run(tenantWithActions())).registered);
    const t = tenantWithActions();
    delete t.actions["login-claims"];
    t.triggers["post-login"] = [];
    const after = customResources((await run(t)).registered);
    // The action is gone from the program while its trigger's binding list stays declared, now empty: Pulumi applies
    // that update while the program runs and deletes what the program no longer declares only after it ends, so
    // the unbinding always comes first.
    const binding = after.find((x) => x.type === RESOURCE_TYPES.TriggerActions && x.name === "post-login")!;
    expect(binding.inputs).toEqual({ trigger: "post-login", actions: [] });
    expect(after.some((x) => x.name === "login-claims")).toBe(false);
    // The other trigger is untouched.
    const ceBefore = before.find((x) => x.type === RESOURCE_TYPES.TriggerActions && x.name === "credentials-exchange");
    const ceAfter = after.find((x) => x.type === RESOURCE_TYPES.TriggerActions && x.name === "credentials-exchange");
    expect(ceAfter).toEqual(ceBefore);
  });

  it("the binding depends on every bound action (the plan's dependsOn matches the component's)", async () => {
    const r = await planFromConfig(
      { project: "auth0-tenant", stack: "dev", tenant: tenantWithActions(), values: {} },
      directoryReader(project.root),
      NOW,
    );
    if (!r.ok) throw new Error("plan failed");
    const binding = r.plan.desired.resources.find((x) => x.type === RESOURCE_TYPES.TriggerActions && x.name === "post-login")!;
    expect(binding.dependsOn).toEqual([{ type: RESOURCE_TYPES.Action, name: "login-claims" }]);
    const action = r.plan.desired.resources.find((x) => x.type === RESOURCE_TYPES.Action)!;
    expect(action.dependsOn).toEqual([]);
  });

  it("action secrets reach Auth0 from secret config but never appear in the plan", async () => {
    const CANARY = "canary-7f3a9c-do-not-print";
    const t = tenantWithActions();
    t.actions["with-secret"] = {
      trigger: "credentials-exchange",
      source: "actions/with-secret.ts",
      secrets: { API_KEY: { config: "billingApiKey" } },
    };
    t.triggers["credentials-exchange"] = ["client-claims", "with-secret"];
    const r = await run(t, { "auth0-tenant:billingApiKey": CANARY }, ["auth0-tenant:billingApiKey"]);
    expect(r.error).toBeUndefined();
    const action = customResources(r.registered).find((x) => x.name === "with-secret")!;
    // The whole list reaches the engine marked secret (encrypted in state).
    expect(action.inputs.secrets).toEqual({ [specialSigKey]: specialSecretSig, value: [{ name: "API_KEY", value: CANARY }] });

    const planned = await planFromConfig(
      { project: "auth0-tenant", stack: "dev", tenant: t, values: { "auth0-tenant:billingApiKey": { secure: "v1:AAAA" } } },
      directoryReader(project.root),
      NOW,
    );
    if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
    const printed = JSON.stringify(printableResources(planned.plan));
    expect(printed).toContain('"value":"[secret]"');
    expect(printed).not.toContain(CANARY);
    // And the plan still equals the program once the secret is filled in.
    const desired = planned.plan.desired.resources.find((x) => x.name === "with-secret")!;
    expect(
      resolveRefs(
        desired.inputs,
        (ref) => mockValueOf(ref, {}),
        () => CANARY,
      ),
    ).toEqual({ ...action.inputs, secrets: action.inputs.secrets.value });
  });
});
