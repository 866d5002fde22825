import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { dump } from "js-yaml";
const stringify = (value: unknown) => dump(value, { lineWidth: -1, skipInvalid: true });
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addKey, retireKey, type KeysContext } from "../../src/keys/commands";
import { RESOURCE_TYPES } from "../../src/model";
import { planStack } from "../../src/plan";
import { selfReferenceName, tenantProgram } from "../../src/program";
import { credentialState } from "../../src/spec/expiry";
import type { PreviousCredentials } from "../../src/rotation/fingerprints";
import { checkRotation } from "../../src/rotation/rules";
import { SpecError } from "../../src/spec";
import { keyPool } from "../support/key-pool";
import { customResources, underMocks, type Registered } from "../support/mock-runtime";
import { tempProject, validTenant } from "../support/temp-project";

const NOW = new Date("2026-11-22T12:00:00Z");
let project: ReturnType<typeof tempProject>;
beforeAll(() => {
  project = tempProject();
});
afterAll(() => project.cleanup());

async function specWith(credentials: object[]) {
  const t = validTenant();
  t.applications.billing.credentials = credentials;
  const run = await underMocks({ stack: "dev", config: { "auth0-tenant:tenant": t } }, () => tenantProgram(project.root, { now: NOW }));
  return run;
}

const Q3 = { name: "b-q3", publicKey: "keys/billing-2026-q3.pem", expiresAt: "2027-09-30T00:00:00Z" };
const Q2 = { name: "b-q2", publicKey: "keys/payments-2026-q2.pem", expiresAt: "2027-01-31T00:00:00Z" };
const Q4 = { name: "b-q4", publicKey: "keys/payments-2026-q4.pem", expiresAt: "2027-12-31T00:00:00Z" };

async function thumb(file: string) {
  const { inspectPublicKey } = await import("../../src/spec");
  return (await inspectPublicKey(readFileSync(path.join(project.root, file), "utf8"))).thumbprint;
}

describe("rotation rules against the last deployment (pulumi up)", () => {
  it("refuses a change that replaces every deployed key at once, before declaring any Auth0 resource", async () => {
    const lastOutputs = {
      applications: { billing: { credentials: [{ name: "b-q3", thumbprint: await thumb(Q3.publicKey), expiresAt: Q3.expiresAt }] } },
    };
    const t = validTenant();
    t.applications.billing.credentials = [Q4];
    const run = await underMocks({ stack: "dev", config: { "auth0-tenant:tenant": t }, lastOutputs }, () =>
      tenantProgram(project.root, { now: NOW }),
    );
    expect(run.error).toBeInstanceOf(SpecError);
    expect((run.error as SpecError).issues[0]).toEqual({
      path: "applications.billing.credentials",
      code: "rotation_swap",
      message: expect.stringContaining("replaces every credential at once (deployed: b-q3; desired: b-q4)"),
    });
    expect(run.registered.filter((r) => r.type.startsWith("auth0:"))).toEqual([]);
  });

  it("refuses a key edited in place under the same name", async () => {
    const lastOutputs = {
      applications: {
        billing: {
          credentials: [
            { name: "b-q3", thumbprint: await thumb(Q3.publicKey) },
            { name: "b-q4", thumbprint: "someOtherThumbprint" },
          ],
        },
      },
    };
    const t = validTenant();
    t.applications.billing.credentials = [Q3, Q4];
    const run = await underMocks({ stack: "dev", config: { "auth0-tenant:tenant": t }, lastOutputs }, () =>
      tenantProgram(project.root, { now: NOW }),
    );
    expect((run.error as SpecError).issues).toContainEqual({
      path: "applications.billing.credentials[1].publicKey",
      code: "rotation_key_changed",
      message: expect.stringContaining("credential b-q4 keeps its name but its key changed"),
    });
  });

  it("refuses to add and retire in one step while both slots are used (the provider would delete before it uploads)", async () => {
    const previous: PreviousCredentials = {
      billing: [
        { name: "b-q3", thumbprint: await thumb(Q3.publicKey) },
        { name: "b-q2", thumbprint: await thumb(Q2.publicKey) },
      ],
    };
    const spec = (await import("../../src/tenant")).loadTenant;
    const t = validTenant();
    t.applications.billing.credentials = [Q3, Q4];
    const { directoryReader } = await import("../../src/config/files");
    const { spec: desired } = await spec(t, { stack: "dev", now: NOW, readFile: directoryReader(project.root) });
    expect(checkRotation(previous, desired, NOW)).toEqual([
      {
        path: "applications.billing.credentials",
        code: "rotation_add_and_retire",
        message: expect.stringContaining("adds b-q4 and retires b-q2 in one step while both credential slots are in use"),
      },
    ]);
  });

  it("allows replacing keys that have all expired (nobody can use them any more)", async () => {
    const { loadTenant } = await import("../../src/tenant");
    const { directoryReader } = await import("../../src/config/files");
    const t = validTenant();
    t.applications.billing.credentials = [Q4];
    const { spec } = await loadTenant(t, { stack: "dev", now: NOW, readFile: directoryReader(project.root) });
    expect(checkRotation({ billing: [{ name: "old", thumbprint: "x", expiresAt: "2026-01-01T00:00:00Z" }] }, spec, NOW)).toEqual([]);
    expect(checkRotation({ billing: [{ name: "old", thumbprint: "x", expiresAt: null }] }, spec, NOW)).toHaveLength(1);
  });

  it("a first deployment (no outputs yet) has nothing to compare and goes ahead", async () => {
    const run = await specWith([Q3]);
    expect(run.error).toBeUndefined();
  });
});

describe("each rotation step changes exactly one resource: the app's ClientCredentials", () => {
  it("phase 1 (add) and phase 2 (retire) touch nothing but billing's ClientCredentials", async () => {
    const steps = [[Q3], [Q3, Q4], [Q4]];
    const runs: Registered[][] = [];
    for (const creds of steps) runs.push(customResources((await specWith(creds)).registered));
    const byKey = (rs: (typeof runs)[number]) => new Map(rs.map((r) => [`${r.type}::${r.name}`, JSON.stringify(r.inputs)]));
    for (let i = 1; i < runs.length; i++) {
      const a = byKey(runs[i - 1]!);
      const b = byKey(runs[i]!);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      const changed = [...b.keys()].filter((k) => a.get(k) !== b.get(k));
      expect(changed).toEqual([`${RESOURCE_TYPES.ClientCredentials}::billing`]);
    }
  });
});

describe("property: no sequence of accepted key operations locks a client out", () => {
  const pool = keyPool(40);
  type Op = { kind: "rotate" } | { kind: "retire"; pick: number } | { kind: "advance"; days: number } | { kind: "deploy" };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.constant({ kind: "rotate" as const }),
    fc.record({ kind: fc.constant("retire" as const), pick: fc.nat(1) }),
    fc.record({ kind: fc.constant("advance" as const), days: fc.integer({ min: 5, max: 400 }) }),
    fc.constant({ kind: "deploy" as const }),
  );

  // Over 5 s: fast-check's 100 random sequences, each planning the stack up to 9 times.
  it("holds for random new/rotate/retire/expire/deploy sequences", async () => {
    const accepted = { rotate: 0, retire: 0, deploy: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 9 }), async (ops) => {
        pool.reset();
        const dir = mkdtempSync(path.join(tmpdir(), "rotation-prop-"));
        const home = mkdtempSync(path.join(tmpdir(), "rotation-home-"));
        try {
          copyFileSync(path.join(project.root, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
          const first = await pool.next();
          const { mkdirSync } = await import("node:fs");
          mkdirSync(path.join(dir, "keys"));
          writeFileSync(path.join(dir, "keys/svc-0.pem"), first.publicKeyPem);
          const tenant = {
            applications: {
              svc: { type: "m2m", credentials: [{ name: "svc-0", publicKey: "keys/svc-0.pem", expiresAt: "2027-03-01T00:00:00Z" }] },
            },
          };
          writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stringify({ config: { "auth0-tenant:tenant": tenant } }));
          let now = new Date(NOW);
          let deployed: PreviousCredentials = {};
          const deploy = async () => {
            const plan = await planStack(dir, "dev", now, { previous: deployed });
            if (!plan.ok) return false;
            const creds = plan.plan.spec.applications.svc!.credentials!;
            const before = deployed.svc ?? [];
            const validBefore = before.filter((c) => credentialState(c.expiresAt ?? undefined, now, 0).state !== "expired");
            const after = creds.map((c) => ({ name: c.name, thumbprint: c.key.thumbprint, expiresAt: c.effectiveExpiresAt ?? null }));
            // The invariants: at most 2 keys; every deployed key is valid; a client holding a valid deployed key keeps one.
            expect(after.length).toBeGreaterThan(0);
            expect(after.length).toBeLessThanOrEqual(2);
            expect(after.every((c) => credentialState(c.expiresAt ?? undefined, now, 0).state !== "expired")).toBe(true);
            if (validBefore.length > 0) expect(validBefore.some((c) => after.some((a) => a.thumbprint === c.thumbprint))).toBe(true);
            deployed = { svc: after };
            return true;
          };
          await deploy();
          for (const o of ops) {
            const ctx: KeysContext = {
              dir,
              stack: "dev",
              now,
              configHome: home,
              generate: () => pool.next(),
              deployed: { sources: [{ source: "last deployment", previous: deployed }], notes: [] },
            };
            const count = (kind: "rotate" | "retire") => [() => accepted[kind]++, () => accepted.refused++] as const;
            if (o.kind === "rotate") await addKey(ctx, "rotate", "svc", { expires: "120d" }).then(...count("rotate"));
            else if (o.kind === "retire") {
              const names = (await import("../../src/keys/stack-edit"))
                .declaredCredentials(readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8"), "auth0-tenant", "svc", "Pulumi.dev.yaml")
                .map((c) => c.name);
              await retireKey(ctx, "svc", names[o.pick % names.length]!).then(...count("retire"));
            } else if (o.kind === "advance") now = new Date(now.getTime() + o.days * 86_400_000);
            else if (await deploy()) accepted.deploy++;
            // The file itself never loses its last credential.
            const text = readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8");
            expect((text.match(/- name:/g) ?? []).length).toBeGreaterThanOrEqual(1);
            expect((text.match(/- name:/g) ?? []).length).toBeLessThanOrEqual(2);
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
          rmSync(home, { recursive: true, force: true });
        }
      }),
      { numRuns: 40, seed: 20261122 },
    );
    // The property is not vacuous: every kind of step was both accepted and refused along the way.
    expect(accepted.rotate).toBeGreaterThan(5);
    expect(accepted.retire).toBeGreaterThan(3);
    expect(accepted.deploy).toBeGreaterThan(5);
    expect(accepted.refused).toBeGreaterThan(3);
  });
});

describe("changes the provider would never apply", () => {
  it("refuses renaming a deployed key (the provider matches by key and never sends names)", async () => {
    const previous: PreviousCredentials = { billing: [{ name: "b-old-name", thumbprint: await thumb(Q3.publicKey) }] };
    const t = validTenant();
    t.applications.billing.credentials = [Q3];
    const { loadTenant } = await import("../../src/tenant");
    const { directoryReader } = await import("../../src/config/files");
    const { spec: desired } = await loadTenant(t, { stack: "dev", now: NOW, readFile: directoryReader(project.root) });
    expect(checkRotation(previous, desired, NOW)).toEqual([
      {
        path: "applications.billing.credentials[0].name",
        code: "rotation_renamed",
        message: expect.stringContaining("the deployed key b-old-name (thumbprint"),
      },
    ]);
    // the same key under its deployed name is fine
    expect(checkRotation({ billing: [{ name: "b-q3", thumbprint: await thumb(Q3.publicKey) }] }, desired, NOW)).toEqual([]);
  });

  it("refuses changing a deployed key's algorithm (clients signing with the old one would be refused)", async () => {
    const previous: PreviousCredentials = { billing: [{ name: "b-q3", thumbprint: await thumb(Q3.publicKey), algorithm: "PS256" }] };
    const t = validTenant();
    t.applications.billing.credentials = [{ ...Q3, algorithm: "RS256" }];
    const { loadTenant } = await import("../../src/tenant");
    const { directoryReader } = await import("../../src/config/files");
    const { spec: desired } = await loadTenant(t, { stack: "dev", now: NOW, readFile: directoryReader(project.root) });
    expect(checkRotation(previous, desired, NOW)).toEqual([
      {
        path: "applications.billing.credentials[0].algorithm",
        code: "rotation_key_changed",
        message: expect.stringContaining("PS256 → RS256"),
      },
    ]);
  });
});

describe("where the deploy-time guard reads the last deployment", () => {
  it('a DIY backend (organization "organization") is read by the bare stack name, which both DIY layouts accept', async () => {
    const run = await underMocks({ stack: "dev", config: { "auth0-tenant:tenant": validTenant() } }, () =>
      tenantProgram(project.root, { now: NOW }),
    );
    expect(run.error).toBeUndefined();
    expect(run.stackReferences).toEqual(["dev"]);
  });

  it("a service backend is read by <org>/<project>/<stack>", () => {
    expect(selfReferenceName("acme", "auth0-tenant", "prod-eu")).toBe("acme/auth0-tenant/prod-eu");
    expect(selfReferenceName("organization", "auth0-tenant", "prod-eu")).toBe("prod-eu");
  });

  it("config rotationGuardStackReference names it explicitly", async () => {
    const run = await underMocks(
      {
        stack: "dev",
        config: { "auth0-tenant:tenant": validTenant(), "auth0-tenant:rotationGuardStackReference": "team/auth0-tenant/dev" },
      },
      () => tenantProgram(project.root, { now: NOW }),
    );
    expect(run.stackReferences).toEqual(["team/auth0-tenant/dev"]);
  });

  it("rotationGuard false skips it", async () => {
    const run = await underMocks(
      { stack: "dev", config: { "auth0-tenant:tenant": validTenant(), "auth0-tenant:rotationGuard": "false" } },
      () => tenantProgram(project.root, { now: NOW }),
    );
    expect(run.stackReferences).toEqual([]);
  });
});
