import { describe, expect, it } from "vitest";
import { ACTION_LIMITS } from "../../src/spec/triggers";
import { directoryReader } from "../../src/config/files";
import { TOKEN_LIFETIME, type SpecContext } from "../../src/spec";
import { validateTenant } from "../../src/tenant/load";
import { acmeRoot, tenantWithActions } from "../support/temp-project";

/**
 * Every length, count and range limit of the tenant spec at limit −1, the limit and +1, and the name rules in upper and
 * mixed case. Each row edits a valid tenant; `error` is the path and the words of the one error it must cause, or
 * absent when the tenant stays valid.
 */
const NOW = new Date("2026-11-22T12:00:00Z");
type Tenant = Record<string, any>;
type Row = { name: string; edit: (t: Tenant) => void; error?: [path: string, text: string] };

async function validate(edit: (t: Tenant) => void, ctx: Partial<SpecContext> = {}) {
  const t = tenantWithActions();
  edit(t);
  return validateTenant(t, { stack: "dev", now: NOW, readFile: directoryReader(acmeRoot), project: "auth0-tenant", ...ctx });
}

function expectOutcome(r: Awaited<ReturnType<typeof validate>>, error: Row["error"]) {
  if (!error) {
    expect(r.errors).toEqual([]);
    expect(r.spec).toBeDefined();
    return;
  }
  expect(r.spec).toBeUndefined();
  expect([...new Set(r.errors.map((e) => e.path))]).toEqual([error[0]]);
  expect(r.errors.map((e) => e.message)).toContainEqual(expect.stringContaining(error[1]));
}

const chars = (n: number, c = "a") => c.repeat(n);
const api = (t: Tenant) => t.apis["orders-api"];
const billing = (t: Tenant) => t.applications.billing;

const rows: Row[] = [
  // resource keys: ^[a-z][a-z0-9-]{0,62}$
  ...[62, 63].map((n): Row => ({
    name: `an application key of ${n} characters`,
    edit: (t) => void (t.applications[`p${chars(n - 1)}`] = t.applications.portal),
  })),
  {
    name: "an application key of 64 characters",
    edit: (t) => void (t.applications[`p${chars(63)}`] = t.applications.portal),
    error: [`applications.p${chars(63)}`, "invalid key"],
  },
  {
    name: "an application key in upper case",
    edit: (t) => void (t.applications.PORTAL = t.applications.portal),
    error: ["applications.PORTAL", "invalid key"],
  },
  {
    name: "an application key in mixed case",
    edit: (t) => void (t.applications.Portal = t.applications.portal),
    error: ["applications.Portal", "invalid key"],
  },
  {
    name: "an API key in mixed case",
    edit: (t) => void (t.apis["Orders-api"] = { identifier: "https://x.test" }),
    error: ["apis.Orders-api", "invalid key"],
  },
  {
    name: "an action key in upper case",
    edit: (t) => void (t.actions.LOGIN = t.actions["login-claims"]),
    error: ["actions.LOGIN", "invalid key"],
  },
  // display names: 1 to 128 characters after trimming
  ...[127, 128].map((n): Row => ({ name: `an application name of ${n} characters`, edit: (t) => void (billing(t).name = chars(n)) })),
  {
    name: "an application name of 129 characters",
    edit: (t) => void (billing(t).name = chars(129)),
    error: ["applications.billing.name", "at most 128 characters"],
  },
  {
    name: "an application name of spaces",
    edit: (t) => void (billing(t).name = "   "),
    error: ["applications.billing.name", "must not be empty"],
  },
  { name: "an API name of 128 characters", edit: (t) => void (api(t).name = chars(128)) },
  {
    name: "an API name of 129 characters",
    edit: (t) => void (api(t).name = chars(129)),
    error: ["apis.orders-api.name", "at most 128 characters"],
  },
  // descriptions: at most 140
  { name: "a description of 140 characters", edit: (t) => void (billing(t).description = chars(140)) },
  {
    name: "a description of 141 characters",
    edit: (t) => void (billing(t).description = chars(141)),
    error: ["applications.billing.description", "at most 140 characters"],
  },
  // identifiers: 1 to 600, no white space
  { name: "an identifier of 600 characters", edit: (t) => void (api(t).identifier = `https://${chars(592)}`) },
  {
    name: "an identifier of 601 characters",
    edit: (t) => void (api(t).identifier = `https://${chars(593)}`),
    error: ["apis.orders-api.identifier", "at most 600 characters"],
  },
  { name: "an empty identifier", edit: (t) => void (api(t).identifier = ""), error: ["apis.orders-api.identifier", "must not be empty"] },
  // scopes: names 1 to 280 printable characters, descriptions at most 500
  { name: "a scope name of 280 characters", edit: (t) => void (api(t).scopes[chars(280, "s")] = "x") },
  {
    name: "a scope name of 281 characters",
    edit: (t) => void (api(t).scopes[chars(281, "s")] = "x"),
    error: [`apis.orders-api.scopes.${chars(100, "s")}… (281 characters)`, "invalid scope name"],
  },
  { name: "a scope description of 500 characters", edit: (t) => void (api(t).scopes["orders:read"] = chars(500)) },
  {
    name: "a scope description of 501 characters",
    edit: (t) => void (api(t).scopes["orders:read"] = chars(501)),
    error: ["apis.orders-api.scopes.orders:read", "at most 500 characters"],
  },
  // token lifetimes: 60 s to 30 days; for the web at most the token lifetime
  ...[TOKEN_LIFETIME.min, TOKEN_LIFETIME.min + 1, TOKEN_LIFETIME.max - 1, TOKEN_LIFETIME.max].map((s): Row => ({
    name: `a token lifetime of ${s} s`,
    edit: (t) => void (api(t).tokenLifetime = s),
  })),
  {
    name: "a token lifetime of 59 s",
    edit: (t) => void (api(t).tokenLifetime = 59),
    error: ["apis.orders-api.tokenLifetime", "at least 60 seconds"],
  },
  {
    name: "a token lifetime of 30 days + 1 s",
    edit: (t) => void (api(t).tokenLifetime = 2_592_001),
    error: ["apis.orders-api.tokenLifetime", "at most 2592000 seconds"],
  },
  {
    name: "a token lifetime of 60.5 s",
    edit: (t) => void (api(t).tokenLifetime = 60.5),
    error: ["apis.orders-api.tokenLifetime", "whole number of seconds"],
  },
  {
    name: "a web token lifetime equal to the token lifetime",
    edit: (t) => Object.assign(api(t), { tokenLifetime: 3600, tokenLifetimeForWeb: 3600 }),
  },
  {
    name: "a web token lifetime 1 s over the token lifetime",
    edit: (t) => Object.assign(api(t), { tokenLifetime: 3600, tokenLifetimeForWeb: 3601 }),
    error: ["apis.orders-api.tokenLifetimeForWeb", "3601 is greater than tokenLifetime 3600 (allowed: at most tokenLifetime)"],
  },
  // metadata: at most 10 keys of 1 to 255 characters, values of at most 255
  ...[9, 10].map((n): Row => ({
    name: `${n} metadata keys`,
    edit: (t) => void (billing(t).metadata = Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]))),
  })),
  {
    name: "11 metadata keys",
    edit: (t) => void (billing(t).metadata = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"]))),
    error: ["applications.billing.metadata", "at most 10 metadata keys"],
  },
  { name: "a metadata key of 255 characters", edit: (t) => void (billing(t).metadata = { [chars(255)]: "v" }) },
  {
    name: "a metadata key of 256 characters",
    edit: (t) => void (billing(t).metadata = { [chars(256)]: "v" }),
    error: [`applications.billing.metadata.${chars(100)}… (256 characters)`, "invalid metadata key"],
  },
  { name: "a metadata value of 255 characters", edit: (t) => void (billing(t).metadata = { tier: chars(255) }) },
  {
    name: "a metadata value of 256 characters",
    edit: (t) => void (billing(t).metadata = { tier: chars(256) }),
    error: ["applications.billing.metadata.tier", "at most 255 characters"],
  },
  // credential names: 1 to 128 letters, digits, '.', '_', '-', starting with a letter or digit
  { name: "a credential name of 128 characters", edit: (t) => void (billing(t).credentials[0].name = chars(128, "B")) },
  {
    name: "a credential name of 129 characters",
    edit: (t) => void (billing(t).credentials[0].name = chars(129, "B")),
    error: ["applications.billing.credentials[0].name", "invalid credential name"],
  },
  {
    name: "a credential name starting with a dash",
    edit: (t) => void (billing(t).credentials[0].name = "-b"),
    error: ["applications.billing.credentials[0].name", "invalid credential name"],
  },
  // expiry warning window: 0 to 365 whole days
  ...[0, 1, 364, 365].map((n): Row => ({
    name: `an expiry warning window of ${n} days`,
    edit: (t) => void (t.credentialExpiryWarningDays = n),
  })),
  {
    name: "an expiry warning window of -1 days",
    edit: (t) => void (t.credentialExpiryWarningDays = -1),
    error: ["credentialExpiryWarningDays", "must be 0 or more days"],
  },
  {
    name: "an expiry warning window of 366 days",
    edit: (t) => void (t.credentialExpiryWarningDays = 366),
    error: ["credentialExpiryWarningDays", "at most 365 days"],
  },
  {
    name: "an expiry warning window of 1.5 days",
    edit: (t) => void (t.credentialExpiryWarningDays = 1.5),
    error: ["credentialExpiryWarningDays", "whole number of days"],
  },
  // claims, deny rules and secret names of actions
  {
    name: "a claim name of 256 characters",
    edit: (t) => void (t.actions["login-claims"].claims[0].name = `https://acme.example/${chars(235)}`),
  },
  {
    name: "a claim name of 257 characters",
    edit: (t) => void (t.actions["login-claims"].claims[0].name = `https://acme.example/${chars(236)}`),
    error: ["actions.login-claims.claims[0].name", "at most 256 characters"],
  },
  { name: "a deny reason of 500 characters", edit: (t) => void (t.actions["client-claims"].deny.reason = chars(500)) },
  {
    name: "a deny reason of 501 characters",
    edit: (t) => void (t.actions["client-claims"].deny.reason = chars(501)),
    error: ["actions.client-claims.deny.reason", "at most 500 characters"],
  },
  { name: "a deny code of 64 characters", edit: (t) => void (t.actions["client-claims"].deny.code = chars(64, "x")) },
  {
    name: "a deny code of 65 characters",
    edit: (t) => void (t.actions["client-claims"].deny.code = chars(65, "x")),
    error: ["actions.client-claims.deny.code", "OAuth error code"],
  },
  {
    name: "a deny code in upper case",
    edit: (t) => void (t.actions["client-claims"].deny.code = "ACCESS_DENIED"),
    error: ["actions.client-claims.deny.code", "OAuth error code"],
  },
  {
    name: "a secret name of 128 characters",
    edit: (t) => void (t.actions["client-claims"].secrets = { [chars(128, "S")]: { config: "k" } }),
  },
  {
    name: "a secret name of 129 characters",
    edit: (t) => void (t.actions["client-claims"].secrets = { [chars(129, "S")]: { config: "k" } }),
    error: [`actions.client-claims.secrets.${chars(100, "S")}… (129 characters)`, "invalid secret name"],
  },
];

describe("spec limits", () => {
  it.each(rows)("$name", async ({ edit, error }) => {
    expectOutcome(await validate(edit), error);
  });
});

describe("action limits", () => {
  it("are Auth0's", () => {
    expect(ACTION_LIMITS).toEqual({
      codeBytes: 100 * 1024,
      actionsPerTrigger: 20,
      actionsPerTenant: 100,
      secretsPerAction: 30,
      secretValueChars: 4096,
      customClaimsBytesPerToken: 100 * 1024,
      executionMs: 20_000,
    });
  });

  const actions = (n: number, trigger = "post-login") =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`a${i}`, { trigger, source: "actions/login-claims.ts" }]));

  it.each([
    { n: 19, error: undefined },
    { n: 20, error: undefined },
    { n: 21, error: ["triggers.post-login", "at most 20 actions per trigger"] as [string, string] },
  ])("$n actions bound to one trigger", async ({ n, error }) => {
    const r = await validate((t) => {
      t.actions = actions(n);
      t.triggers = { "post-login": Object.keys(t.actions) };
    });
    expectOutcome(r, error);
  });

  it.each([
    { n: 99, error: undefined },
    { n: 100, error: undefined },
    { n: 101, error: ["actions", "101 actions declared (at most 100 per tenant, an Auth0 limit)"] as [string, string] },
  ])("$n actions in the tenant", async ({ n, error }) => {
    const r = await validate((t) => {
      t.actions = actions(n);
      t.triggers = {};
    });
    expectOutcome(r, error);
    if (!error) expect(r.warnings.filter((w) => w.code === "not_bound")).toHaveLength(n);
  });

  const secrets = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`S${i}`, { config: `s${i}` }]));
  const config = (length: number) => () => ({ secret: true, length });

  it.each([
    { n: 29, error: undefined },
    { n: 30, error: undefined },
    { n: 31, error: ["actions.client-claims.secrets", "31 secrets (at most 30 per action, an Auth0 limit)"] as [string, string] },
  ])("$n secrets in one action", async ({ n, error }) => {
    expectOutcome(await validate((t) => void (t.actions["client-claims"].secrets = secrets(n)), { config: config(10) }), error);
  });

  it.each([
    { length: 4095, error: undefined },
    { length: 4096, error: undefined },
    {
      length: 4097,
      error: ["actions.client-claims.secrets.S0.config", "the secret's value has 4097 characters (at most 4096)"] as [string, string],
    },
  ])("a secret value of $length characters", async ({ length, error }) => {
    expectOutcome(await validate((t) => void (t.actions["client-claims"].secrets = secrets(1)), { config: config(length) }), error);
  });

  it("a secret whose length is unknown is not measured", async () => {
    expectOutcome(
      await validate((t) => void (t.actions["client-claims"].secrets = secrets(1)), { config: () => ({ secret: true }) }),
      undefined,
    );
  });

  it.each([
    { key: "auth0-tenant:apiKey", error: undefined },
    { key: "apiKey", error: undefined },
    { key: "AUTH0:clientAssertionPrivateKey", error: "another namespace (AUTH0)" },
    { key: "auth0:clientAssertionPrivateKey", error: "the Auth0 provider's own settings" },
    { key: "Auth0-Tenant:apiKey", error: "another namespace (Auth0-Tenant)" },
    { key: "pulumi:x", error: "Pulumi's own settings" },
  ])("secret config key $key: namespaces compared letter for letter", async ({ key, error }) => {
    const r = await validate((t) => void (t.actions["client-claims"].secrets = { S: { config: key } }), { config: config(10) });
    expectOutcome(r, error ? ["actions.client-claims.secrets.S.config", error] : undefined);
  });
});
