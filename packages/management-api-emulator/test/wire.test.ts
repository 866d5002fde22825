import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import * as wire from "../src/wire";
import { call, hostedApi } from "./host";

// The emulator's answers are the wire records the reader of a tenant validates: each list's records parse under
// the one schema both use (src/wire), so a field the emulator answers in another shape fails here.

let h: Awaited<ReturnType<typeof hostedApi>>;
const ALL = [
  "read:clients create:clients read:client_credentials create:client_credentials read:client_grants create:client_grants",
  "read:resource_servers create:resource_servers read:actions create:actions update:actions read:roles create:roles update:roles",
].join(" ");
const PEM = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n";

beforeAll(async () => {
  h = await hostedApi();
  const post = (p: string, body: unknown) => call(h.url, "POST", p, { body, scopes: ALL });
  const api = await post("/resource-servers", {
    identifier: "https://orders.example.com/",
    name: "Orders",
    scopes: [{ value: "orders:read", description: "Read" }],
    enforce_policies: true,
    token_dialect: "rfc9068_profile",
  });
  const client = await post("/clients", { name: "Billing", app_type: "non_interactive", client_metadata: { team: "billing" } });
  await post(`/clients/${client.body.client_id}/credentials`, { credential_type: "public_key", pem: PEM, name: "k1" });
  await post("/client-grants", { client_id: client.body.client_id, audience: api.body.identifier, scope: ["orders:read"] });
  const action = await post("/actions/actions", {
    name: "claims",
    supported_triggers: [{ id: "post-login", version: "v3" }],
    deploy: true,
  });
  await call(h.url, "PATCH", "/actions/triggers/post-login/bindings", {
    body: { bindings: [{ ref: { type: "action_id", value: action.body.id } }] },
    scopes: ALL,
  });
  const role = await post("/roles", { name: "Readers" });
  await post(`/roles/${role.body.id}/permissions`, {
    permissions: [{ resource_server_identifier: "https://orders.example.com/", permission_name: "orders:read" }],
  });
});
afterAll(() => h?.close());

async function records(listPath: string, key: string | undefined): Promise<unknown[]> {
  const { status, body } = await call(h.url, "GET", listPath, { scopes: ALL });
  expect(status).toBe(200);
  return key === undefined ? body : body[key];
}

describe("every list's records fit the wire schema", () => {
  const cases: [string, () => Promise<string>, string | undefined, z.ZodType][] = [
    ["clients", async () => "/clients?include_totals=true", "clients", wire.clientRecord],
    ["credentials", async () => `/clients/${[...h.api.store.clients.keys()][0]}/credentials`, undefined, wire.credentialRecord],
    ["client grants", async () => "/client-grants?take=50", "client_grants", wire.grantRecord],
    ["resource servers", async () => "/resource-servers?include_totals=true", "resource_servers", wire.resourceServerRecord],
    ["actions", async () => "/actions/actions", "actions", wire.actionRecord],
    ["bindings", async () => "/actions/triggers/post-login/bindings", "bindings", wire.bindingRecord],
    ["roles", async () => "/roles?include_totals=true", "roles", wire.roleRecord],
    ["role permissions", async () => `/roles/${[...h.api.store.roles.keys()][0]}/permissions`, undefined, wire.rolePermissionRecord],
  ];
  for (const [name, listPath, key, schema] of cases) {
    it(name, async () => {
      const items = await records(await listPath(), key);
      expect(items.length).toBeGreaterThan(0);
      for (const item of items) expect(schema.safeParse(item).error?.issues ?? []).toEqual([]);
    });
  }

  it("a role's answer reads back as the reader keeps it (null description → absent), and enforce_policies/token_dialect survive", async () => {
    expect(wire.roleRecord.parse((await records("/roles", undefined))[0])).toEqual({ id: expect.any(String), name: "Readers" });
    const orders = (await records("/resource-servers", undefined))
      .map((r) => wire.resourceServerRecord.parse(r))
      .find((r) => r.name === "Orders");
    expect(orders).toMatchObject({ enforce_policies: true, token_dialect: "rfc9068_profile" });
  });
});

describe("the package stands alone", () => {
  it("imports nothing outside itself but node:, zod and its own files", () => {
    const root = path.resolve(__dirname, "..");
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? files(path.join(dir, n)) : [path.join(dir, n)]));
    const outside: string[] = [];
    for (const file of files(path.join(root, "src")).filter((f) => f.endsWith(".ts"))) {
      for (const { fileName: spec } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
        const escapes = spec.startsWith(".") && !path.resolve(path.dirname(file), spec).startsWith(path.join(root, "src"));
        const foreign = !spec.startsWith(".") && !spec.startsWith("node:") && spec !== "zod";
        if (escapes || foreign) outside.push(`${path.relative(root, file)} imports ${spec}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
