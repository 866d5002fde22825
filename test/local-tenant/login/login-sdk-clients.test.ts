import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PORTAL_CALLBACK, startLoginTenant, type LoginFixture } from "./fixture";

const run = promisify(execFile);
let f: LoginFixture;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "login-sdk-"));
  f = await startLoginTenant({ protocol: "https", tlsDir: path.join(scratch, "tls") });
  writeFileSync(path.join(scratch, "portal.key"), f.portalKeyPem, { mode: 0o600 });
});
afterAll(async () => {
  await f?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe("a confidential web application logs a user in over HTTPS with the Node SDKs, authenticating with private_key_jwt", () => {
  it("openid-client and @auth0/auth0-auth-js each get the post-login claims, refresh, and log out to an allowed URL", async () => {
    const input = {
      domain: new URL(f.tenant.url).host,
      clientId: f.portalClientId,
      keyFile: path.join(scratch, "portal.key"),
      audience: "https://orders.login.test",
      redirectUri: PORTAL_CALLBACK,
      login: { username: "alice@acme.example", password: "correct horse battery staple" },
      logoutUrl: "https://portal.login.test/",
    };
    // NODE_EXTRA_CA_CERTS is read when a process starts: the SDKs run in a child started with it, as a web app would.
    const { stdout } = await run(process.execPath, [path.join(__dirname, "login-sdk-clients.mjs"), JSON.stringify(input)], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: f.tenant.tls!.caPath },
      timeout: 60_000,
    });
    const results = Object.fromEntries(
      stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
        .map((r) => [r.sdk, r]),
    );
    for (const sdk of ["openid-client", "@auth0/auth0-auth-js"]) {
      expect(results[sdk], sdk).toMatchObject({
        ok: true,
        refreshed: true,
        idToken: {
          sub: "auth0|alice",
          aud: f.portalClientId,
          "https://acme.example/roles": ["admin", "billing"],
          "https://acme.example/connection": "Username-Password-Authentication",
        },
      });
    }
    expect(results["openid-client"].userinfo).toMatchObject({ sub: "auth0|alice", email: "alice@acme.example" });
    expect(results["@auth0/auth0-auth-js"].logout).toEqual({ status: 302, location: "https://portal.login.test/" });
  });
});
