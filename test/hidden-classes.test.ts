import { setFlagsFromString } from "node:v8";
import { dump } from "js-yaml";
import { describe, expect, it } from "vitest";
import { keyStatus } from "../src/keys/commands";
import { planFromConfig, printableResources, summarize } from "../src/plan";
import { rsaPublicKeyOfBits } from "./support/rsa-keys";
import { tempProject } from "./support/temp-project";

/**
 * Objects of one kind (every m2m application of a spec, every grant resource…) must share one hidden class. In Node 20
 * (V8 11.3) an object literal that starts with a spread and then adds properties, `{ ...app, key }`, gets a hidden
 * class of its own from about the fifth object on. A 10,000-application tenant then made 30,000 hidden classes, every
 * later read of those objects was megamorphic, and the plan took about 11 % longer (bench:plan, paired runs). A spread
 * after a first property (`{ key, ...app }`), Object.assign or a plain literal keeps one class.
 */
setFlagsFromString("--allow-natives-syntax");
const haveSameMap = new Function("a", "b", "return %HaveSameMap(a, b)") as (a: unknown, b: unknown) => boolean;

/**
 * The most hidden classes any one kind of object has among `objects`; a kind is a set of property names (an m2m and a
 * web application's clients legitimately differ).
 */
function hiddenClassesPerKind(objects: unknown[]): number {
  const kinds = new Map<string, unknown[]>();
  let most = 0;
  for (const o of objects) {
    const kind = Object.keys(o as object)
      .sort()
      .join();
    const representatives = kinds.get(kind) ?? [];
    if (!representatives.some((r) => haveSameMap(r, o))) representatives.push(o);
    kinds.set(kind, representatives);
    most = Math.max(most, representatives.length);
  }
  return most;
}

const NOW = new Date("2026-06-01T00:00:00Z");
const APPS = 60;

/** A tenant of APPS m2m and APPS web applications, and its key files. */
function tenantOfManyApps() {
  const files = new Map<string, string>();
  const applications: Record<string, unknown> = {};
  for (let a = 0; a < APPS; a++) {
    files.set(`keys/app-${a}.pem`, rsaPublicKeyOfBits(2048));
    applications[`app-${a}`] = {
      type: "m2m",
      metadata: { tenant_id: `t${a}` },
      credentials: [{ name: `app-${a}-k1`, publicKey: `keys/app-${a}.pem`, expiresAt: "2030-01-01T00:00:00Z" }],
      grants: { orders: ["orders:read"], billing: ["billing:read"] },
    };
  }
  for (let a = 0; a < APPS; a++) applications[`web-${a}`] = { type: "regular_web", callbacks: [`https://web-${a}.example.com/callback`] };
  const tenant = {
    apis: {
      orders: { identifier: "https://orders.example.com", scopes: { "orders:read": "Read orders" } },
      billing: { identifier: "https://billing.example.com", scopes: { "billing:read": "Read invoices" } },
    },
    applications,
  };
  return { tenant, files };
}

async function plannedTenant() {
  const { tenant, files } = tenantOfManyApps();
  const planned = await planFromConfig({ project: "auth0-tenant", stack: "dev", tenant, values: {} }, async (p) => files.get(p), NOW);
  if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
  return planned.plan;
}

describe("objects of one kind share one hidden class (a 10,000-application tenant stays fast)", () => {
  it("spec: applications and their credentials", async () => {
    const { spec } = await plannedTenant();
    const apps = Object.values(spec.applications);
    expect(hiddenClassesPerKind(apps)).toBe(1);
    expect(hiddenClassesPerKind(apps.flatMap((a) => a.credentials ?? []))).toBe(1);
  });

  it("model and desired state: applications, components, resources and their inputs", async () => {
    const plan = await plannedTenant();
    expect(hiddenClassesPerKind(Object.values(plan.model.applications))).toBe(1);
    expect(hiddenClassesPerKind(plan.desired.components)).toBe(1);
    expect(hiddenClassesPerKind(plan.desired.resources)).toBe(1);
    expect(hiddenClassesPerKind(plan.desired.resources.map((r) => r.inputs))).toBe(1);
  });

  it("printed plan: resources and their inputs, and the summary's applications", async () => {
    const plan = await plannedTenant();
    const printed = printableResources(plan) as { inputs: object }[];
    expect(hiddenClassesPerKind(printed)).toBe(1);
    expect(hiddenClassesPerKind(printed.map((r) => r.inputs))).toBe(1);
    expect(
      hiddenClassesPerKind(
        printed.flatMap((r) => (r.inputs as { privateKeyJwt?: { credentials: object[] } }).privateKeyJwt?.credentials ?? []),
      ),
    ).toBe(1);
    expect(hiddenClassesPerKind(summarize(plan, NOW).applications)).toBe(1);
  });

  it("keys status: one entry per credential", async () => {
    const { tenant, files } = tenantOfManyApps();
    const project = tempProject({
      ...Object.fromEntries(files),
      "Pulumi.dev.yaml": dump({ config: { "auth0-tenant:tenant": tenant } }),
    });
    try {
      const rows = await keyStatus({ dir: project.root, stack: "dev", now: NOW, deployed: { sources: [], notes: [] } }, 30);
      expect(rows).toHaveLength(APPS);
      expect(hiddenClassesPerKind(rows)).toBe(1);
    } finally {
      project.cleanup();
    }
  });
});
