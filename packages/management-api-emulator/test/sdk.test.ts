import { createRequire } from "node:module";
import { ManagementClient } from "auth0";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostedApi } from "./host";

type Permission = { resource_server_identifier: string; permission_name: string };
/** v4's ManagementClient, `auth0/legacy` since v7; its type declarations resolve only under moduleResolution node16. */
const { ManagementClient: LegacyManagementClient } = createRequire(__filename)("auth0/legacy") as {
  ManagementClient: new (options: { domain: string; token: string; fetch: typeof fetch }) => {
    roles: {
      addPermissions(params: { id: string }, body: { permissions: Permission[] }): Promise<unknown>;
      deletePermissions(params: { id: string }, body: { permissions: Permission[] }): Promise<unknown>;
      getPermissions(params: { id: string }): Promise<{ data: Permission[] }>;
    };
  };
};

/**
 * A role's permissions through the official `auth0` SDK, unmodified: v7's ManagementClient and v4's (`auth0/legacy`),
 * with a token holding `update:roles` for the changes and no create: or delete:roles. The SDKs call
 * https://<domain>/api/v2; their fetch is the platform's, sent to the emulator's 127.0.0.1 address instead.
 */

let h: Awaited<ReturnType<typeof hostedApi>>;
const API = "https://sdk.example.com/";
const SCOPES = "read:roles update:roles";
const permission = (name: string): Permission => ({ resource_server_identifier: API, permission_name: name });

/** The platform's fetch, to the emulator's address whatever origin the SDK builds. */
const toEmulator: typeof fetch = (input, init) => {
  const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
  const target = new URL(h.url);
  url.protocol = target.protocol;
  url.host = target.host;
  return input instanceof Request ? fetch(new Request(url, input), init) : fetch(url, init);
};

beforeAll(async () => {
  h = await hostedApi();
  h.api.store.resourceServers.create({
    identifier: API,
    name: "SDK",
    scopes: [
      { value: "a:read", description: "Read a" },
      { value: "a:write", description: "Write a" },
    ],
  });
});
afterAll(() => h?.close());

describe("a role's permissions through the auth0 SDK", () => {
  it("v7: roles.permissions.add, list and delete (DELETE with a body)", async () => {
    const role = h.api.store.roles.create({ name: "SDK v7" });
    const m = new ManagementClient({ domain: "tenant.example.com", token: SCOPES, fetch: toEmulator });
    await m.roles.permissions.add(role.id, { permissions: [permission("a:read"), permission("a:write")] });
    const names = async () => (await m.roles.permissions.list(role.id, {})).data.map((p) => p.permission_name);
    expect(await names()).toEqual(["a:read", "a:write"]);
    await m.roles.permissions.delete(role.id, { permissions: [permission("a:read")] });
    expect(await names()).toEqual(["a:write"]);
    expect(h.api.store.roles.permissionsOf(role.id)).toEqual([permission("a:write")]);
  });

  it("v4 (auth0/legacy): roles.addPermissions and deletePermissions", async () => {
    const role = h.api.store.roles.create({ name: "SDK v4" });
    const m = new LegacyManagementClient({ domain: "tenant.example.com", token: SCOPES, fetch: toEmulator });
    await m.roles.addPermissions({ id: role.id }, { permissions: [permission("a:read"), permission("a:write")] });
    await m.roles.deletePermissions({ id: role.id }, { permissions: [permission("a:write")] });
    const listed = await m.roles.getPermissions({ id: role.id });
    expect(listed.data.map((p) => p.permission_name)).toEqual(["a:read"]);
  });

  it("the SDK's error for a scope the token lacks carries Auth0's body", async () => {
    const role = h.api.store.roles.create({ name: "SDK refused" });
    const m = new ManagementClient({ domain: "tenant.example.com", token: "read:roles delete:roles", fetch: toEmulator });
    const error = await m.roles.permissions.delete(role.id, { permissions: [permission("a:read")] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 403, body: { errorCode: "insufficient_scope" } });
  });
});
