import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantProgram } from "../src/program";
import { SpecError } from "../src/spec";
import { underMocks } from "./support/mock-runtime";
import { projectRoot, tempProject, validTenant } from "./support/temp-project";

/** The clock the catalogue runs at: fixed, so expiry cases do not drift with the calendar. */
const NOW = new Date("2026-11-22T12:00:00Z");

let project: ReturnType<typeof tempProject>;
beforeAll(() => {
  project = tempProject();
  const keys = path.join(project.root, "keys");
  copyFileSync(path.join(projectRoot, "test/fixtures/invalid/private-key.pem"), path.join(keys, "oops-private.pem"));
  const good = readFileSync(path.join(keys, "billing-2026-q3.pem"), "utf8");
  writeFileSync(path.join(keys, "truncated.pem"), good.slice(0, Math.floor(good.length / 2)));
  writeFileSync(path.join(keys, "two-blocks.pem"), good + readFileSync(path.join(keys, "payments-2026-q4.pem"), "utf8"));
});
afterAll(() => project.cleanup());

type Tenant = ReturnType<typeof validTenant>;
const billing = (t: Tenant) => t.applications.billing;
const cred = (t: Tenant) => billing(t).credentials[0];

/** Each case: a mutation of a valid tenant, and the error (path + text) it must produce. */
const catalogue: { name: string; mutate: (t: Tenant) => void; path: string; text: string | RegExp }[] = [
  {
    name: "misspelt top-level field",
    mutate: (t) => {
      t.application = t.applications;
    },
    path: "application",
    text: 'did you mean "applications"?',
  },
  {
    name: "misspelt API field",
    mutate: (t) => {
      t.apis["orders-api"].tokenLifeTime = 60;
    },
    path: "apis.orders-api.tokenLifeTime",
    text: 'did you mean "tokenLifetime"?',
  },
  {
    name: "API without identifier",
    mutate: (t) => {
      delete t.apis["orders-api"].identifier;
    },
    path: "apis.orders-api.identifier",
    text: "is required",
  },
  {
    name: "identifier with white space",
    mutate: (t) => {
      t.apis["orders-api"].identifier = "orders api";
    },
    path: "apis.orders-api.identifier",
    text: "must not contain white space",
  },
  {
    name: "token lifetime above 30 days",
    mutate: (t) => {
      t.apis["orders-api"].tokenLifetime = 2_592_001;
    },
    path: "apis.orders-api.tokenLifetime",
    text: "at most 2592000 seconds",
  },
  {
    name: "unsupported API signing alg",
    mutate: (t) => {
      t.apis["orders-api"].signingAlg = "HS512";
    },
    path: "apis.orders-api.signingAlg",
    text: '"HS512" is not allowed (allowed: RS256, PS256)',
  },
  {
    name: "scope name with a space",
    mutate: (t) => {
      t.apis["orders-api"].scopes["read orders"] = "x";
    },
    path: "apis.orders-api.scopes.read orders",
    text: "invalid scope name",
  },
  {
    name: "API key with capitals",
    mutate: (t) => {
      t.apis.OrdersApi = { identifier: "https://x.example" };
    },
    path: "apis.OrdersApi",
    text: "invalid key (allowed: lower-case letters",
  },
  {
    name: "duplicate API identifier",
    mutate: (t) => {
      t.apis["orders-v2"] = { identifier: "https://orders.acme.example" };
    },
    path: "apis.orders-v2.identifier",
    text: 'duplicate API identifier "https://orders.acme.example"',
  },
  {
    name: "unknown application type",
    mutate: (t) => {
      t.applications.mobile = { type: "spa" };
    },
    path: "applications.mobile.type",
    text: 'unknown application type "spa" (allowed: m2m | regular_web)',
  },
  {
    name: "application without type",
    mutate: (t) => {
      delete billing(t).type;
    },
    path: "applications.billing.type",
    text: "is required (allowed: m2m | regular_web)",
  },
  {
    name: "M2M app with a client secret method",
    mutate: (t) => {
      billing(t).authenticationMethod = "client_secret_post";
    },
    path: "applications.billing.authenticationMethod",
    text: "never a client secret (allowed: private_key_jwt)",
  },
  {
    name: "M2M app with a clientSecret field",
    mutate: (t) => {
      billing(t).clientSecret = "s3cr3t";
    },
    path: "applications.billing.clientSecret",
    text: 'unknown field "clientSecret"',
  },
  {
    name: "M2M app without credentials",
    mutate: (t) => {
      billing(t).credentials = [];
    },
    path: "applications.billing.credentials",
    text: "needs at least one credential",
  },
  {
    name: "a third credential",
    mutate: (t) => {
      billing(t).credentials.push(
        { name: "b2", publicKey: "keys/payments-2026-q2.pem" },
        { name: "b3", publicKey: "keys/payments-2026-q4.pem" },
      );
    },
    path: "applications.billing.credentials",
    text: "at most 2 credentials per application",
  },
  {
    name: "credential alg HS256",
    mutate: (t) => {
      cred(t).algorithm = "HS256";
    },
    path: "applications.billing.credentials[0].algorithm",
    text: "(allowed: RS256, RS384, PS256)",
  },
  {
    name: "expiresAt not ISO 8601",
    mutate: (t) => {
      cred(t).expiresAt = "next year";
    },
    path: "applications.billing.credentials[0].expiresAt",
    text: "must be an ISO 8601 date-time",
  },
  {
    name: "expiresAt in the past",
    mutate: (t) => {
      cred(t).expiresAt = "2025-01-01T00:00:00Z";
    },
    path: "applications.billing.credentials[0].expiresAt",
    text: "is in the past",
  },
  {
    name: "kid too short",
    mutate: (t) => {
      cred(t).kid = "short";
    },
    path: "applications.billing.credentials[0].kid",
    text: "10 to 64 characters",
  },
  {
    name: "duplicate credential names",
    mutate: (t) => {
      billing(t).credentials.push({ name: "billing-1", publicKey: "keys/payments-2026-q2.pem" });
    },
    path: "applications.billing.credentials[1].name",
    text: 'duplicate credential name "billing-1"',
  },
  {
    name: "key path outside keys/",
    mutate: (t) => {
      cred(t).publicKey = "keys/../Pulumi.yaml.pem";
    },
    path: "applications.billing.credentials[0].publicKey",
    text: "must not leave keys/",
  },
  {
    name: "key file missing",
    mutate: (t) => {
      cred(t).publicKey = "keys/nope.pem";
    },
    path: "applications.billing.credentials[0].publicKey",
    text: "file keys/nope.pem not found",
  },
  {
    name: "a private key where a public key belongs",
    mutate: (t) => {
      cred(t).publicKey = "keys/oops-private.pem";
    },
    path: "applications.billing.credentials[0].publicKey",
    text: "holds a PRIVATE key",
  },
  {
    name: "truncated PEM",
    mutate: (t) => {
      cred(t).publicKey = "keys/truncated.pem";
    },
    path: "applications.billing.credentials[0].publicKey",
    text: "truncated",
  },
  {
    name: "two keys in one file",
    mutate: (t) => {
      cred(t).publicKey = "keys/two-blocks.pem";
    },
    path: "applications.billing.credentials[0].publicKey",
    text: "holds 2 PEM blocks",
  },
  {
    name: "EC key",
    mutate: (t) => {
      cred(t).publicKey = "keys/fixtures/ec-p256.pem";
    },
    path: "applications.billing.credentials[0].publicKey",
    text: "is a EC key (allowed: RSA keys of 2048 to 4096 bits)",
  },
  {
    name: "1024-bit RSA key",
    mutate: (t) => {
      cred(t).publicKey = "keys/fixtures/rsa-1024.pem";
    },
    path: "applications.billing.credentials[0].publicKey",
    text: "RSA key of 1024 bits (allowed: 2048 to 4096 bits)",
  },
  {
    name: "expired certificate",
    mutate: (t) => {
      cred(t).publicKey = "keys/fixtures/expired.crt";
      delete cred(t).expiresAt;
    },
    path: "applications.billing.credentials[0].publicKey",
    text: "expired on 2021-01-01",
  },
  {
    name: "grant on an undeclared API",
    mutate: (t) => {
      billing(t).grants = { "order-api": ["orders:read"] };
    },
    path: "applications.billing.grants.order-api",
    text: 'API "order-api" is not declared (did you mean "orders-api"?',
  },
  {
    name: "grant of an undefined scope",
    mutate: (t) => {
      billing(t).grants["orders-api"] = ["orders:purge"];
    },
    path: "applications.billing.grants.orders-api[0]",
    text: 'scope "orders:purge" is not defined on API orders-api (defined: orders:read, orders:write)',
  },
  {
    name: "grant with a misspelt scope",
    mutate: (t) => {
      billing(t).grants["orders-api"] = ["orders:raed"];
    },
    path: "applications.billing.grants.orders-api[0]",
    text: 'did you mean "orders:read"?',
  },
  {
    name: "scope granted twice",
    mutate: (t) => {
      billing(t).grants["orders-api"] = ["orders:read", "orders:read"];
    },
    path: "applications.billing.grants.orders-api[1]",
    text: "is listed twice",
  },
  {
    name: "grants on a web app",
    mutate: (t) => {
      t.applications.portal.grants = { "orders-api": ["orders:read"] };
    },
    path: "applications.portal.grants",
    text: 'unknown field "grants"',
  },
  {
    name: "two apps with one display name",
    mutate: (t) => {
      t.applications.portal.name = "Billing service";
    },
    path: "applications.portal.name",
    text: 'duplicate application name "Billing service"',
  },
  {
    name: "one key shared by two apps",
    mutate: (t) => {
      t.applications.other = { ...billing(t), name: "Other", credentials: [{ name: "o1", publicKey: "keys/billing-2026-q3.pem" }] };
    },
    path: "applications.other.credentials[0].publicKey",
    text: "the same public key",
  },
  {
    name: "non-string metadata value",
    mutate: (t) => {
      billing(t).metadata = { tier: 3 };
    },
    path: "applications.billing.metadata.tier",
    text: "metadata values must be strings",
  },
  {
    name: "web app without callbacks",
    mutate: (t) => {
      t.applications.portal.callbacks = [];
    },
    path: "applications.portal.callbacks",
    text: "at least one callback URL",
  },
  {
    name: "callback that is not a URL",
    mutate: (t) => {
      t.applications.portal.callbacks = ["portal/callback"];
    },
    path: "applications.portal.callbacks[0]",
    text: "must be an absolute URL",
  },
  {
    name: "protect not a boolean",
    mutate: (t) => {
      t.protect = "yes";
    },
    path: "protect",
    text: "must be true or false",
  },
];

async function runWith(tenant: unknown, stack = "dev") {
  return underMocks({ stack, config: { "auth0-tenant:tenant": tenant } }, () => tenantProgram(project.root, { now: NOW }));
}

describe("bad input: every error names its path, says what is allowed, and nothing is declared", () => {
  it("the unmodified tenant is valid (so each case fails for its own reason)", async () => {
    const run = await runWith(validTenant());
    expect(run.error).toBeUndefined();
    expect(run.registered.length).toBeGreaterThan(0);
  });

  it.each(catalogue)("$name", async ({ mutate, path: where, text }) => {
    const tenant = validTenant();
    mutate(tenant);
    const run = await runWith(tenant);
    expect(run.error).toBeInstanceOf(SpecError);
    const issues = (run.error as SpecError).issues;
    const match = issues.find((i) => i.path === where);
    expect(match, `no error at ${where}; got ${JSON.stringify(issues)}`).toBeDefined();
    if (typeof text === "string") expect(match!.message).toContain(text);
    else expect(match!.message).toMatch(text);
    expect(run.registered).toEqual([]);
  });

  it("reports every error at once, across apps and APIs", async () => {
    const tenant = validTenant();
    t_mutations.forEach((m) => m(tenant));
    const run = await runWith(tenant);
    const paths = (run.error as SpecError).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "apis.orders-api.tokenLifeTime",
        "applications.billing.credentials[0].algorithm",
        "applications.portal.callbacks[0]",
      ]),
    );
    expect((run.error as SpecError).message).toMatch(/3 errors in the tenant spec; nothing was declared/);
    expect(run.registered).toEqual([]);
  });

  it("a missing tenant config key is an error naming the key", async () => {
    const run = await underMocks({ stack: "dev", config: {} }, () => tenantProgram(project.root, { now: NOW }));
    expect(String(run.error)).toContain('config key "auth0-tenant:tenant" is missing');
    expect(run.registered).toEqual([]);
  });
});

const t_mutations: ((t: Tenant) => void)[] = [
  (t) => {
    t.apis["orders-api"].tokenLifeTime = 60;
  },
  (t) => {
    cred(t).algorithm = "ES256";
  },
  (t) => {
    t.applications.portal.callbacks = ["nope"];
  },
];
