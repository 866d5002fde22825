import { describe, expect, it, vi } from "vitest";
import type { SpecIssue } from "../../src/spec/issues";

/**
 * parseAt compiles a schema it has run many times (zod's z.compile). The compiled parser must accept exactly what the
 * schema accepts, give the same value (keys in the same order, defaults and transforms applied) and, for anything
 * else, the same issues. Each case is parsed by a fresh parseAt (the schema's own parser) and by one that has run the
 * schema past its compile threshold.
 */
type Parse = typeof import("../../src/spec/parse").parseAt;

async function freshParseAt() {
  vi.resetModules();
  const parse = await import("../../src/spec/parse");
  const { applicationSchema } = await import("../../src/kinds/application/spec");
  const { apiSchema } = await import("../../src/kinds/api/spec");
  return { parseAt: parse.parseAt as Parse, threshold: parse.COMPILE_AFTER_RUNS, schemas: { applicationSchema, apiSchema } };
}

const m2m = () => ({
  type: "m2m",
  metadata: { tenant_id: "t1" },
  credentials: [{ name: "k1", publicKey: "keys/a.pem", expiresAt: "2030-01-01T00:00:00Z" }],
  grants: { orders: ["orders:read", "orders:write"] },
});
const web = () => ({ type: "regular_web", callbacks: ["https://portal.example.com/callback"] });

const applications: [string, unknown][] = [
  ["m2m", m2m()],
  ["m2m with everything", { ...m2m(), name: "Billing", description: "d", authenticationMethod: "private_key_jwt" }],
  ["web", web()],
  [
    "web with urls and a key",
    { ...web(), allowedLogoutUrls: ["http://localhost:3000/"], webOrigins: ["https://a.example"], credentials: m2m().credentials },
  ],
  ["no type", { ...m2m(), type: undefined }],
  ["unknown type", { ...m2m(), type: "spa" }],
  ["unknown field", { ...m2m(), grant: {} }],
  ["not a mapping", "m2m"],
  ["null", null],
  ["a list", [m2m()]],
  ["client secret", { ...m2m(), authenticationMethod: "client_secret_post" }],
  ["metadata method name", { ...m2m(), metadata: { toString: "x" } }],
  ["metadata bad key", { ...m2m(), metadata: { "a b": "x" } }],
  ["metadata numeric key", { ...m2m(), metadata: { "123": "x" } }],
  ["metadata number value", { ...m2m(), metadata: { a: 1 } }],
  ["metadata long value", { ...m2m(), metadata: { a: "x".repeat(256) } }],
  ["metadata eleven keys", { ...m2m(), metadata: Object.fromEntries([...Array(11).keys()].map((i) => [`k${i}`, "v"])) }],
  ["no credentials", { ...m2m(), credentials: [] }],
  ["three credentials", { ...m2m(), credentials: [1, 2, 3].map((i) => ({ name: `k${i}`, publicKey: `keys/${i}.pem` })) }],
  ["key outside keys/", { ...m2m(), credentials: [{ name: "k1", publicKey: "secrets/a.pem" }] }],
  ["key with ..", { ...m2m(), credentials: [{ name: "k1", publicKey: "keys/../a.pem" }] }],
  ["kid", { ...m2m(), credentials: [{ name: "k1", publicKey: "keys/a.pem", kid: "abc" }] }],
  ["bad date", { ...m2m(), credentials: [{ name: "k1", publicKey: "keys/a.pem", expiresAt: "2030-01-01" }] }],
  ["bad algorithm", { ...m2m(), credentials: [{ name: "k1", publicKey: "keys/a.pem", algorithm: "HS256" }] }],
  ["unknown credential field", { ...m2m(), credentials: [{ name: "k1", publicKey: "keys/a.pem", pem: "x" }] }],
  ["bad credential name", { ...m2m(), credentials: [{ name: "-k", publicKey: "keys/a.pem" }] }],
  ["grants a list", { ...m2m(), grants: ["orders"] }],
  ["bad scope", { ...m2m(), grants: { orders: ["read orders"] } }],
  ["long description", { ...m2m(), description: "x".repeat(141) }],
  ["script callback", { ...web(), callbacks: ["javascript:alert(1)"] }],
  ["origin with a path", { ...web(), webOrigins: ["https://a.example/x"] }],
  ["no callbacks", { ...web(), callbacks: [] }],
  ["several problems", { ...m2m(), metadata: { toString: 1 }, credentials: [{ name: "", publicKey: "x" }], extra: true }],
];

const apis: [string, unknown][] = [
  ["api", { identifier: "https://orders.example.com", scopes: { "orders:read": "Read" } }],
  ["api, all fields", { identifier: "https://o.example.com", name: "Orders", tokenLifetime: 3600, tokenLifetimeForWeb: 600, scopes: {} }],
  ["api, bad lifetime", { identifier: "https://o.example.com", tokenLifetime: -1 }],
  ["api, bad scope", { identifier: "https://o.example.com", scopes: { "a b": "x" } }],
  ["api, unknown field", { identifier: "https://o.example.com", scope: {} }],
];

function run(parseAt: Parse, schema: Parameters<Parse>[0], value: unknown): { value: unknown; issues: SpecIssue[] } {
  const issues: SpecIssue[] = [];
  const parsed = parseAt(schema, value, ["x"], issues);
  // JSON keeps key order, so a value built in another order differs.
  return { value: JSON.stringify(parsed), issues };
}

describe("parseAt with a compiled schema", () => {
  for (const [kind, cases] of [
    ["applicationSchema", applications],
    ["apiSchema", apis],
  ] as const) {
    it(`${kind}: the same value and issues as the schema's own parser, case by case`, async () => {
      const fresh = await freshParseAt();
      // Fewer cases than the threshold: each of them runs the schema's own parser.
      expect(cases.length).toBeLessThan(fresh.threshold);
      const expected = cases.map(([, value]) => run(fresh.parseAt, fresh.schemas[kind], value));
      const { parseAt, schemas, threshold } = await freshParseAt();
      for (let i = 0; i < threshold; i++) run(parseAt, schemas[kind], cases[0]![1]);
      const actual = cases.map(([, value]) => run(parseAt, schemas[kind], value));
      for (const [i, [name]] of cases.entries()) expect(actual[i], name).toEqual(expected[i]);
      expect(expected.filter((e) => e.issues.length > 0).length).toBeGreaterThan(2);
    });
  }
});
