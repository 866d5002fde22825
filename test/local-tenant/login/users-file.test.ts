import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadUsers, parseUsers, UsersFileError } from "../../../src/local-tenant/login/users";

const dir = mkdtempSync(path.join(tmpdir(), "users-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const messages = (value: unknown) => {
  try {
    parseUsers(value, "local/users.yaml");
  } catch (e) {
    if (e instanceof UsersFileError) return e.message.split("\n");
    throw e;
  }
  return [];
};

describe("the test users file is validated like every other input, each error naming the file and the path", () => {
  it("accepts database and social users, deriving Auth0's user ids", () => {
    const users = parseUsers(
      { users: { alice: { email: "a@x.example", password: "pw" }, bob: { email: "b@x.example", connection: "github" } } },
      "f.yaml",
    );
    expect(users.map((u) => [u.user_id, u.strategy])).toEqual([
      ["auth0|alice", "auth0"],
      ["github|bob", "github"],
    ]);
  });

  it.each([
    [{ users: { a: { email: "not-an-email", password: "p" } } }, "local/users.yaml: users.a.email: must be an email address"],
    [
      { users: { a: { email: "a@x.example" } } },
      "local/users.yaml: users.a.password: is required for a Username-Password-Authentication user",
    ],
    [
      { users: { a: { email: "a@x.example", connection: "github", password: "p" } } },
      "local/users.yaml: users.a.password: a github user has no password here",
    ],
    [
      { users: { a: { email: "a@x.example", password: "p", connection: "okta" } } },
      'local/users.yaml: users.a.connection: "okta" is not allowed (allowed: Username-Password-Authentication, google-oauth2',
    ],
    [
      { users: { a: { email: "a@x.example", password: "p", role: ["x"] } } },
      'local/users.yaml: users.a.role: unknown field "role" (did you mean "roles"?',
    ],
    [{ users: { "a b": { email: "a@x.example", password: "p" } } }, "invalid user key"],
    [
      { users: { a: { email: "a@x.example", password: "p" }, b: { email: "A@x.example", password: "q" } } },
      "users.b.email: A@x.example is also the email of user a",
    ],
    [{ users: { a: { email: "a@x.example", password: "p", app_metadata: "gold" } } }, "local/users.yaml: users.a.app_metadata:"],
  ])("%j", (value, expected) => {
    expect(messages(value).join("\n")).toContain(expected);
  });

  it("a file that is not YAML, or not a regular file, is refused with its name", () => {
    const bad = path.join(dir, "bad.yaml");
    writeFileSync(bad, "users: [unclosed");
    expect(() => loadUsers(bad)).toThrow(`${bad}: (file): is not valid YAML`);
    expect(() => loadUsers(dir)).toThrow(/is a directory/);
    const laughs = path.join(dir, "laughs.yaml");
    const levels = Array.from({ length: 12 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(",")}]`);
    writeFileSync(laughs, ["l0: &l0 lol", ...levels, "users: {}"].join("\n"));
    expect(() => loadUsers(laughs)).toThrow(`${laughs}: (file): is not valid YAML`);
    expect(() => loadUsers(path.join(dir, "missing.yaml"))).toThrow(/missing\.yaml: \(file\): ENOENT/);
  });
});
