import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../support/cli";

const root = path.resolve(__dirname, "../..");
const login = ["login", "--app", "web-portal", "--user", "actions/events/user-ada.json", "--connection", "google-oauth2"];
const action = ["action", "login-claims", "--event", "actions/events/login-google.json"];

describe("action and login: claims as a table on a terminal, JSON with --json (or in a pipe)", () => {
  it.each([
    ["action", action],
    ["login", login],
  ])("%s", async (_, args) => {
    const tty = await cli(args, { cwd: root, tty: true, columns: 80, env: { NO_COLOR: "1" } });
    expect(tty.code, tty.stderr).toBe(0);
    expect(() => JSON.parse(tty.stdout)).toThrow();
    expect(tty.stdout).toMatch(/^token +claim +value$/m);
    expect(tty.stdout).toMatch(/^id +https:\/\/acme\.example\/connection +"google-oauth2"$/m);
    expect(tty.stdout.split("\n").every((l) => l.length <= 80)).toBe(true);
    const asJson = await cli([...args, "--json"], { cwd: root, tty: true });
    const piped = JSON.parse((await cli(args, { cwd: root })).stdout);
    expect(Object.keys(JSON.parse(asJson.stdout))).toEqual(Object.keys(piped));
  });

  it("a deny is said above the table, and exits 3", async () => {
    const r = await cli(["action", "client-claims", "--event", "actions/events/m2m-disabled.json"], {
      cwd: root,
      tty: true,
      env: { NO_COLOR: "1" },
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^denied: /m);
  });
});
