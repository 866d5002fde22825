import * as path from "node:path";
import type { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import {
  atMostTwoCredentials,
  claimNamesKept,
  m2mUsesPrivateKeyJwt,
  noClientSecrets,
  POLICIES,
  productionProtected,
} from "../policy/policies";
import { bundleAction } from "../src/actions/bundle";
import { directoryReader } from "../src/config/files";
import { RESOURCE_TYPES } from "../src/model";

const root = path.resolve(__dirname, "../test/fixtures/acme"); // the acme example, not the user's own stacks

function resource(
  type: string,
  props: Record<string, unknown>,
  opts: { stack?: string; protect?: boolean; name?: string } = {},
): ResourceValidationArgs {
  const name = opts.name ?? "r";
  return {
    type,
    props,
    name,
    urn: `urn:pulumi:${opts.stack ?? "dev"}::auth0-tenant::${type}::${name}`,
    opts: { protect: opts.protect ?? false },
  } as unknown as ResourceValidationArgs;
}

function violations(policy: { validateResource?: unknown }, args: ResourceValidationArgs): string[] {
  const found: string[] = [];
  (policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void)(args, (m) => found.push(m));
  return found;
}

const pkjwt = (n: number) => ({
  authenticationMethod: "private_key_jwt",
  privateKeyJwt: { credentials: Array.from({ length: n }, (_, i) => ({ name: `k${i}`, credentialType: "public_key", pem: "-" })) },
});

describe("policy pack", () => {
  it("has unique names and is mandatory", () => {
    expect(new Set(POLICIES.map((p) => p.name)).size).toBe(POLICIES.length);
    expect(POLICIES.every((p) => p.enforcementLevel === "mandatory")).toBe(true);
  });

  it("no-client-secrets: refuses client secret methods and secrets", () => {
    expect(violations(noClientSecrets, resource(RESOURCE_TYPES.ClientCredentials, pkjwt(1)))).toEqual([]);
    expect(
      violations(noClientSecrets, resource(RESOURCE_TYPES.ClientCredentials, { authenticationMethod: "client_secret_post" }))[0],
    ).toContain('authenticationMethod is "client_secret_post"');
    expect(violations(noClientSecrets, resource(RESOURCE_TYPES.ClientCredentials, { ...pkjwt(1), clientSecret: "x" }))).toEqual([
      "a client secret is set: remove it, keys live in keys/ as public keys",
    ]);
    expect(violations(noClientSecrets, resource(RESOURCE_TYPES.Client, { appType: "non_interactive" }))).toEqual([]);
  });

  it("at-most-two-credentials", () => {
    expect(violations(atMostTwoCredentials, resource(RESOURCE_TYPES.ClientCredentials, pkjwt(2)))).toEqual([]);
    expect(violations(atMostTwoCredentials, resource(RESOURCE_TYPES.ClientCredentials, pkjwt(3)))).toEqual([
      "3 credentials: at most 2; retire one before adding another",
    ]);
  });

  it("production-protected: only prod* stacks, only Auth0 resources", () => {
    expect(
      violations(productionProtected, resource(RESOURCE_TYPES.Client, {}, { stack: "prod", protect: false, name: "billing" })),
    ).toEqual(["billing is not protected in production stack prod (the spec's protect flag must stay on)"]);
    expect(violations(productionProtected, resource(RESOURCE_TYPES.Client, {}, { stack: "prod-eu", protect: true }))).toEqual([]);
    expect(violations(productionProtected, resource(RESOURCE_TYPES.Client, {}, { stack: "dev", protect: false }))).toEqual([]);
    expect(violations(productionProtected, resource("auth0-tenant:index:Tenant", {}, { stack: "prod", protect: false }))).toEqual([]);
  });

  it("claim-names-kept: reads the declared claims of a bundle, and literal setCustomClaim calls", async () => {
    const good = await bundleAction({
      source: "actions/login-claims.ts",
      readFile: directoryReader(root),
      runtime: "node22",
      config: { claims: [{ name: "https://acme.example/plan", from: "user.app_metadata.plan", tokens: ["id"] }] },
    });
    expect(violations(claimNamesKept, resource(RESOURCE_TYPES.Action, { code: good.code }))).toEqual([]);
    const bad = await bundleAction({
      source: "actions/login-claims.ts",
      readFile: directoryReader(root),
      runtime: "node22",
      config: { claims: [{ name: "roles", from: "user.app_metadata.roles", tokens: ["id"] }] },
    });
    expect(violations(claimNamesKept, resource(RESOURCE_TYPES.Action, { code: bad.code }))[0]).toContain(
      'claim roles on the id token: "roles" is a claim Auth0 reserves',
    );
    const handWritten =
      "exports.onExecutePostLogin = async (e, api) => { api.accessToken.setCustomClaim('https://acme.eu.auth0.com/tier', 1); };";
    expect(violations(claimNamesKept, resource(RESOURCE_TYPES.Action, { code: handWritten }))[0]).toContain(
      "acme.eu.auth0.com is an Auth0-owned domain",
    );
  });

  it("m2m-uses-private-key-jwt: every non_interactive client needs its own private_key_jwt credentials", () => {
    const client = (name: string) =>
      ({ type: RESOURCE_TYPES.Client, name, urn: `urn:${name}`, props: { appType: "non_interactive" } }) as unknown as PolicyResource;
    const web = {
      type: RESOURCE_TYPES.Client,
      name: "web",
      urn: "urn:web",
      props: { appType: "regular_web" },
    } as unknown as PolicyResource;
    const billing = client("billing");
    const orphan = client("orphan");
    const creds = {
      type: RESOURCE_TYPES.ClientCredentials,
      name: "billing",
      urn: "urn:creds",
      props: pkjwt(1),
      propertyDependencies: { clientId: [billing] },
    } as unknown as PolicyResource;
    const found: string[] = [];
    m2mUsesPrivateKeyJwt.validateStack({ resources: [billing, orphan, web, creds] } as unknown as StackValidationArgs, (m) =>
      found.push(m),
    );
    expect(found).toEqual([
      "M2M client orphan has no private_key_jwt credentials: declare it under applications with type m2m and credentials",
    ]);
  });
});
