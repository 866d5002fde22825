import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const run = (script: string, args: string[]) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", script, ...args], { cwd: root }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe("npm run action / npm run login on the dev stack", () => {
  it("action: runs one bundled action on an event file and prints the token claims", async () => {
    const r = await run("cli/action.ts", ["login-claims", "--event", "actions/events/login-google.json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.idTokenClaims["https://acme.example/connection"]).toBe("google-oauth2");
    expect(out.accessTokenClaims["https://acme.example/roles"]).toEqual(["billing-admin"]);
  });

  it("action: a deny exits 3 and prints the reason", async () => {
    const r = await run("cli/action.ts", ["client-claims", "--event", "actions/events/m2m-disabled.json"]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).denied).toEqual({ code: "access_denied", reason: "This client is disabled in the tenant spec" });
  });

  it("action: an unknown action names the declared ones", async () => {
    const r = await run("cli/action.ts", ["nope", "--event", "actions/events/login-google.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('action "nope" is not declared in stack dev (declared: login-claims, client-claims)');
  });

  it("login: a sample login gets the connection name in its ID token (scenario 3)", async () => {
    const r = await run("cli/login.ts", ["--app", "web-portal", "--user", "actions/events/user-ada.json", "--connection", "google-oauth2"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.actions).toEqual(["login-claims"]);
    expect(out.idToken).toMatchObject({
      sub: "google-oauth2|104857",
      email: "ada@acme.example",
      "https://acme.example/connection": "google-oauth2",
      "https://acme.example/plan": "enterprise",
    });
    expect(out.accessToken).toBeNull();
  });

  it("login: bad input is named", async () => {
    const r = await run("cli/login.ts", ["--app", "web-portal", "--user", "actions/events/login-google.json", "--connection", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs a "user_id" string');
  });
});
