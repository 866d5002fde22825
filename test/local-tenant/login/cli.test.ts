import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "../../support/cli";
import { acmeRoot, projectRoot } from "../../support/temp-project";
import { loadUsers } from "../../../src/local-tenant/login/users";

const dir = mkdtempSync(path.join(tmpdir(), "login-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tenant local --users", () => {
  it("a bad users file stops the start with the file and path of each problem (exit 1), before anything listens", async () => {
    const file = path.join(dir, "users.yaml");
    writeFileSync(file, "users:\n  ada:\n    email: nope\n    pasword: x\n");
    const r = await cli(["tenant", "local", "--http", "--port", "0", "--users", file], { cwd: acmeRoot });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}: users.ada.email: must be an email address`);
    expect(r.stderr).toContain(`${file}: users.ada.pasword: unknown field "pasword" (did you mean "password"?`);
    expect(r.stdout).toBe("");
  });

  it("the acme example's local/users.yaml is valid", () => {
    expect(loadUsers(path.join(acmeRoot, "local/users.yaml")).map((u) => u.user_id)).toEqual(["auth0|ada", "google-oauth2|grace"]);
  });
});
