import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { dump } from "js-yaml";
import { localClientId, startLocalTenant, type LocalTenant } from "../../../src/local-tenant";
import { parseUsers } from "../../../src/local-tenant/login/users";
import { tempProject } from "../../support/temp-project";
import { keyDealer } from "../../support/rsa-key-pairs";

/**
 * A stack with two web applications (a public one, as a SPA is, and a confidential one with a private_key_jwt
 * credential), an API that allows offline access, the project's post-login action binding claims and a deny, and
 * test users of the database connection and a social one.
 */
export const STACK = "login";
export const CALLBACK = "http://localhost:3000/callback";
export const PORTAL_CALLBACK = "https://portal.login.test/callback";

export const TEST_USERS = {
  users: {
    alice: {
      email: "alice@acme.example",
      password: "correct horse battery staple",
      name: "Alice Example",
      roles: ["admin", "billing"],
      app_metadata: { plan: "gold" },
    },
    bob: { email: "bob@gmail.example", connection: "google-oauth2", roles: ["viewer"] },
    carol: { email: "carol@acme.example", password: "carol-password-1", app_metadata: { disabled: true } },
    dave: { email: "dave@acme.example", password: "dave-password-1", blocked: true },
  },
};

export function loginTenantConfig(options: { spaCallbacks?: string[]; spaOrigins?: string[] } = {}) {
  return {
    "auth0:domain": "acme-login.eu.auth0.com",
    "auth0-tenant:tenant": {
      apis: {
        orders: {
          identifier: "https://orders.login.test",
          allowOfflineAccess: true,
          tokenLifetime: 3600,
          scopes: { "orders:read": "Read orders", "orders:write": "Write orders" },
        },
      },
      applications: {
        spa: {
          type: "regular_web",
          name: `Orders <SPA> & "friends"`,
          callbacks: options.spaCallbacks ?? [CALLBACK],
          allowedLogoutUrls: [...(options.spaCallbacks ?? [CALLBACK]).map((c) => new URL(c).origin + "/"), "http://localhost:3000/bye"],
          webOrigins: options.spaOrigins ?? [],
        },
        portal: {
          type: "regular_web",
          name: "Customer portal",
          callbacks: [PORTAL_CALLBACK],
          allowedLogoutUrls: ["https://portal.login.test/"],
          credentials: [{ name: "portal-1", publicKey: "keys/login/portal.pem", algorithm: "RS256" }],
        },
      },
      actions: {
        "login-claims": {
          trigger: "post-login",
          source: "actions/login-claims.ts",
          claims: [
            { name: "https://acme.example/connection", from: "connection.name", tokens: ["id", "access"] },
            { name: "https://acme.example/roles", from: "authorization.roles", tokens: ["id", "access"] },
            { name: "https://acme.example/plan", from: "user.app_metadata.plan", tokens: ["id"] },
            { name: "https://acme.example/logins", from: "stats.logins_count", tokens: ["id"] },
          ],
          deny: { when: "user.app_metadata.disabled", equals: "true", reason: "Your account is disabled" },
        },
      },
      triggers: { "post-login": ["login-claims"] },
    },
  };
}

export interface LoginFixture {
  tenant: LocalTenant;
  root: string;
  spaClientId: string;
  portalClientId: string;
  portalKeyPem: string;
  cleanup: () => Promise<void>;
}

export async function startLoginTenant(
  options: { protocol?: "http" | "https"; tlsDir?: string; spaCallbacks?: string[]; spaOrigins?: string[] } = {},
): Promise<LoginFixture> {
  const project = tempProject();
  const key = keyDealer()();
  mkdirSync(path.join(project.root, "keys/login"), { recursive: true });
  writeFileSync(path.join(project.root, "keys/login/portal.pem"), key.publicKey);
  writeFileSync(path.join(project.root, `Pulumi.${STACK}.yaml`), dump({ config: loginTenantConfig(options) }));
  const tenant = await startLocalTenant({
    dir: project.root,
    stack: STACK,
    protocol: options.protocol ?? "http",
    ...(options.tlsDir ? { tlsDir: options.tlsDir } : {}),
    users: parseUsers(TEST_USERS, "users.yaml"),
  });
  return {
    tenant,
    root: project.root,
    spaClientId: localClientId(STACK, "spa"),
    portalClientId: localClientId(STACK, "portal"),
    portalKeyPem: key.privateKey,
    cleanup: async () => {
      await tenant.close();
      project.cleanup();
    },
  };
}

export { browse } from "./browse.mjs";
