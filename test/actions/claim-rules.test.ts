import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimNameProblem } from "../../src/spec/claim-rules";
import { directoryReader } from "../../src/config/files";
import { validateTenant } from "../../src/tenant/load";
import { tempProject, tenantWithActions } from "../support/temp-project";

let project: ReturnType<typeof tempProject>;
beforeAll(() => {
  project = tempProject();
});
afterAll(() => project.cleanup());

const NOW = new Date("2026-11-22T12:00:00Z");

/** Claim names Auth0 would drop (or never honour), each with the reason the plan must give. */
const catalogue: { name: string; tokens?: ("id" | "access")[]; text: string }[] = [
  { name: "https://acme.eu.auth0.com/roles", text: "the namespace acme.eu.auth0.com is an Auth0-owned domain" },
  { name: "https://auth0.com/claims/tier", text: "the namespace auth0.com is an Auth0-owned domain" },
  { name: "http://x.webtask.io/tenant", text: "the namespace x.webtask.io is an Auth0-owned domain" },
  { name: "https://sandbox.webtask.run/tier", text: "the namespace sandbox.webtask.run is an Auth0-owned domain" },
  { name: "roles", text: '"roles" is a claim Auth0 reserves; a custom claim with this name is silently dropped' },
  { name: "sub", text: '"sub" is a claim Auth0 reserves' },
  { name: "permissions", text: '"permissions" is a claim Auth0 reserves' },
  { name: "org_id", text: '"org_id" is a claim Auth0 reserves' },
  { name: "groups", text: '"groups" is a claim Auth0 reserves' },
  { name: "gty", text: '"gty" is a claim Auth0 reserves' },
  { name: "jku", text: '"jku" is a JWT header parameter; actions can only customise the token payload' },
  { name: "x5u", text: '"x5u" is a JWT header parameter' },
  { name: "kid", text: '"kid" is a JWT header parameter' },
  { name: "x5c", text: '"x5c" is a JWT header parameter' },
  { name: "alg", text: '"alg" is a JWT header parameter' },
  { name: "email", tokens: ["id"], text: '"email" is a standard OIDC profile claim; Auth0 sets it on ID tokens' },
  { name: "name", tokens: ["id"], text: '"name" is a standard OIDC profile claim' },
  { name: "", text: "must not be empty" },
];

describe("claim rules at plan time: every name Auth0 would drop is refused with the reason", () => {
  it.each(catalogue)("$name", async ({ name, tokens, text }) => {
    const tenant = tenantWithActions();
    tenant.actions["login-claims"].claims = [{ name, from: "connection.name", tokens: tokens ?? ["id", "access"] }];
    const r = await validateTenant(tenant, { stack: "dev", now: NOW, readFile: directoryReader(project.root) });
    expect(r.spec).toBeUndefined();
    const issue = r.errors.find((e) => e.path === "actions.login-claims.claims[0].name");
    expect(issue, JSON.stringify(r.errors)).toBeDefined();
    expect(issue!.message).toContain(text);
  });

  it("the same claim set by two actions on one trigger is an error naming both", async () => {
    const tenant = tenantWithActions();
    tenant.actions.second = {
      trigger: "post-login",
      source: "actions/login-claims.ts",
      claims: [{ name: "https://acme.example/connection", from: "connection.strategy", tokens: ["id"] }],
    };
    tenant.triggers["post-login"] = ["login-claims", "second"];
    const r = await validateTenant(tenant, { stack: "dev", now: NOW, readFile: directoryReader(project.root) });
    expect(r.errors).toContainEqual({
      path: "actions.second.claims[0].name",
      code: "claim_conflict",
      message:
        'claim "https://acme.example/connection" is also set on the id token by action login-claims on post-login (one claim, one owner)',
    });
  });

  it("credentials-exchange cannot set ID token claims", async () => {
    const tenant = tenantWithActions();
    tenant.actions["client-claims"].claims[0].tokens = ["id"];
    const r = await validateTenant(tenant, { stack: "dev", now: NOW, readFile: directoryReader(project.root) });
    expect(r.errors).toContainEqual({
      path: "actions.client-claims.claims[0].tokens",
      code: "invalid_value",
      message: "credentials-exchange can only set access token claims (an M2M token exchange has no ID token)",
    });
  });

  it("warns that a non-namespaced post-login access-token claim is dropped for Auth0 APIs", async () => {
    const tenant = tenantWithActions();
    tenant.actions["login-claims"].claims.push({ name: "department", from: "user.app_metadata.department", tokens: ["access"] });
    const r = await validateTenant(tenant, { stack: "dev", now: NOW, readFile: directoryReader(project.root) });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.path)).toContain("actions.login-claims.claims[2].name");
  });
});

describe("claim rules themselves", () => {
  it("keep namespaced names on domains the tenant owns", () => {
    expect(claimNameProblem("https://acme.example/roles", "id")).toBeUndefined();
    expect(claimNameProblem("https://acme.example/roles", "access", "https://acme.eu.auth0.com/api/v2/")).toBeUndefined();
  });

  it("keep plain names on ID tokens and on access tokens for the tenant's own APIs, not for Auth0's", () => {
    expect(claimNameProblem("department", "id")).toBeUndefined();
    expect(claimNameProblem("department", "access", "https://orders.acme.example")).toBeUndefined();
    expect(claimNameProblem("department", "access", "https://acme.eu.auth0.com/api/v2/")).toContain("non-namespaced claims are dropped");
  });

  it("do not mistake a look-alike domain for Auth0's", () => {
    expect(claimNameProblem("https://notauth0.com/x", "id")).toBeUndefined();
    expect(claimNameProblem("https://auth0.com.acme.example/x", "id")).toBeUndefined();
  });
});
