import { describe, expect, it } from "vitest";
import { child, COMPONENT_TYPES, ref, RESOURCE_TYPES, secretRef, type DesiredResource } from "../src/model/desired";
import { diffResources, diffValues, failsOn, SECRET, UNKNOWN, type Baseline, type BaselineResource } from "../src/plan/diff";
import { parsePrevious } from "../src/plan/diff-checkpoint";
import { FORCE_NEW } from "../src/plan/diff-force-new";
import { diffJson, diffSummary, failingText, renderDiffText, thumbprintsIn } from "../src/plan/diff-render";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { inspectPublicKey } from "../src/spec/public-key";
import { acmeRoot } from "./support/temp-project";
import { UsageError } from "../src/errors";
import { PROVIDER_SCHEMAS } from "./support/provider-double";
import { checkpointOf } from "./support/checkpoint";

// The resource diff of `plan --diff`: every operation, nested values, secrets, replacement by the provider's ForceNew
// fields (one table, shared with the provider double), and the checkpoint it reads.

const parent = { type: COMPONENT_TYPES.Api, name: "orders-api" };
const KEY = "billing-2026-q3.pem";
const api = (inputs: Record<string, unknown>, extra: Partial<DesiredResource> = {}): DesiredResource => ({
  ...child(RESOURCE_TYPES.ResourceServer, "orders-api", parent, false, { identifier: "https://orders", name: "Orders", ...inputs }),
  ...extra,
});
const scopes = () =>
  child(RESOURCE_TYPES.ResourceServerScopes, "orders-api", parent, false, {
    resourceServerIdentifier: ref(RESOURCE_TYPES.ResourceServer, "orders-api", "identifier"),
    scopes: [{ name: "orders:read", description: "Read" }],
  });
const base = (r: DesiredResource, inputs: Record<string, unknown>, id = `${r.name}-id`): BaselineResource => ({
  type: r.type,
  name: r.name,
  id,
  inputs,
  outputs: { ...inputs, id },
});
const checkpoint = (resources: BaselineResource[]): Baseline => ({ source: "state.json", match: "address", resources });

describe("values", () => {
  it("an update, an add and a delete at the deepest path; arrays by index as pulumi shows them", () => {
    expect(
      diffValues(
        { tokenLifetime: 3600, callbacks: ["https://a", "https://b"], jwt: { alg: "RS256", x: 1 }, gone: "y" },
        { tokenLifetime: 7200, callbacks: ["https://a", "https://b", "https://c"], jwt: { alg: "PS256", x: 1 } },
      ),
    ).toEqual([
      { path: "tokenLifetime", kind: "update", before: 3600, after: 7200 },
      { path: "callbacks[2]", kind: "add", after: "https://c" },
      { path: "jwt.alg", kind: "update", before: "RS256", after: "PS256" },
      { path: "gone", kind: "delete", before: "y" },
    ]);
    expect(diffValues({ callbacks: ["a", "b"] }, { callbacks: ["a"] })).toEqual([{ path: "callbacks[1]", kind: "delete", before: "b" }]);
    expect(diffValues({ scopes: [{ name: "r", description: "Read" }] }, { scopes: [{ name: "r", description: "Read all" }] })).toEqual([
      { path: "scopes[0].description", kind: "update", before: "Read", after: "Read all" },
    ]);
  });

  it("absent, null and empty lists or maps are the same (the SDK plans them alike)", () => {
    expect(diffValues({ a: [], b: {}, c: null }, { d: undefined })).toEqual([]);
  });

  it("two secrets are never compared; a secret against a plain value, or an unknown, is a change", () => {
    expect(diffValues({ v: SECRET }, { v: SECRET })).toEqual([]);
    expect(diffValues({ v: "plain" }, { v: SECRET })).toEqual([{ path: "v", kind: "update", before: "plain", after: SECRET }]);
    expect(diffValues({ v: "x" }, { v: UNKNOWN })).toEqual([{ path: "v", kind: "update", before: "x", after: UNKNOWN }]);
  });

  it("keys that are not identifiers are quoted in the path", () => {
    expect(diffValues({ m: { "a.b": "1" } }, { m: { "a.b": "2" } })[0]!.path).toBe('m["a.b"]');
  });
});

describe("resources", () => {
  it("create, update, delete and unchanged, with counts", () => {
    const desired = [api({ tokenLifetime: 7200 }), scopes()];
    const d = diffResources(
      desired,
      checkpoint([
        base(desired[0]!, { identifier: "https://orders", name: "Orders", tokenLifetime: 3600 }),
        { type: RESOURCE_TYPES.Client, name: "old", id: "c1", inputs: { name: "Old" }, outputs: {} },
      ]),
    );
    expect(d.resources.map((r) => [r.op, r.type, r.name])).toEqual([
      ["update", RESOURCE_TYPES.ResourceServer, "orders-api"],
      ["create", RESOURCE_TYPES.ResourceServerScopes, "orders-api"],
      ["delete", RESOURCE_TYPES.Client, "old"],
    ]);
    expect(d.resources[0]!.changes).toEqual([{ path: "tokenLifetime", kind: "update", before: 3600, after: 7200 }]);
    // the create's reference resolves to the API's output, which stays
    expect(d.resources[1]!.changes).toContainEqual({ path: "resourceServerIdentifier", kind: "add", after: "https://orders" });
    expect(diffSummary(d)).toBe("1 to add, 1 to change, 0 to replace, 1 to delete (0 unchanged)");
    expect(diffResources([desired[0]!], checkpoint([base(desired[0]!, { ...desired[0]!.inputs })])).counts.same).toBe(1);
  });

  it("a ForceNew input replaces, and a ForceNew input that references a replaced resource replaces its holder too", () => {
    const desired = [api({ identifier: "https://orders-v2" }), scopes()];
    const d = diffResources(
      desired,
      checkpoint([
        base(desired[0]!, { identifier: "https://orders", name: "Orders" }),
        base(desired[1]!, { resourceServerIdentifier: "https://orders", scopes: [{ name: "orders:read", description: "Read" }] }),
      ]),
    );
    expect(d.resources.map((r) => [r.op, r.replacedBy])).toEqual([
      ["replace", ["identifier"]],
      ["replace", ["resourceServerIdentifier"]],
    ]);
    expect(d.resources[0]!.changes[0]).toMatchObject({ path: "identifier", replaces: true });
    expect(d.resources[1]!.changes[0]).toMatchObject({ path: "resourceServerIdentifier", after: UNKNOWN, replaces: true });
    expect(renderDiffText(d, new Map())).toContain(
      "+- auth0:index/resourceServer:ResourceServer orders-api (replace: identifier forces it)",
    );
  });

  it("a change nested under a ForceNew object replaces (jwtConfiguration.secretEncoded)", () => {
    const client = child(RESOURCE_TYPES.Client, "app", parent, false, {
      name: "App",
      jwtConfiguration: { alg: "RS256", secretEncoded: true },
    });
    const d = diffResources([client], checkpoint([base(client, { name: "App", jwtConfiguration: { alg: "RS256" } })]));
    expect(d.resources[0]).toMatchObject({ op: "replace", replacedBy: ["jwtConfiguration.secretEncoded"] });
    const alg = child(RESOURCE_TYPES.Client, "app", parent, false, { name: "App", jwtConfiguration: { alg: "PS256" } });
    expect(diffResources([alg], checkpoint([base(alg, { name: "App", jwtConfiguration: { alg: "RS256" } })])).resources[0]!.op).toBe(
      "update",
    );
  });

  it("secret inputs are compared as secrets and printed as [secret], in text and JSON", () => {
    const action: DesiredResource = {
      ...child(RESOURCE_TYPES.Action, "claims", parent, false, {
        name: "claims",
        secrets: [
          { name: "API_KEY", value: secretRef("claimsApiKey") },
          { name: "NEW", value: secretRef("claimsNew") },
        ],
      }),
      secretInputs: ["secrets[0].value", "secrets[1].value"],
    };
    const d = diffResources([action], checkpoint([base(action, { name: "claims", secrets: [{ name: "API_KEY", value: SECRET }] })]));
    expect(d.resources[0]!.changes).toEqual([{ path: "secrets[1]", kind: "add", after: { name: "NEW", value: SECRET } }]);
    const text = renderDiffText(d, new Map());
    expect(text).toContain('+ secrets[1]: {"name":"NEW","value":"[secret]"}');
    expect(JSON.stringify(diffJson(d, new Map()))).toContain('"value":"[secret]"');
  });

  it("ignoreChanges inputs are no change; an adopted resource the state lacks is an import", () => {
    const adopted = api({ tokenLifetime: 1 }, { importId: "rs_1", ignoreChanges: ["tokenLifetime"] });
    expect(
      diffResources([adopted], checkpoint([base(adopted, { identifier: "https://orders", name: "Orders", tokenLifetime: 2 })])).counts.same,
    ).toBe(1);
    const d = diffResources([adopted], checkpoint([]));
    expect(d.resources[0]).toMatchObject({ op: "import", id: "rs_1" });
    expect(diffSummary(d)).toBe("0 to add, 1 to import, 0 to change, 0 to replace, 0 to delete (0 unchanged)");
  });

  it("a protected resource that would be replaced or deleted says pulumi up stops there", () => {
    const r = api({ identifier: "https://x" }, { protect: true });
    expect(
      renderDiffText(diffResources([r], checkpoint([base(r, { identifier: "https://orders", name: "Orders" })])), new Map()),
    ).toContain("[protected: pulumi up stops here]");
  });

  it("--fail-on: change stops on any, replace on replacements, delete on deletes and replacements", () => {
    const r = api({ identifier: "https://x" });
    const replaced = diffResources([r], checkpoint([base(r, { identifier: "https://orders", name: "Orders" })]));
    expect(failsOn(replaced, "delete")).toHaveLength(1);
    expect(failsOn(replaced, "replace")).toHaveLength(1);
    const updated = diffResources([api({ name: "New" })], checkpoint([base(r, { identifier: "https://orders", name: "Orders" })]));
    expect(failsOn(updated, "change")).toHaveLength(1);
    expect(failsOn(updated, "replace")).toEqual([]);
    expect(failsOn(updated, undefined)).toEqual([]);
  });
});

describe("how values are shown", () => {
  it("a public key by its RFC 7638 thumbprint, long text by size and hash, never the PEM or the code", async () => {
    const pem = readFileSync(path.join(acmeRoot, "keys", KEY), "utf8");
    const r = child(RESOURCE_TYPES.ClientCredentials, "app", parent, false, {
      privateKeyJwt: { credentials: [{ name: "k", pem }] },
      code: "x".repeat(500),
    });
    const d = diffResources([r], checkpoint([base(r, { privateKeyJwt: { credentials: [{ name: "k", pem: "old" }] }, code: "y" })]));
    const text = renderDiffText(d, await thumbprintsIn(d));
    expect(text).toContain(
      `~ privateKeyJwt.credentials[0].pem: "old" => <public key, thumbprint ${(await inspectPublicKey(pem)).thumbprint}>`,
    );
    expect(text).toMatch(/~ code: "y" => <500 bytes, sha256 [0-9a-f]{16}>/);
    expect(text).not.toContain("BEGIN");
  });
});

describe("inputs the plan may leave out", () => {
  const creds = (c: Record<string, unknown>) =>
    child(RESOURCE_TYPES.ClientCredentials, "app", parent, false, { privateKeyJwt: { credentials: [{ name: "k", pem: "P", ...c }] } });
  const stored = {
    privateKeyJwt: { credentials: [{ name: "k", pem: "P", expiresAt: "2029-01-30T00:00:00.000Z", parseExpiryFromCert: true }] },
  };

  it("a credential's expiresAt (Optional+Computed) left out keeps the stored one; a different one is a change", () => {
    const r = creds({ parseExpiryFromCert: true });
    expect(diffResources([r], checkpoint([base(r, stored)])).counts.same).toBe(1);
    const other = creds({ parseExpiryFromCert: true, expiresAt: "2030-01-01T00:00:00.000Z" });
    expect(diffResources([other], checkpoint([base(other, stored)])).resources[0]!.changes.map((c) => c.path)).toEqual([
      "privateKeyJwt.credentials[0].expiresAt",
    ]);
  });

  it("parseExpiryFromCert is never in the tenant: against it, no change; against a checkpoint, a change", () => {
    const r = creds({ parseExpiryFromCert: true });
    const tenantSide = { privateKeyJwt: { credentials: [{ name: "k", pem: "P", expiresAt: "2029-01-30T00:00:00.000Z" }] } };
    const adopted = { ...r, importId: "app-id" };
    expect(diffResources([adopted], { source: "tenant", match: "identity", resources: [base(r, tenantSide, "app-id")] }).counts.same).toBe(
      1,
    );
    expect(diffResources([r], checkpoint([base(r, tenantSide)])).counts.update).toBe(1);
  });
});

describe("set-typed inputs (the provider's schema.TypeSet)", () => {
  const perms = (permissions: { name: string; resourceServerIdentifier: string }[]) =>
    child(RESOURCE_TYPES.RolePermissions, "admins-permissions", { type: COMPONENT_TYPES.Role, name: "admins" }, false, {
      roleId: "rol_1",
      permissions,
    });
  const read = { name: "orders:read", resourceServerIdentifier: "https://orders" };
  const report = { name: "reports:read", resourceServerIdentifier: "https://reports" };

  it("a role's permissions in another order are no change; another element is a change", () => {
    const r = perms([report, read]);
    expect(diffResources([r], checkpoint([base(r, { roleId: "rol_1", permissions: [read, report] })])).counts.same).toBe(1);
    const other = perms([report, { name: "orders:delete", resourceServerIdentifier: "https://orders" }]);
    const changes = diffResources([other], checkpoint([base(other, { roleId: "rol_1", permissions: [read, report] })])).resources[0]!
      .changes;
    expect(changes.map((c) => [c.path, c.kind, c.before, c.after])).toEqual([
      ["permissions[0].name", "update", "orders:read", "orders:delete"],
    ]);
  });

  it("a list that is not a set keeps its order: reordered callbacks are a change", () => {
    const r = api({ callbacks: ["https://b", "https://a"] });
    expect(
      diffResources([r], checkpoint([base(r, { identifier: "https://orders", name: "Orders", callbacks: ["https://a", "https://b"] })]))
        .counts.update,
    ).toBe(1);
  });
});

describe("matching by identity (the live tenant)", () => {
  it("by adopt id, else by ForceNew inputs, else by a unique name; an unmatched object is a delete only when the stack owns its id", () => {
    const desired = [api({}, { importId: "rs_1" }), child(RESOURCE_TYPES.Client, "billing", parent, false, { name: "Billing" })];
    const live = (name: string, r: Partial<BaselineResource>): BaselineResource => ({
      type: RESOURCE_TYPES.Client,
      name,
      inputs: {},
      outputs: {},
      ...r,
    });
    const baseline: Baseline = {
      source: "the live tenant",
      match: "identity",
      owned: new Set(["c_old"]),
      resources: [
        { ...base(desired[0]!, { identifier: "https://other", name: "Orders" }, "rs_1"), name: "orders-api-imported" },
        live("billing-service", { id: "c_billing", inputs: { name: "Billing" } }),
        live("old", { id: "c_old", inputs: { name: "Old" } }),
        live("someone-elses", { id: "c_other", inputs: { name: "Other" } }),
        {
          type: RESOURCE_TYPES.ClientCredentials,
          name: "old",
          id: "c_old2",
          inputs: {},
          outputs: {},
          dependsOn: ["auth0:index/client:Client::old"],
        },
      ],
    };
    const d = diffResources(desired, baseline);
    expect(d.resources.map((r) => [r.op, r.name, r.baselineName])).toEqual([
      ["replace", "orders-api", "orders-api-imported"],
      ["delete", "old", undefined],
      ["delete", "old", undefined],
    ]);
    expect(d.counts.same).toBe(1);
    expect(d.unmanaged).toEqual([{ type: RESOURCE_TYPES.Client, name: "someone-elses", id: "c_other" }]);
    expect(renderDiffText(d, new Map())).toContain(
      "Not managed by this stack (pulumi up leaves them alone): 1 object(s) in the tenant: Client someone-elses (c_other)",
    );
  });
});

describe("the ForceNew table", () => {
  it("is the one the provider double replaces by", () => {
    for (const [type, paths] of Object.entries(FORCE_NEW)) expect(PROVIDER_SCHEMAS[type as keyof typeof FORCE_NEW].forceNew).toBe(paths);
  });
});

describe("the checkpoint (pulumi stack export)", () => {
  const desired = [api({ tokenLifetime: 3600 }), scopes()];
  const exported = () => checkpointOf("acme", { stack: "dev", components: [{ ...parent }], resources: desired }) as any;

  it("reads resources by URN name and type, skips the stack, components and providers, and honours __defaults", () => {
    const file = exported();
    file.deployment.resources[3].inputs.__defaults = ["signingAlg"];
    file.deployment.resources[3].inputs.signingAlg = "RS256";
    const read = parsePrevious("state.json", file);
    expect(read.kind).toBe("checkpoint");
    if (read.kind !== "checkpoint") return;
    expect(read.stack).toBe("dev");
    expect(read.baseline.resources.map((r) => `${r.type}::${r.name}`)).toEqual([
      "auth0:index/resourceServer:ResourceServer::orders-api",
      "auth0:index/resourceServerScopes:ResourceServerScopes::orders-api",
    ]);
    // signingAlg was the provider's default: the plan leaving it out is no change
    expect(diffResources(desired, read.baseline).counts).toMatchObject({ same: 2, update: 0 });
  });

  it("a secret is a sig object, unknowns the computed placeholder", () => {
    const file = exported();
    file.deployment.resources[3].inputs.name = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "x" };
    file.deployment.resources[3].inputs.tokenLifetime = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const read = parsePrevious("state.json", file);
    if (read.kind !== "checkpoint") throw new Error("not a checkpoint");
    expect(read.baseline.resources[0]!.inputs).toMatchObject({ name: SECRET, tokenLifetime: UNKNOWN });
  });

  it("names and types from the file reach the terminal without their control characters", () => {
    const file = exported();
    file.deployment.resources[3].urn = file.deployment.resources[3].urn.replace(/::orders-api$/, "::evil\u001b[2J");
    const read = parsePrevious("state.json", file);
    if (read.kind !== "checkpoint") throw new Error("not a checkpoint");
    const d = diffResources(desired, read.baseline);
    expect(d.resources.find((r) => r.op === "delete")!.name).toBe("evil\u001b[2J");
    expect(renderDiffText(d, new Map())).not.toContain("\u001b");
    expect(failingText(failsOn(d, "delete"))).not.toContain("\u001b");
  });

  it("stack outputs are recognised as such (no resource-level diff from them)", () => {
    expect(parsePrevious("out.json", { applications: { billing: { clientId: "x" } } })).toEqual({
      kind: "outputs",
      outputs: { applications: { billing: { clientId: "x" } } },
    });
  });

  const refused = (value: unknown) => {
    try {
      parsePrevious("state.json", value);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error("accepted");
  };

  it("bad files: each problem named by its path in the file", () => {
    expect(refused([])).toMatch(/^--previous state\.json: \(root\): not a JSON object/);
    expect(refused({ version: 2, deployment: {} })).toContain("version: is 2; allowed: 3 or 4");
    const noUrn = exported();
    noUrn.deployment.resources[3].urn = "orders-api";
    expect(refused(noUrn)).toContain("deployment.resources[3].urn: not a Pulumi URN");
    const wrongType = exported();
    wrongType.deployment.resources[3].type = "auth0:index/client:Client";
    expect(refused(wrongType)).toContain(
      "deployment.resources[3].type: is auth0:index/client:Client, but the URN says auth0:index/resourceServer:ResourceServer",
    );
    const twice = exported();
    twice.deployment.resources.push(twice.deployment.resources[3]);
    expect(refused(twice)).toContain("deployment.resources[5].urn: urn:pulumi:dev::acme::");
    const notList = exported();
    notList.deployment.resources = { a: 1 };
    expect(refused(notList)).toContain("deployment.resources: ");
  });
});
