import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { dump } from "js-yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { directoryReader } from "../src/config/files";
import { attribute, layeredTenant } from "../src/config/layers";
import { addKey, retireKey } from "../src/keys/commands";
import { planStack } from "../src/plan";
import { renderMarkdown } from "../src/review/render";
import { compareStacks } from "../src/review/compare";
import { keyPool } from "./support/key-pool";
import { acmeRoot, tempProject } from "./support/temp-project";

const NOW = new Date("2026-11-22T12:00:00Z");
let project: ReturnType<typeof tempProject>;
const write = (file: string, value: unknown) =>
  writeFileSync(path.join(project.root, file), typeof value === "string" ? value : dump(value));
const stack = (name: string, tenant: unknown, extra: Record<string, unknown> = {}) =>
  write(`Pulumi.${name}.yaml`, { config: { "auth0:domain": `${name}.eu.auth0.com`, "auth0-tenant:tenant": tenant, ...extra } });

const SHARED = {
  apis: {
    "orders-api": {
      identifier: "https://orders.acme.example",
      scopes: { "orders:read": "Read", "orders:write": "Write", "orders:delete": "Delete" },
    },
  },
  applications: {
    billing: {
      type: "m2m",
      metadata: { tenant_id: "acme", tier: "gold" },
      credentials: [{ name: "shared-key", publicKey: "keys/billing-2026-q3.pem", expiresAt: "2027-09-30T00:00:00Z" }],
      grants: { "orders-api": ["orders:read", "orders:write"] },
    },
    portal: { type: "regular_web", callbacks: ["https://portal.acme.example/cb"] },
  },
};

beforeEach(() => {
  project = tempProject();
  write("tenant.yaml", SHARED);
});
afterEach(() => project.cleanup());

describe("merge rules: one shared definition, per-stack overlays (RFC 7386)", () => {
  it("maps merge by key at every depth; lists and scalars replace; null removes an inherited entry", async () => {
    const overlay = {
      extends: "tenant.yaml",
      apis: { "orders-api": { scopes: { "orders:export": "Export" }, tokenLifetime: 600 } },
      applications: {
        billing: { metadata: { tier: "silver", region: "eu" }, grants: { "orders-api": ["orders:read"] } },
        portal: null,
      },
    };
    const merged = (await layeredTenant(overlay, "Pulumi.x.yaml", directoryReader(project.root))).tenant as any;
    expect(Object.keys(merged.apis["orders-api"].scopes)).toEqual(["orders:read", "orders:write", "orders:delete", "orders:export"]);
    expect(merged.apis["orders-api"].tokenLifetime).toBe(600);
    expect(merged.applications.billing.metadata).toEqual({ tenant_id: "acme", tier: "silver", region: "eu" });
    expect(merged.applications.billing.grants["orders-api"]).toEqual(["orders:read"]); // a list replaces
    expect(merged.applications.billing.credentials).toEqual(SHARED.applications.billing.credentials); // untouched: inherited
    expect(merged.applications.portal).toBeUndefined(); // null removes
    expect(merged.extends).toBeUndefined();
  });

  it("a spec without extends is used as it is (a full single-file stack keeps working)", async () => {
    stack("single", SHARED);
    const planned = await planStack(project.root, "single", NOW);
    expect(planned.ok).toBe(true);
  });

  it("errors name the file and layer that wrote the value", async () => {
    write("tenant.yaml", { ...SHARED, apis: { "orders-api": { ...SHARED.apis["orders-api"], tokenLifetime: 5 } } });
    stack("dev", { extends: "tenant.yaml", applications: { billing: { grants: { "orders-api": ["orders:purge"] } } } });
    const planned = await planStack(project.root, "dev", NOW);
    expect(planned.ok).toBe(false);
    if (planned.ok) return;
    expect(planned.source).toBe("Pulumi.dev.yaml over tenant.yaml (auth0-tenant:tenant)");
    expect(planned.errors).toContainEqual(
      expect.objectContaining({ path: "apis.orders-api.tokenLifetime", code: "out_of_range", file: "tenant.yaml (shared definition)" }),
    );
    expect(planned.errors).toContainEqual(
      expect.objectContaining({
        path: "applications.billing.grants.orders-api[0]",
        code: "scope_not_defined",
        file: "Pulumi.dev.yaml (stack overlay)",
      }),
    );
  });

  it("a value the overlay removes with null is the overlay's when its absence is an error", async () => {
    stack("dev", { extends: "tenant.yaml", applications: { billing: { credentials: null } } });
    const planned = await planStack(project.root, "dev", NOW);
    if (planned.ok) throw new Error("the plan should fail");
    expect(planned.errors).toContainEqual(
      expect.objectContaining({ path: "applications.billing.credentials", code: "required", file: "Pulumi.dev.yaml (stack overlay)" }),
    );
  });

  it("inside an application both layers wrote, each error names the layer of its own value", async () => {
    const billing = { ...SHARED.applications.billing, description: "x".repeat(141) };
    write("tenant.yaml", { ...SHARED, applications: { ...SHARED.applications, billing } });
    stack("dev", {
      extends: "tenant.yaml",
      applications: {
        billing: { metadata: { tier: "y".repeat(256) } },
        extra: { type: "m2m", credentials: [{ name: "bad name", publicKey: "keys/billing-2026-q3.pem" }] },
      },
    });
    const planned = await planStack(project.root, "dev", NOW);
    if (planned.ok) throw new Error("the plan should fail");
    const fileOf = (path: string) => planned.errors.find((e) => e.path === path)?.file;
    expect(fileOf("applications.billing.description")).toBe("tenant.yaml (shared definition)");
    expect(fileOf("applications.billing.metadata.tier")).toBe("Pulumi.dev.yaml (stack overlay)");
    expect(fileOf("applications.extra.credentials[0].name")).toBe("Pulumi.dev.yaml (stack overlay)");
  });

  it.each([
    ["a missing file", "missing.yaml", "Pulumi.dev.yaml: extends: missing.yaml not found in the project"],
    [
      "a path out of the project",
      "../tenant.yaml",
      'Pulumi.dev.yaml: extends: "../tenant.yaml" is not a shared definition file (allowed: a .yaml file inside the project',
    ],
    ["not YAML", "tenant.json", 'Pulumi.dev.yaml: extends: "tenant.json" is not a shared definition file'],
  ])("extends naming %s is refused", async (_, target, message) => {
    stack("dev", { extends: target });
    const planned = await planStack(project.root, "dev", NOW);
    expect(planned.ok).toBe(false);
    expect(!planned.ok && planned.errors[0]!.message).toContain(message);
  });

  it.each([
    ["an absolute path", "/etc/tenant.yaml"],
    ["a name with a suffix after .yaml", "tenant.yaml.bak"],
    ["a path through ..", "shared/../tenant.yaml"],
    ["a number", 7],
    ["a list", ["tenant.yaml"]],
  ])("extends naming %s is refused before anything is read", async (_, target) => {
    const read: string[] = [];
    const reader = async (file: string) => (read.push(file), "apis: {}\n");
    await expect(layeredTenant({ extends: target }, "Pulumi.dev.yaml", reader)).rejects.toThrow(
      `Pulumi.dev.yaml: extends: ${JSON.stringify(target)} is not a shared definition file`,
    );
    expect(read).toEqual([]);
  });

  it("an empty tenant key (null) is passed on as it is, for validation to name", async () => {
    const layered = await layeredTenant(null, "Pulumi.dev.yaml", directoryReader(project.root));
    expect(layered.tenant).toBeNull();
    expect(layered.shared).toBeUndefined();
  });

  it("extends may name a .yml file in a folder", async () => {
    mkdirSync(path.join(project.root, "shared"));
    write("shared/tenant.yml", SHARED);
    const layered = await layeredTenant({ extends: "shared/tenant.yml" }, "Pulumi.dev.yaml", directoryReader(project.root));
    expect(layered.shared).toBe("shared/tenant.yml");
    expect((layered.tenant as any).applications.portal).toEqual(SHARED.applications.portal);
  });

  it.each([
    ["a list", "- apis\n"],
    ["a scalar", "apis\n"],
  ])("a shared definition that is %s is refused, naming its file", async (_, text) => {
    write("tenant.yaml", text);
    stack("dev", { extends: "tenant.yaml" });
    const planned = await planStack(project.root, "dev", NOW);
    expect(!planned.ok && planned.errors[0]!.message).toContain("tenant.yaml: the shared definition must be a mapping");
  });

  it("an overlay's list replaces the inherited one whole, also when it is shorter", async () => {
    const overlay = { extends: "tenant.yaml", applications: { billing: { grants: { "orders-api": ["orders:write"] } } } };
    const merged = (await layeredTenant(overlay, "Pulumi.x.yaml", directoryReader(project.root))).tenant as any;
    expect(merged.applications.billing.grants["orders-api"]).toEqual(["orders:write"]);
    expect(Array.isArray(merged.applications.billing.grants["orders-api"])).toBe(true);
  });

  it("an issue about a whole mapping the overlay added, or deep in a long list it wrote, names the overlay", async () => {
    const callbacks = Array.from({ length: 12 }, (_, n) => `https://portal.acme.example/cb${n}`);
    const overlay = {
      extends: "tenant.yaml",
      applications: { extra: { type: "m2m" }, portal: { callbacks } },
    };
    const layered = await layeredTenant(overlay, "Pulumi.dev.yaml", directoryReader(project.root));
    const issues = ["applications.extra.credentials", "applications.portal.callbacks[11]", "applications.billing.type"].map((p) => ({
      path: p,
      code: "required" as const,
      message: "x",
    }));
    expect(attribute(issues, layered).map((i) => i.file)).toEqual([
      "Pulumi.dev.yaml (stack overlay)",
      "Pulumi.dev.yaml (stack overlay)",
      "tenant.yaml (shared definition)",
    ]);
  });

  it("a shared definition cannot extend another one", async () => {
    write("tenant.yaml", { ...SHARED, extends: "other.yaml" });
    stack("dev", { extends: "tenant.yaml" });
    const planned = await planStack(project.root, "dev", NOW);
    expect(!planned.ok && planned.errors[0]!.message).toContain("tenant.yaml: a shared definition cannot extend another one");
  });

  it.each([
    [
      "an overlay's top level",
      "Pulumi.dev.yaml",
      "auth0-tenant:tenant:\n    extends: tenant.yaml\n    __proto__:\n      protect: false",
      "__proto__",
    ],
    [
      "an overlay's application",
      "Pulumi.dev.yaml",
      "auth0-tenant:tenant:\n    extends: tenant.yaml\n    applications:\n      billing:\n        __proto__:\n          description: injected",
      "applications.billing.__proto__",
    ],
  ])("a __proto__ key in %s is refused before merging, naming the file and path", async (_, file, tenantYaml, at) => {
    write(file, `config:\n  auth0:domain: dev.eu.auth0.com\n  ${tenantYaml}\n`);
    const planned = await planStack(project.root, "dev", NOW);
    expect(planned.ok).toBe(false);
    expect(!planned.ok && planned.errors[0]!.message).toContain(`${file}: ${at}: a __proto__ key is never data`);
  });

  it("a __proto__ key in the shared definition is refused too", async () => {
    write("tenant.yaml", "apis:\n  __proto__:\n    identifier: https://p.example\n");
    stack("dev", { extends: "tenant.yaml" });
    const planned = await planStack(project.root, "dev", NOW);
    expect(!planned.ok && planned.errors[0]!.message).toContain("tenant.yaml: apis.__proto__: a __proto__ key is never data");
  });
});

describe("the key tool writes to the stack's own file", () => {
  const pool = keyPool(4);
  const ctx = () => ({
    dir: project.root,
    stack: "dev",
    now: NOW,
    configHome: path.join(project.root, "..", `home-${path.basename(project.root)}`),
    generate: () => pool.next(),
    deployed: { sources: [], notes: [] },
  });

  it("an app whose keys are inherited gets its whole list, inherited key included, in the overlay; the shared file is untouched", async () => {
    pool.reset();
    stack("dev", { extends: "tenant.yaml" });
    const shared = readFileSync(path.join(project.root, "tenant.yaml"), "utf8");
    await addKey(ctx(), "rotate", "billing", { name: "dev-next" });
    expect(readFileSync(path.join(project.root, "tenant.yaml"), "utf8")).toBe(shared);
    const overlay = readFileSync(path.join(project.root, "Pulumi.dev.yaml"), "utf8");
    expect(overlay).toContain("    applications:\n      billing:\n        credentials:\n          - name: shared-key\n");
    expect(overlay).toContain("          - name: dev-next\n");
    const planned = await planStack(project.root, "dev", NOW);
    expect(planned.ok && planned.plan.spec.applications.billing!.credentials!.map((c) => c.name)).toEqual(["shared-key", "dev-next"]);
    // retiring the inherited key edits the overlay's list
    await retireKey(ctx(), "billing", "shared-key");
    const after = await planStack(project.root, "dev", NOW);
    expect(after.ok && after.plan.spec.applications.billing!.credentials!.map((c) => c.name)).toEqual(["dev-next"]);
    expect(readFileSync(path.join(project.root, "tenant.yaml"), "utf8")).toBe(shared);
  });

  it("an overlay that already lists the app's keys is edited in place", async () => {
    pool.reset();
    stack("dev", {
      extends: "tenant.yaml",
      applications: { billing: { credentials: [{ name: "own", publicKey: "keys/payments-2026-q4.pem" }] } },
    });
    await addKey(ctx(), "rotate", "billing", { name: "own-next" });
    const planned = await planStack(project.root, "dev", NOW);
    expect(planned.ok && planned.plan.spec.applications.billing!.credentials!.map((c) => c.name)).toEqual(["own", "own-next"]);
  });
});

describe("the promotion view", () => {
  it("says how one stack differs from another in auth terms", async () => {
    mkdirSync(path.join(project.root, "keys", "prod"), { recursive: true });
    copyFileSync(path.join(acmeRoot, "keys/prod-billing-2026-q3.pem"), path.join(project.root, "keys/prod/billing.pem"));
    stack("dev", { extends: "tenant.yaml" });
    stack("prod", {
      extends: "tenant.yaml",
      applications: {
        billing: {
          credentials: [{ name: "prod-key", publicKey: "keys/prod/billing.pem" }],
          grants: { "orders-api": ["orders:read", "orders:write", "orders:delete"] },
        },
        portal: null,
      },
    });
    const report = await compareStacks({ dir: project.root, from: "dev", to: "prod", now: NOW });
    const texts = report.stacks[0]!.changes.map((c) => `${c.risk} ${c.text}`);
    expect(texts).toContain("high billing gains orders:delete on orders-api");
    expect(texts).toContain("high application portal (regular_web) is removed: its clients lose access");
    // Each stack holds its own keys: listed for information, never as a key "added" or "retired".
    expect(texts.some((t) => t.startsWith("info billing: key prod-key") && t.endsWith("is only in prod"))).toBe(true);
    // and the other side's key names its stack too, not "the other stack's only" beside "this stack's own"
    expect(texts.some((t) => t.startsWith("info billing: key") && t.endsWith("is only in dev"))).toBe(true);
    expect(texts.some((t) => /is (added|retired)/.test(t))).toBe(false);
    expect(texts.some((t) => t.includes("unsafe rotation"))).toBe(false);
    expect(renderMarkdown(report)).toContain("## How prod differs from dev");
    // a stack compared with itself differs in nothing
    expect((await compareStacks({ dir: project.root, from: "dev", to: "dev", now: NOW })).stacks[0]!.changes).toEqual([]);
  });
});
