import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../support/cli";

const root = path.resolve(__dirname, "../../test/fixtures/acme"); // the acme example, not the user's own stacks
const run = (command: string, args: string[]) => cli([command, ...args], { cwd: root });

describe("npm run action / npm run login on the dev stack", () => {
  it("action: runs one bundled action on an event file and prints the token claims", async () => {
    const r = await run("action", ["login-claims", "--event", "actions/events/login-google.json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.idTokenClaims["https://acme.example/connection"]).toBe("google-oauth2");
    expect(out.accessTokenClaims["https://acme.example/roles"]).toEqual(["billing-admin"]);
  });

  it("action: a deny exits 3 and prints the reason", async () => {
    const r = await run("action", ["client-claims", "--event", "actions/events/m2m-disabled.json"]);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout).denied).toEqual({ code: "access_denied", reason: "This client is disabled in the tenant spec" });
  });

  it("action: an unknown action names the declared ones", async () => {
    const r = await run("action", ["nope", "--event", "actions/events/login-google.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: <action> nope: no such action (actions: login-claims, client-claims)");
    expect(r.stderr).toContain("(see `auth0-tenant action --help`)");
  });

  it("login: a sample login gets the connection name in its ID token (scenario 3)", async () => {
    const r = await run("login", ["--app", "web-portal", "--user", "actions/events/user-ada.json", "--connection", "google-oauth2"]);
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
    const r = await run("login", ["--app", "web-portal", "--user", "actions/events/login-google.json", "--connection", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs a "user_id" string');
  });

  it("login: an application users never log in to (machine-to-machine) is refused with the reason", async () => {
    const r = await run("login", ["--app", "billing", "--user", "actions/events/user-ada.json", "--connection", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--app billing is a machine-to-machine application: users never log in to it");
  });

  it("login: a misspelt app gets a did-you-mean", async () => {
    const r = await run("login", ["--app", "web-portl", "--user", "actions/events/user-ada.json", "--connection", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--app web-portl: no such application (did you mean "web-portal"?');
  });
});
