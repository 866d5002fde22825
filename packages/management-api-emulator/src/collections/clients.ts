import { badRequest, clientNotFound, conflict, invalidQuery, payloadError } from "../errors";
import { globalClient, globalClientReadOnly, isGlobalClient } from "../global-client";
import { listParam, type Route } from "../http";
import { newId } from "../ids";
import { booleanParam, offsetPage, offsetParams } from "../paging";
import type { TenantStore } from "../store";
import { checkBody, checkStringArray, jsonType, type FieldType } from "../validate";
import type * as Wire from "../wire";

/** An Auth0 client in the Management API's form (no client_secret, no signing_keys): the wire record and the rest. */
export type ClientRecord = Wire.ClientAnswer & { client_id: string; name: string; [property: string]: unknown };

/** Defaults Auth0 fills in on POST /clients (terraform-provider-auth0 v1.53.0, TestAccClientAuthenticationMethodsPrivateKeyJWT.yaml id 0). */
export const CLIENT_DEFAULTS = {
  is_first_party: true,
  is_token_endpoint_ip_header_trusted: false,
  oidc_conformant: false,
  sso_disabled: false,
  cross_origin_authentication: false,
  grant_types: ["authorization_code", "implicit", "refresh_token", "client_credentials"],
  custom_login_page_on: true,
  refresh_token: {
    rotation_type: "non-rotating",
    expiration_type: "non-expiring",
    leeway: 0,
    token_lifetime: 31557600,
    infinite_token_lifetime: true,
    infinite_idle_token_lifetime: true,
    idle_token_lifetime: 2592000,
  },
} as const;
export const JWT_CONFIGURATION_DEFAULTS = { secret_encoded: false, lifetime_in_seconds: 36000 } as const;

/** The properties each body may carry (the `auth0` v7 SDK's request types), with the types checked here. */
const CLIENT_FIELDS: Record<string, FieldType> = {
  ...Object.fromEntries(
    (
      "logo_uri oidc_logout oidc_backchannel_logout session_transfer allowed_origins client_aliases allowed_clients encryption_key sso " +
      "cross_origin_loc custom_login_page custom_login_page_preview form_template addons mobile initiate_login_uri native_social_login " +
      "fedcm_login refresh_token default_organization organization_usage organization_require_behavior organization_discovery_methods " +
      "require_pushed_authorization_requests require_proof_of_possession signed_request_object token_vault_privileged_access " +
      "compliance_level skip_non_verifiable_callback_uri_confirmation_prompt token_exchange par_request_expiry token_quota " +
      "resource_server_identifier identity_assertion_authorization_grant anonymous_sessions third_party_security_mode redirection_policy " +
      "express_configuration my_organization_configuration async_approval_notification_channels"
    )
      .split(" ")
      .map((k) => [k, "any" as FieldType]),
  ),
  name: "string",
  description: "string",
  app_type: "string",
  callbacks: "array",
  allowed_logout_urls: "array",
  web_origins: "array",
  grant_types: "array",
  token_endpoint_auth_method: "string",
  is_token_endpoint_ip_header_trusted: "boolean",
  is_first_party: "boolean",
  oidc_conformant: "boolean",
  jwt_configuration: "object",
  cross_origin_authentication: "boolean",
  sso_disabled: "boolean",
  custom_login_page_on: "boolean",
  client_metadata: "object",
  client_authentication_methods: "object",
};
const CLIENT_UPDATE_FIELDS = Object.fromEntries(
  Object.entries(CLIENT_FIELDS).filter(([k]) => k !== "resource_server_identifier"),
) as Record<string, FieldType>;
const APP_TYPES = [
  "native",
  "spa",
  "regular_web",
  "non_interactive",
  "resource_server",
  "express_configuration",
  "rms",
  "box",
  "cloudbees",
];
const AUTH_METHODS = ["none", "client_secret_post", "client_secret_basic"];

const clone = <T>(v: T): T => structuredClone(v);

type AuthenticationMethods = { private_key_jwt?: { credentials?: { id: string }[] } };

/** Clients by client id. */
export class Clients extends Map<string, ClientRecord> {
  constructor(private readonly store: TenantStore) {
    super();
  }

  /** The client, or Auth0's 404. */
  require(id: string): ClientRecord {
    const c = this.get(id);
    if (!c) throw clientNotFound();
    return c;
  }

  /** Inserts a client record as given (seeding). */
  add(record: ClientRecord): ClientRecord {
    if (this.has(record.client_id)) throw conflict(`A client with client_id ${record.client_id} already exists`);
    this.set(record.client_id, record);
    return record;
  }

  async create(body: unknown, options: { clientId?: string } = {}): Promise<ClientRecord> {
    const b = checkBody(body, CLIENT_FIELDS, { required: ["name"] });
    checkClientFields(b);
    const client_id = options.clientId ?? newId("client");
    const { jwt_configuration, client_authentication_methods, ...rest } = b;
    const record = {
      name: b.name as string,
      client_id,
      ...(clone(CLIENT_DEFAULTS) as Record<string, unknown>),
      ...clone(rest),
      jwt_configuration: { ...JWT_CONFIGURATION_DEFAULTS, ...(jwt_configuration as object | undefined) },
    } as ClientRecord;
    if (client_authentication_methods === undefined && record.token_endpoint_auth_method === undefined) {
      record.token_endpoint_auth_method = "client_secret_post";
    }
    this.add(record);
    if (client_authentication_methods !== undefined) {
      try {
        // Credentials may be defined inline on create (each with its pem); they are created first, then attached.
        const methods = clone(client_authentication_methods) as { private_key_jwt?: { credentials?: Record<string, unknown>[] } };
        const inline = methods.private_key_jwt?.credentials ?? [];
        for (const [i, c] of inline.entries()) {
          if (jsonType(c) === "object" && c.id === undefined) {
            const created = await this.store.credentials.create(client_id, c);
            inline[i] = { id: created.id };
          }
        }
        this.setAuthenticationMethods(record, methods);
      } catch (e) {
        this.remove(client_id);
        throw e;
      }
    }
    return record;
  }

  update(id: string, body: unknown): ClientRecord {
    const record = this.require(id);
    const b = checkBody(body, CLIENT_UPDATE_FIELDS, { nullable: true });
    checkClientFields(b);
    if (b.client_authentication_methods != null && b.token_endpoint_auth_method != null) {
      throw payloadError("token_endpoint_auth_method and client_authentication_methods cannot both be set");
    }
    const next = clone(record);
    for (const [k, v] of Object.entries(b)) {
      if (k === "client_authentication_methods") continue;
      if (v === null) delete next[k];
      else if (k === "jwt_configuration") next[k] = { ...(next[k] as object | undefined), ...(v as object) };
      else next[k] = clone(v);
    }
    if (b.client_authentication_methods === null) delete next.client_authentication_methods;
    else if (b.client_authentication_methods !== undefined) {
      this.setAuthenticationMethods(next, b.client_authentication_methods);
      if (!("token_endpoint_auth_method" in b)) delete next.token_endpoint_auth_method;
    }
    this.set(id, next);
    return next;
  }

  /** Deletes a client with its credentials and grants (Auth0 removes them with it). */
  remove(id: string): void {
    this.require(id);
    this.delete(id);
    for (const [credId, c] of this.store.credentials) if (c.clientId === id) this.store.credentials.delete(credId);
    for (const [grantId, g] of this.store.grants) if (g.client_id === id) this.store.grants.remove(grantId);
  }

  private setAuthenticationMethods(record: ClientRecord, methods: unknown) {
    if (jsonType(methods) !== "object")
      throw payloadError(`Expected type object but found type ${jsonType(methods)}`, "client_authentication_methods");
    const m = methods as Record<string, unknown>;
    for (const key of Object.keys(m)) {
      if (!["private_key_jwt", "tls_client_auth", "self_signed_tls_client_auth"].includes(key)) {
        throw payloadError(`Additional properties not allowed: ${key}`, "client_authentication_methods");
      }
    }
    const creds = (m.private_key_jwt as { credentials?: unknown } | undefined)?.credentials;
    if (m.private_key_jwt !== undefined) {
      if (!Array.isArray(creds))
        throw payloadError("Missing required property: credentials", "client_authentication_methods.private_key_jwt");
      for (const c of creds as unknown[]) {
        const credId = (c as { id?: unknown } | null)?.id;
        if (typeof credId !== "string")
          throw payloadError("Missing required property: id", "client_authentication_methods.private_key_jwt.credentials");
        // Not recorded: Auth0 refuses a credential of another client; the wording here is ours.
        if (this.store.credentials.get(credId)?.clientId !== record.client_id) {
          throw badRequest(`The credential ${credId} does not exist or does not belong to client ${record.client_id}`);
        }
      }
    }
    record.client_authentication_methods = clone(m) as AuthenticationMethods;
  }

  /** The ids of the credentials a client authenticates with (those attached under client_authentication_methods.private_key_jwt). */
  privateKeyJwtCredentialIds(clientId: string): string[] {
    const methods = this.get(clientId)?.client_authentication_methods as AuthenticationMethods | undefined;
    return (methods?.private_key_jwt?.credentials ?? []).map((c) => c.id);
  }

  /** Detaches a credential from a client's private_key_jwt list (as the dashboard does when it is deleted). */
  detachCredential(clientId: string, credentialId: string): void {
    const list = (this.get(clientId)?.client_authentication_methods as AuthenticationMethods | undefined)?.private_key_jwt;
    if (list?.credentials) list.credentials = list.credentials.filter((c) => c.id !== credentialId);
  }
}

function checkClientFields(b: Record<string, unknown>) {
  if (typeof b.name === "string" && b.name.trim() === "") throw payloadError("String is too short (0 chars), minimum 1", "name");
  if (typeof b.app_type === "string" && !APP_TYPES.includes(b.app_type)) {
    throw payloadError(`No enum match for: "${b.app_type}"`, "app_type");
  }
  if (typeof b.token_endpoint_auth_method === "string" && !AUTH_METHODS.includes(b.token_endpoint_auth_method)) {
    throw payloadError(`No enum match for: "${b.token_endpoint_auth_method}"`, "token_endpoint_auth_method");
  }
  for (const k of ["callbacks", "allowed_logout_urls", "web_origins", "grant_types"]) if (Array.isArray(b[k])) checkStringArray(b[k], k);
  if (b.client_metadata != null) {
    const metadata = b.client_metadata as Record<string, unknown>;
    if (Object.keys(metadata).length > 10) throw payloadError("Too many properties defined, maximum 10", "client_metadata");
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string" || v.length > 255)
        throw payloadError(`Expected type string (at most 255 characters) for key ${k}`, "client_metadata");
    }
  }
}

/** `fields` + `include_fields` (default true): only, or all but, the named properties. */
export function selectFields<T extends object>(body: T, fields: string[] | undefined, include = true): Partial<T> {
  if (!fields || fields.length === 0) return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => fields.includes(k) === include)) as Partial<T>;
}

export const clientView = (c: ClientRecord): ClientRecord => clone(c);

export function clientRoutes(route: Route, store: TenantStore): void {
  route(
    "GET",
    "/clients",
    ["read:clients"],
    ["fields", "include_fields", "page", "per_page", "include_totals", "is_global", "is_first_party", "app_type", "q"],
    ({ query }) => {
      if (query.has("q")) throw invalidQuery("'q (Lucene queries) is not supported by the local tenant' on property q.");
      const paging = offsetParams(query);
      const appTypes = listParam(query, "app_type");
      const firstParty = booleanParam(query, "is_first_party");
      const global = booleanParam(query, "is_global");
      const fields = listParam(query, "fields");
      const include = booleanParam(query, "include_fields") ?? true;
      const clients = [globalClient(store), ...store.clients.values()]
        .filter((c) => !appTypes || appTypes.includes(String(c.app_type)))
        .filter((c) => firstParty === undefined || c.is_first_party === firstParty)
        .filter((c) => global === undefined || (c.global === true) === global)
        .map((c) => selectFields(clientView(c), fields, include));
      return { status: 200, body: offsetPage(clients, "clients", paging) };
    },
  );
  route("POST", "/clients", ["create:clients"], [], async ({ json }) => ({
    status: 201,
    body: clientView(await store.clients.create(json())),
  }));
  route("GET", "/clients/:id", ["read:clients"], ["fields", "include_fields"], ({ ctx, query }) => {
    const id = ctx.params.id!;
    const client = isGlobalClient(store, id) ? globalClient(store) : store.clients.require(id);
    return {
      status: 200,
      body: selectFields(clientView(client), listParam(query, "fields"), booleanParam(query, "include_fields") ?? true),
    };
  });
  route("PATCH", "/clients/:id", ["update:clients"], [], ({ ctx, json }) => {
    if (isGlobalClient(store, ctx.params.id!)) throw globalClientReadOnly();
    return { status: 200, body: clientView(store.clients.update(ctx.params.id!, json())) };
  });
  route("DELETE", "/clients/:id", ["delete:clients"], [], ({ ctx }) => {
    if (isGlobalClient(store, ctx.params.id!)) throw globalClientReadOnly();
    store.clients.remove(ctx.params.id!);
    return { status: 204 };
  });
}
