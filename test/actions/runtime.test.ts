import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleAction } from "../../src/actions/bundle";
import { completeEvent as eventFor } from "../../src/actions/events";
import { credentialsExchangeEvent, postLoginEvent } from "../../src/actions/events";
import { runAction, runTrigger } from "../../src/actions/runtime";
import { directoryReader } from "../../src/config/files";
import type { Bundle } from "../../src/actions/bundle";
import { buildActions } from "../../src/actions/build";
import { validateTenant } from "../../src/tenant/load";
import { type TenantSpec } from "../../src/kinds/specs";
import { tempProject, tenantWithActions } from "../support/temp-project";

let project: ReturnType<typeof tempProject>;
let bundles: Record<string, Bundle>;

const custom = (body: string) => `export const onExecuteCredentialsExchange = async (event: any, api: any) => {\n${body}\n};\n`;

beforeAll(async () => {
  project = tempProject({
    "actions/net.ts": `import * as https from "node:https";\n${custom("api.accessToken.setCustomClaim('https://a.example/x', typeof https);")}`,
    "actions/fetch.ts": custom("await fetch('http://127.0.0.1:9/');"),
    "actions/slow.ts": custom("await new Promise((r) => setTimeout(r, 5_000));"),
    "actions/busy.ts": custom("while (true) {}"),
    "actions/noted.ts": custom("api.accessToken.addScope('orders:read');"),
    "actions/logs.ts": custom(
      "console.log('hello', { tier: event.client.metadata.tier }); api.accessToken.setCustomClaim('https://a.example/secret-len', event.secrets.API_KEY.length);",
    ),
    "actions/huge.ts": custom("api.accessToken.setCustomClaim('https://a.example/blob', 'x'.repeat(110 * 1024));"),
    "actions/reserved.ts": custom("api.accessToken.setCustomClaim('gty', 'x'); api.accessToken.setCustomClaim('https://a.example/ok', 1);"),
  });
  const r = await validateTenant(tenantWithActions(), { stack: "dev", now: new Date(), readFile: directoryReader(project.root) });
  if (!r.spec) throw new Error(JSON.stringify(r.errors));
  bundles = await bundlesOf(r.spec);
});
afterAll(() => project.cleanup());

const bundlesOf = async (spec: TenantSpec) =>
  (await buildActions(spec, { readFile: directoryReader(project.root), packagesDir: project.root })).bundles;

const bundled = async (source: string) =>
  (await bundleAction({ source, readFile: directoryReader(project.root), runtime: "node22", config: { claims: [] } })).code;

describe("the example actions, run from their bundles", () => {
  it("login-claims adds the connection to ID and access token and app_metadata fields to the ID token", async () => {
    const event = postLoginEvent({
      user: { user_id: "auth0|1", app_metadata: { plan: "enterprise" } },
      connection: { name: "google-oauth2", strategy: "google-oauth2" },
      client: { client_id: "c1", name: "Portal" },
    });
    const r = await runAction(bundles["login-claims"]!.code, "post-login", event);
    expect(r.idTokenClaims).toEqual({ "https://acme.example/connection": "google-oauth2", "https://acme.example/plan": "enterprise" });
    expect(r.accessTokenClaims).toEqual({ "https://acme.example/connection": "google-oauth2" });
    expect(r.dropped).toEqual([]);
  });

  it("login-claims leaves out a field the user does not have", async () => {
    const event = postLoginEvent({
      user: { user_id: "auth0|2" },
      connection: { name: "Username-Password-Authentication" },
      client: { client_id: "c1", name: "Portal" },
    });
    const r = await runAction(bundles["login-claims"]!.code, "post-login", event);
    expect(r.idTokenClaims).toEqual({ "https://acme.example/connection": "Username-Password-Authentication" });
  });

  it("client-claims adds the client's metadata as claims on M2M tokens", async () => {
    const event = credentialsExchangeEvent({
      client: { client_id: "b", name: "Billing", metadata: { tenant_id: "acme" } },
      resourceServer: { identifier: "https://orders.acme.example" },
    });
    const r = await runAction(bundles["client-claims"]!.code, "credentials-exchange", event);
    expect(r.accessTokenClaims).toEqual({ "https://acme.example/tenant_id": "acme" });
    expect(r.denied).toBeUndefined();
  });

  it("mappings read only the event's own fields, never the prototype", async () => {
    const t = tenantWithActions();
    t.actions["client-claims"].claims = [{ name: "https://acme.example/ctor", from: "client.metadata.constructor" }];
    const r0 = await validateTenant(t, { stack: "dev", now: new Date(), readFile: directoryReader(project.root) });
    const event = credentialsExchangeEvent({
      client: { client_id: "b", name: "B", metadata: {} },
      resourceServer: { identifier: "https://x" },
    });
    const r = await runAction((await bundlesOf(r0.spec!))["client-claims"]!.code, "credentials-exchange", event);
    expect(r.accessTokenClaims).toEqual({});
  });

  it("calls the local runtime does not carry out are noted in the logs", async () => {
    const code = await bundled("actions/noted.ts");
    const r = await runAction(
      code,
      "credentials-exchange",
      credentialsExchangeEvent({ client: { client_id: "c", name: "C" }, resourceServer: { identifier: "https://x" } }),
    );
    expect(r.logs).toEqual(['[local runtime] api.accessToken.addScope("orders:read") is not simulated']);
  });

  it("client-claims denies a disabled client with the declared code and reason", async () => {
    const event = eventFor("credentials-exchange", {
      client: { client_id: "x", name: "Old", metadata: { disabled: "true", tenant_id: "acme" } },
    });
    const r = await runAction(bundles["client-claims"]!.code, "credentials-exchange", event);
    expect(r.denied).toEqual({ code: "access_denied", reason: "disabled" });
    expect(r.accessTokenClaims).toEqual({});
  });

  it("a changed mapping changes the bundle (and its hash); the same sources give the same bytes", async () => {
    const again = await validateTenant(tenantWithActions(), { stack: "dev", now: new Date(), readFile: directoryReader(project.root) });
    expect((await bundlesOf(again.spec!))["login-claims"]).toEqual(bundles["login-claims"]!);
    const changed = tenantWithActions();
    changed.actions["login-claims"].claims[1].from = "user.app_metadata.tier";
    const other = await validateTenant(changed, { stack: "dev", now: new Date(), readFile: directoryReader(project.root) });
    expect((await bundlesOf(other.spec!))["login-claims"]!.sha256).not.toBe(bundles["login-claims"]!.sha256);
  });

  it("bundles are single CommonJS files with only Node built-ins left as require()", () => {
    const code = bundles["login-claims"]!.code;
    expect(code).toContain("module.exports");
    expect([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual([]);
  });
});

describe("the local runtime's isolation and Auth0 rules", () => {
  const ce = () =>
    credentialsExchangeEvent({
      client: { client_id: "c", name: "C", metadata: { tier: "gold" } },
      resourceServer: { identifier: "https://orders.acme.example" },
    });

  it("refuses network modules unless allowed", async () => {
    const code = await bundled("actions/net.ts");
    await expect(runAction(code, "credentials-exchange", ce())).rejects.toThrow(/network access is blocked/);
    const allowed = await runAction(code, "credentials-exchange", ce(), { allowNetwork: true });
    expect(allowed.accessTokenClaims).toEqual({ "https://a.example/x": "object" });
  });

  it("has no fetch unless network is allowed", async () => {
    await expect(runAction(await bundled("actions/fetch.ts"), "credentials-exchange", ce())).rejects.toThrow(/fetch is not defined/);
  });

  it("stops an action at its time limit", async () => {
    await expect(runAction(await bundled("actions/slow.ts"), "credentials-exchange", ce(), { timeoutMs: 50 })).rejects.toThrow(
      "did not finish within 50 ms",
    );
  });

  it("stops a synchronous busy loop too (vm's timeout), and the runtime stays usable", async () => {
    await expect(runAction(await bundled("actions/busy.ts"), "credentials-exchange", ce(), { timeoutMs: 50 })).rejects.toThrow(
      "did not finish within 50 ms",
    );
    const ok = await runAction(bundles["client-claims"]!.code, "credentials-exchange", ce());
    expect(ok.denied).toBeUndefined();
  });

  it("captures console output and passes secrets as event.secrets", async () => {
    const r = await runAction(await bundled("actions/logs.ts"), "credentials-exchange", ce(), { secrets: { API_KEY: "abcd" } });
    expect(r.logs).toEqual(['hello {"tier":"gold"}']);
    expect(r.accessTokenClaims).toEqual({ "https://a.example/secret-len": 4 });
  });

  it("reports reserved claims set at run time as dropped, keeping the rest", async () => {
    const r = await runAction(await bundled("actions/reserved.ts"), "credentials-exchange", ce());
    expect(r.accessTokenClaims).toEqual({ "https://a.example/ok": 1 });
    expect(r.dropped).toEqual([expect.objectContaining({ claim: "gty", token: "access" })]);
  });

  it("drops custom claims above 100 KB per token", async () => {
    const r = await runAction(await bundled("actions/huge.ts"), "credentials-exchange", ce());
    expect(r.accessTokenClaims).toEqual({});
    expect(r.dropped[0]!.reason).toMatch(/custom claims total \d+ bytes \(at most 102400\)/);
  });

  it("runs a trigger's actions in order and stops at the first deny", async () => {
    const deny = bundles["client-claims"]!.code;
    const logs = await bundled("actions/logs.ts");
    const event = eventFor("credentials-exchange", { client: { metadata: { disabled: "true", tier: "x" } } });
    const r = await runTrigger(
      [
        { key: "deny", code: deny },
        { key: "logs", code: logs, secrets: { API_KEY: "k" } },
      ],
      "credentials-exchange",
      event,
    );
    expect(r.denied).toEqual({ code: "access_denied", reason: "disabled" });
    expect(r.logs).toEqual([]);
    const ok = await runTrigger(
      [
        { key: "logs", code: logs, secrets: { API_KEY: "k" } },
        { key: "claims", code: deny },
      ],
      "credentials-exchange",
      eventFor("credentials-exchange", { client: { metadata: { tenant_id: "t", tier: "x" } } }),
    );
    expect(ok.accessTokenClaims).toEqual({ "https://a.example/secret-len": 1, "https://acme.example/tenant_id": "t" });
  });
});
