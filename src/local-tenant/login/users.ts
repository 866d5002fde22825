import { existsSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { readRegularFile } from "../../config/regular-file";
import { parseYaml } from "../../config/yaml";
import { formatPath, type SpecIssue } from "../../spec/issues";
import { parseAt } from "../../spec/parse";
import { strictObject } from "../../spec/strict";

/**
 * The local tenant's test users: a YAML file outside the deployed spec (`local/users.yaml`, or `tenant local --users
 * <file>`). A user of the database connection logs in with email and password; a user of a social connection is a
 * "click to log in" button (the local tenant does not call Google or GitHub).
 */

/** Auth0's default database connection name. */
export const DATABASE_CONNECTION = "Username-Password-Authentication";

/**
 * Social connections by their Auth0 name, which is also the strategy and the prefix of the user id
 * (`google-oauth2|1234`): https://auth0.com/docs/manage-users/user-accounts/identify-users.
 */
export const SOCIAL_CONNECTIONS = ["google-oauth2", "github", "apple", "facebook", "windowslive", "linkedin", "twitter"] as const;
export const CONNECTIONS = [DATABASE_CONNECTION, ...SOCIAL_CONNECTIONS] as const;

const metadata = z.record(z.string(), z.unknown()).default({});
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: "must not be empty" })
    .max(max, { error: `at most ${max} characters` });

const userSchema = strictObject({
  email: z.email({ error: "must be an email address such as alice@acme.example" }),
  email_verified: z.boolean({ error: "must be true or false" }).default(true),
  /** Database users only: the password the login form checks (a test password, kept in this file in clear). */
  password: z.string().min(1, { error: "must not be empty" }).max(128, { error: "at most 128 characters" }).optional(),
  connection: z
    .enum(CONNECTIONS, { error: (i) => `${JSON.stringify(i.input)} is not allowed (allowed: ${CONNECTIONS.join(", ")})` })
    .default(DATABASE_CONNECTION),
  name: text(300).optional(),
  given_name: text(150).optional(),
  family_name: text(150).optional(),
  nickname: text(300).optional(),
  picture: z.url({ error: "must be a URL" }).optional(),
  user_metadata: metadata,
  app_metadata: metadata,
  /** Role names: `event.authorization.roles`. */
  roles: z.array(text(50)).default([]),
  /** A blocked user is refused before any action runs (Auth0: error=unauthorized, "user is blocked"). */
  blocked: z.boolean({ error: "must be true or false" }).default(false),
});

const usersFileSchema = strictObject({
  users: z.record(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      error: "invalid user key (allowed: letters, digits, '.', '_' and '-', at most 64 characters)",
    }),
    userSchema,
  ),
});

export type TestUserInput = z.output<typeof userSchema>;

export interface TestUser extends TestUserInput {
  key: string;
  /** Auth0's `<strategy>|<id>`, e.g. `auth0|alice`, `google-oauth2|bob`. */
  user_id: string;
  strategy: string;
}

export class UsersFileError extends Error {
  constructor(
    readonly file: string,
    readonly issues: SpecIssue[],
  ) {
    super(issues.map((i) => `${file}: ${i.path}: ${i.message}`).join("\n"));
  }
}

const strategyOf = (connection: string) => (connection === DATABASE_CONNECTION ? "auth0" : connection);

/** Validates a parsed users file; every problem is reported with its path. */
export function parseUsers(value: unknown, file: string): TestUser[] {
  const issues: SpecIssue[] = [];
  const parsed = parseAt(usersFileSchema, value ?? {}, [], issues);
  if (!parsed) throw new UsersFileError(file, issues);
  const users: TestUser[] = [];
  const emails = new Map<string, string>();
  for (const [key, user] of Object.entries(parsed.users)) {
    const at = (field: string) => formatPath(["users", key, field]);
    const database = user.connection === DATABASE_CONNECTION;
    if (database && user.password === undefined)
      issues.push({
        path: at("password"),
        code: "required",
        message: `is required for a ${DATABASE_CONNECTION} user (the login form checks it)`,
      });
    if (!database && user.password !== undefined)
      issues.push({
        path: at("password"),
        code: "invalid_value",
        message: `a ${user.connection} user has no password here: the login page offers a button to log in as them (remove password, or use connection ${DATABASE_CONNECTION})`,
      });
    const emailKey = `${user.connection}\u0000${user.email.toLowerCase()}`;
    const other = emails.get(emailKey);
    if (other !== undefined)
      issues.push({
        path: at("email"),
        code: "duplicate",
        message: `${user.email} is also the email of user ${other} in ${user.connection}`,
      });
    emails.set(emailKey, key);
    const strategy = strategyOf(user.connection);
    users.push({ ...user, key, strategy, user_id: `${strategy}|${key}` });
  }
  if (issues.length > 0) throw new UsersFileError(file, issues);
  return users;
}

/** Reads and validates a users file (YAML, at most 4 MiB, a regular file). */
export function loadUsers(file: string): TestUser[] {
  let text: string;
  try {
    text = readRegularFile(file);
  } catch (e) {
    throw new UsersFileError(file, [{ path: "(file)", code: "file_unreadable", message: (e as Error).message }]);
  }
  let value: unknown;
  try {
    // The project's YAML limits: depth, alias expansion ("billion laughs"), duplicate keys.
    value = parseYaml(text, file);
  } catch (e) {
    throw new UsersFileError(file, [{ path: "(file)", code: "invalid_value", message: `is not valid YAML: ${(e as Error).message}` }]);
  }
  return parseUsers(value, file);
}

/** The users file `tenant local` reads when none is named: local/users.yaml of the project, when it exists. */
export function defaultUsersFile(projectDir: string): string | undefined {
  const file = path.join(projectDir, "local", "users.yaml");
  return existsSync(file) ? file : undefined;
}
