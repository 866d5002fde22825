import { z } from "zod";

/**
 * The Management API's records on the wire (snake_case, as Auth0 answers them), as zod schemas: the one declaration
 * of their shapes, which the emulator's records are typed from and which a reader of a tenant validates answers
 * with. A tenant is untrusted input (anyone with dashboard access, or whatever answers at its address, chooses every
 * byte), so the schemas are strict where a field is read: ids fit a URL path, text and lists are bounded, dates are
 * ISO 8601. Only the fields read are declared; parsing drops the rest.
 */

/** Ids: some end up in a URL path (a client's credentials, a trigger's bindings), all in files. */
const ID = /^[A-Za-z0-9_-]{1,128}$/;
const TRIGGER_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Names, descriptions, URLs: far longer than Auth0 allows, short enough that nothing downstream pays for size. */
const MAX_TEXT = 4096;
/** Action code: Auth0 allows 100 kB. */
const MAX_CODE = 1024 * 1024;
const MAX_LIST = 10_000;

/** An optional field: absent or null (Auth0 answers null for some unset fields) reads as undefined. */
const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);
const id = z.string().regex(ID, { error: "expected an id (letters, digits, '_' and '-', at most 128)" });
const text = z.string().max(MAX_TEXT, { error: `expected at most ${MAX_TEXT} characters` });
const texts = z.array(text).max(MAX_LIST);
const date = z.iso.datetime({ offset: true, error: "expected an ISO 8601 date-time such as 2027-09-30T00:00:00.000Z" });
const int = z.number().int().nonnegative();
const noProto = (record: Record<string, unknown>) => !Object.hasOwn(record, "__proto__");

export const clientRecord = z.object({
  client_id: id,
  name: opt(text),
  description: opt(text),
  app_type: opt(text),
  is_global: opt(z.boolean()),
  is_first_party: opt(z.boolean()),
  oidc_conformant: opt(z.boolean()),
  grant_types: opt(texts),
  callbacks: opt(texts),
  allowed_logout_urls: opt(texts),
  web_origins: opt(texts),
  client_metadata: opt(z.record(text, text).refine(noProto, { error: "a __proto__ key is never data" })),
  jwt_configuration: opt(z.object({ alg: opt(text) })),
  token_endpoint_auth_method: opt(text),
  client_authentication_methods: opt(
    z.object({ private_key_jwt: opt(z.object({ credentials: opt(z.array(z.object({ id })).max(MAX_LIST)) })) }),
  ),
});

export const credentialRecord = z.object({
  id,
  name: opt(text),
  kid: opt(text),
  alg: opt(text),
  credential_type: opt(text),
  created_at: opt(date),
  expires_at: opt(date),
});

export const grantRecord = z.object({
  id,
  client_id: opt(text),
  audience: text,
  scope: opt(texts),
  subject_type: opt(text),
});

export const resourceServerRecord = z.object({
  id,
  identifier: text,
  name: opt(text),
  is_system: opt(z.boolean()),
  signing_alg: opt(text),
  token_lifetime: opt(int),
  token_lifetime_for_web: opt(int),
  allow_offline_access: opt(z.boolean()),
  skip_consent_for_verifiable_first_party_clients: opt(z.boolean()),
  scopes: opt(z.array(z.object({ value: text, description: opt(text) })).max(MAX_LIST)),
  enforce_policies: opt(z.boolean()),
  token_dialect: opt(text),
});

const dependency = z.object({ name: text, version: opt(text) });
const code = z.string().max(MAX_CODE, { error: `expected at most ${MAX_CODE} characters of code` });

export const actionRecord = z.object({
  id,
  name: text,
  code: opt(code),
  runtime: opt(text),
  supported_triggers: opt(
    z
      .array(z.object({ id: z.string().regex(TRIGGER_ID, { error: "expected a trigger id such as post-login" }), version: opt(text) }))
      .max(MAX_LIST),
  ),
  dependencies: opt(z.array(dependency).max(MAX_LIST)),
  secrets: opt(z.array(z.object({ name: text })).max(MAX_LIST)),
  deployed_version: opt(
    z.object({
      id: opt(text),
      code: opt(code),
      runtime: opt(text),
      deployed: opt(z.boolean()),
      dependencies: opt(z.array(dependency).max(MAX_LIST)),
    }),
  ),
  all_changes_deployed: opt(z.boolean()),
  integration: opt(z.unknown()),
  installed_integration_id: opt(text),
});

export const bindingRecord = z.object({
  id: opt(text),
  trigger_id: opt(text),
  display_name: opt(text),
  action: opt(z.object({ id: opt(text), name: opt(text) })),
});

/** `GET /roles`, `GET /roles/{id}` (a role without a description answers `"description": null`). */
export const roleRecord = z.object({
  id,
  name: text,
  description: opt(text),
});

/** `GET /roles/{id}/permissions`: one scope of one API. */
export const rolePermissionRecord = z.object({
  permission_name: text,
  resource_server_identifier: text,
  resource_server_name: opt(text),
  description: opt(text),
});

export type ClientRecord = z.infer<typeof clientRecord>;
export type CredentialRecord = z.infer<typeof credentialRecord>;
export type GrantRecord = z.infer<typeof grantRecord>;
export type ResourceServerRecord = z.infer<typeof resourceServerRecord>;
export type ActionRecord = z.infer<typeof actionRecord>;
export type BindingRecord = z.infer<typeof bindingRecord>;
export type RoleRecord = z.infer<typeof roleRecord>;
export type RolePermissionRecord = z.infer<typeof rolePermissionRecord>;

/** What the Management API answers, as the schemas accept it (null where a field is unset): the emulator's records are typed from these. */
export type ClientAnswer = z.input<typeof clientRecord>;
export type CredentialAnswer = z.input<typeof credentialRecord>;
export type GrantAnswer = z.input<typeof grantRecord>;
export type ResourceServerAnswer = z.input<typeof resourceServerRecord>;
export type ActionAnswer = z.input<typeof actionRecord>;
export type BindingAnswer = z.input<typeof bindingRecord>;
export type RoleAnswer = z.input<typeof roleRecord>;
export type RolePermissionAnswer = z.input<typeof rolePermissionRecord>;
