import { inspectPublicKey, type PublicKeyInfo } from "../../spec/public-key";
import { ACTION_LIMITS } from "../../spec/triggers";
import { DEFAULT_TOKEN_LIFETIME, DEFAULT_TOKEN_LIFETIME_FOR_WEB, defaultTokenLifetimeForWeb } from "../../spec/token-lifetimes";
import {
  actionNotFound,
  badRequest,
  clientNotFound,
  conflict,
  credentialNotFound,
  grantNotFound,
  payloadError,
  resourceServerNotFound,
} from "./errors";
import { newId } from "./ids";
import { MANAGEMENT_SCOPES } from "./scopes";
import { checkBody, checkStringArray, jsonType, type FieldType } from "./validate";
import type { TenantSettings } from "./tenant-settings";

/**
 * The local tenant's Management API data: what Auth0 would hold after `pulumi up` of the plan (seed.ts), changed
 * afterwards only through the operations below (the HTTP routes call them; tests may too). Records are kept in the
 * Management API's own JSON form, so reads return them as Auth0 does; key material is kept beside the credential
 * records and never leaves the store.
 */

/** An Auth0 client in the Management API's form (no client_secret, no signing_keys: see docs/live-tenant.md). */
export interface ClientRecord {
  client_id: string;
  name: string;
  app_type?: string;
  [property: string]: unknown;
}

/** A client credential (`GET /clients/{id}/credentials`) plus the key it holds, which is never returned. */
export interface CredentialRecord {
  id: string;
  credential_type: "public_key";
  kid: string;
  alg: string;
  name: string;
  created_at: string;
  updated_at: string;
  expires_at?: string;
}

export interface StoredCredential {
  clientId: string;
  record: CredentialRecord;
  key: PublicKeyInfo;
}

export interface GrantRecord {
  id: string;
  client_id: string;
  audience: string;
  scope?: string[];
  [property: string]: unknown;
}

export interface ResourceServerRecord {
  id: string;
  identifier: string;
  name?: string;
  scopes?: { value: string; description?: string }[];
  is_system?: true;
  [property: string]: unknown;
}

export interface ActionVersionRecord {
  id: string;
  number: number;
  code: string;
  runtime: string;
  dependencies: unknown[];
  secrets: { name: string; updated_at: string }[];
  supported_triggers: { id: string; version: string }[];
  created_at: string;
  updated_at: string;
}

/** An action's draft plus its versions (each deploy adds one). */
export interface ActionRecord {
  id: string;
  name: string;
  code: string;
  runtime: string;
  dependencies: unknown[];
  secrets: { name: string; updated_at: string }[];
  supported_triggers: { id: string; version: string }[];
  created_at: string;
  updated_at: string;
  versions: ActionVersionRecord[];
  deployedVersionId?: string;
  /** The draft differs from the deployed version. */
  dirty: boolean;
}

export interface BindingRecord {
  id: string;
  trigger_id: string;
  action_id: string;
  display_name: string;
  created_at: string;
  updated_at: string;
}

/** Auth0's triggers and their current versions; any of them can be read (empty unless something is bound). */
export const TRIGGER_VERSIONS: Record<string, string> = {
  "post-login": "v3",
  "credentials-exchange": "v2",
  "pre-user-registration": "v2",
  "post-user-registration": "v2",
  "post-change-password": "v2",
  "send-phone-message": "v2",
  "password-reset-post-challenge": "v1",
  "custom-email-provider": "v1",
  "custom-phone-provider": "v1",
  "custom-token-exchange": "v1",
};

export const CREDENTIAL_ALGORITHMS = ["RS256", "RS384", "PS256"] as const;
const RUNTIMES = ["node22", "node18", "node18-actions", "node16"];

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

const RS_UPDATE_FIELDS: Record<string, FieldType> = {
  name: "string",
  scopes: "array",
  signing_alg: "string",
  signing_secret: "string",
  skip_consent_for_verifiable_first_party_clients: "boolean",
  allow_offline_access: "boolean",
  allow_online_access: "boolean",
  allow_online_access_with_ephemeral_sessions: "boolean",
  token_lifetime: "integer",
  // Not in the SDK's request types, but sent by the Terraform/Pulumi provider and accepted by Auth0.
  token_lifetime_for_web: "integer",
  token_lifetime_for_anonymous_access_tokens: "integer",
  token_dialect: "string",
  enforce_policies: "boolean",
  token_encryption: "any",
  consent_policy: "any",
  authorization_details: "any",
  proof_of_possession: "any",
  subject_type_authorization: "any",
  authorization_policy: "any",
};
const RS_CREATE_FIELDS: Record<string, FieldType> = { ...RS_UPDATE_FIELDS, identifier: "string" };
const SIGNING_ALGS = ["HS256", "RS256", "RS512", "PS256"];

const GRANT_UPDATE_FIELDS: Record<string, FieldType> = {
  scope: "array",
  organization_usage: "string",
  allow_any_organization: "boolean",
  authorization_details_types: "array",
  allow_all_scopes: "boolean",
};
const GRANT_CREATE_FIELDS: Record<string, FieldType> = {
  ...GRANT_UPDATE_FIELDS,
  client_id: "string",
  audience: "string",
  default_for: "string",
  subject_type: "string",
};

const ACTION_UPDATE_FIELDS: Record<string, FieldType> = {
  name: "string",
  supported_triggers: "array",
  code: "string",
  dependencies: "array",
  runtime: "string",
  secrets: "array",
  modules: "array",
};
const ACTION_CREATE_FIELDS: Record<string, FieldType> = { ...ACTION_UPDATE_FIELDS, deploy: "boolean" };

const CREDENTIAL_CREATE_FIELDS: Record<string, FieldType> = {
  credential_type: "string",
  name: "string",
  subject_dn: "string",
  pem: "string",
  alg: "string",
  parse_expiry_from_cert: "boolean",
  expires_at: "string",
  kid: "string",
};

/** Auth0 writes times with milliseconds: `2033-05-13T09:33:13.000Z`. */
export const auth0Time = (d: Date | string) => new Date(d).toISOString();

const clone = <T>(v: T): T => structuredClone(v);

export interface StoreOptions {
  /** The tenant's domain (`auth0:domain`): the Management API's identifier is `https://<domain>/api/v2/`. */
  domain: string;
  now?: () => Date;
}

interface Tables {
  clients: Map<string, ClientRecord>;
  credentials: Map<string, StoredCredential>;
  grants: Map<string, GrantRecord>;
  resourceServers: Map<string, ResourceServerRecord>;
  actions: Map<string, ActionRecord>;
  bindings: Map<string, BindingRecord[]>;
}

export class TenantStore {
  readonly domain: string;
  readonly now: () => Date;
  /** GET/PATCH /tenants/settings; read by the token endpoint, so kept out of the lazily seeded tables. */
  readonly settings: TenantSettings = {};
  /** Insertion order of grants, for checkpoint paging that survives deletions. */
  private readonly grantSeq = new Map<string, number>();
  private nextSeq = 1;
  private tables?: Tables;
  private readonly seeds: ((store: TenantStore) => void)[] = [];

  constructor(options: StoreOptions) {
    this.domain = options.domain;
    this.now = options.now ?? (() => new Date());
  }

  get clients() {
    return this.filled().clients;
  }
  /** By credential id. */
  get credentials() {
    return this.filled().credentials;
  }
  get grants() {
    return this.filled().grants;
  }
  get resourceServers() {
    return this.filled().resourceServers;
  }
  get actions() {
    return this.filled().actions;
  }
  /** By trigger id, in execution order. */
  get bindings() {
    return this.filled().bindings;
  }

  /**
   * Runs `seed` when the store is first read (at once if it has been): a tenant of 10,000 applications serves tokens
   * as soon as it starts, and builds its Management API's records on the first request that needs them.
   */
  seedOnFirstUse(seed: (store: TenantStore) => void): void {
    if (this.tables) seed(this);
    else this.seeds.push(seed);
  }

  private filled(): Tables {
    if (this.tables) return this.tables;
    this.tables = {
      clients: new Map(),
      credentials: new Map(),
      grants: new Map(),
      resourceServers: new Map(),
      actions: new Map(),
      bindings: new Map(),
    };
    this.addResourceServer(
      {
        id: newId("resourceServer", `system/${this.managementAudience}`),
        name: "Auth0 Management API",
        identifier: this.managementAudience,
        allow_offline_access: false,
        skip_consent_for_verifiable_first_party_clients: false,
        token_lifetime: DEFAULT_TOKEN_LIFETIME,
        token_lifetime_for_web: DEFAULT_TOKEN_LIFETIME_FOR_WEB,
        signing_alg: "RS256",
        scopes: MANAGEMENT_SCOPES.map((s) => ({ value: s.value, description: s.description })),
        is_system: true,
      },
      true,
    );
    for (const seed of this.seeds.splice(0)) seed(this);
    return this.tables;
  }

  /** `https://<domain>/api/v2/`: the Management API's own identifier (a system resource server, as in Auth0). */
  get managementAudience(): string {
    return `https://${this.domain}/api/v2/`;
  }

  private time(): string {
    return auth0Time(this.now());
  }

  // ---- clients ---------------------------------------------------------------------------------------------------

  client(id: string): ClientRecord {
    const c = this.clients.get(id);
    if (!c) throw clientNotFound();
    return c;
  }

  /** Inserts a client record as given (seeding). */
  addClient(record: ClientRecord): ClientRecord {
    if (this.clients.has(record.client_id)) throw conflict(`A client with client_id ${record.client_id} already exists`);
    this.clients.set(record.client_id, record);
    return record;
  }

  async createClient(body: unknown, options: { clientId?: string } = {}): Promise<ClientRecord> {
    const b = checkBody(body, CLIENT_FIELDS, { required: ["name"] });
    checkClientFields(b);
    const client_id = options.clientId ?? newId("client");
    const { jwt_configuration, client_authentication_methods, ...rest } = b;
    const record: ClientRecord = {
      name: b.name as string,
      client_id,
      ...clone(CLIENT_DEFAULTS),
      ...clone(rest),
      jwt_configuration: { ...JWT_CONFIGURATION_DEFAULTS, ...(jwt_configuration as object | undefined) },
    } as ClientRecord;
    if (client_authentication_methods === undefined && record.token_endpoint_auth_method === undefined) {
      record.token_endpoint_auth_method = "client_secret_post";
    }
    this.addClient(record);
    if (client_authentication_methods !== undefined) {
      try {
        // Credentials may be defined inline on create (each with its pem); they are created first, then attached.
        const methods = clone(client_authentication_methods) as { private_key_jwt?: { credentials?: Record<string, unknown>[] } };
        const inline = methods.private_key_jwt?.credentials ?? [];
        for (const [i, c] of inline.entries()) {
          if (jsonType(c) === "object" && c.id === undefined) {
            const created = await this.createCredential(client_id, c);
            inline[i] = { id: created.id };
          }
        }
        this.setAuthenticationMethods(record, methods);
      } catch (e) {
        this.deleteClient(client_id);
        throw e;
      }
    }
    return record;
  }

  updateClient(id: string, body: unknown): ClientRecord {
    const record = this.client(id);
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
    this.clients.set(id, next);
    return next;
  }

  /** Deletes a client with its credentials and grants (Auth0 removes them with it). */
  deleteClient(id: string): void {
    this.client(id);
    this.clients.delete(id);
    for (const [credId, c] of this.credentials) if (c.clientId === id) this.credentials.delete(credId);
    for (const [grantId, g] of this.grants) if (g.client_id === id) this.deleteGrant(grantId);
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
        if (this.credentials.get(credId)?.clientId !== record.client_id) {
          throw badRequest(`The credential ${credId} does not exist or does not belong to client ${record.client_id}`);
        }
      }
    }
    record.client_authentication_methods = clone(m);
  }

  /** Credentials the client authenticates with (those attached under client_authentication_methods.private_key_jwt). */
  privateKeyJwtCredentials(clientId: string): StoredCredential[] {
    const methods = this.clients.get(clientId)?.client_authentication_methods as
      { private_key_jwt?: { credentials?: { id: string }[] } } | undefined;
    return (methods?.private_key_jwt?.credentials ?? []).map((c) => this.credentials.get(c.id)).filter((c) => c !== undefined);
  }

  // ---- client credentials ----------------------------------------------------------------------------------------

  credentialsOf(clientId: string): CredentialRecord[] {
    this.client(clientId);
    return [...this.credentials.values()].filter((c) => c.clientId === clientId).map((c) => c.record);
  }

  credential(clientId: string, credentialId: string): CredentialRecord {
    this.client(clientId);
    const c = this.credentials.get(credentialId);
    if (!c || c.clientId !== clientId) throw credentialNotFound();
    return c.record;
  }

  addCredential(stored: StoredCredential): CredentialRecord {
    this.credentials.set(stored.record.id, stored);
    return stored.record;
  }

  /**
   * POST /clients/{id}/credentials: a public key (SPKI, PKCS#1) or X.509 certificate; `kid` is the key's RFC 7638
   * thumbprint unless one is given; `parse_expiry_from_cert` takes the certificate's notAfter. The PEM is kept for
   * verifying assertions and never returned.
   */
  async createCredential(clientId: string, body: unknown, options: { id?: string } = {}): Promise<CredentialRecord> {
    this.client(clientId);
    const b = checkBody(body, CREDENTIAL_CREATE_FIELDS, { required: ["credential_type"] });
    if (b.credential_type !== "public_key") {
      // Auth0 also has cert_subject_dn and x509_cert credentials (mTLS); they are not served here.
      throw payloadError(`Invalid value: ${JSON.stringify(b.credential_type)} (allowed: public_key)`, "credential_type");
    }
    if (typeof b.pem !== "string") throw payloadError("Missing required property: pem");
    const alg = (b.alg as string | undefined) ?? "RS256";
    if (!(CREDENTIAL_ALGORITHMS as readonly string[]).includes(alg)) {
      throw payloadError(`Invalid value: ${JSON.stringify(alg)} (allowed: ${CREDENTIAL_ALGORITHMS.join(", ")})`, "alg");
    }
    if (b.kid !== undefined && !/^[0-9a-zA-Z_-]{10,64}$/.test(b.kid as string)) {
      throw payloadError("String does not match pattern ^[0-9a-zA-Z-_]{10,64}$", "kid");
    }
    let key: PublicKeyInfo;
    try {
      key = await inspectPublicKey(b.pem);
    } catch (e) {
      throw badRequest(`Invalid pem: ${(e as Error).message}`);
    }
    let expires: string | undefined;
    if (b.expires_at !== undefined) {
      if (Number.isNaN(Date.parse(b.expires_at as string)))
        throw payloadError("Object didn't pass validation for format date-time", "expires_at");
      expires = auth0Time(b.expires_at as string);
    } else if (b.parse_expiry_from_cert === true) {
      if (!key.certificateNotAfter) throw badRequest("parse_expiry_from_cert needs an X.509 certificate in pem");
      expires = auth0Time(key.certificateNotAfter);
    }
    const now = this.time();
    const record: CredentialRecord = {
      id: options.id ?? newId("credential"),
      credential_type: "public_key",
      kid: (b.kid as string | undefined) ?? key.thumbprint,
      alg,
      name: (b.name as string | undefined) ?? "",
      created_at: now,
      updated_at: now,
      ...(expires !== undefined ? { expires_at: expires } : {}),
    };
    return this.addCredential({ clientId, record, key });
  }

  /** PATCH: only `expires_at` (Auth0 accepts nothing else; once set it cannot go back to "never"). */
  updateCredential(clientId: string, credentialId: string, body: unknown): CredentialRecord {
    const record = this.credential(clientId, credentialId);
    const b = checkBody(body, { expires_at: "string" });
    const next = { ...record };
    if (b.expires_at !== undefined) {
      if (Number.isNaN(Date.parse(b.expires_at as string)))
        throw payloadError("Object didn't pass validation for format date-time", "expires_at");
      next.expires_at = auth0Time(b.expires_at as string);
    }
    next.updated_at = this.time();
    this.credentials.get(credentialId)!.record = next;
    return next;
  }

  /** Deletes a credential; it is detached from the client's private_key_jwt list too (as the dashboard does). */
  deleteCredential(clientId: string, credentialId: string): void {
    this.credential(clientId, credentialId);
    this.credentials.delete(credentialId);
    const client = this.clients.get(clientId)!;
    const list = (client.client_authentication_methods as { private_key_jwt?: { credentials?: { id: string }[] } } | undefined)
      ?.private_key_jwt;
    if (list?.credentials) list.credentials = list.credentials.filter((c) => c.id !== credentialId);
  }

  // ---- client grants ---------------------------------------------------------------------------------------------

  grant(id: string): GrantRecord {
    const g = this.grants.get(id);
    if (!g) throw grantNotFound();
    return g;
  }

  addGrant(record: GrantRecord): GrantRecord {
    this.grants.set(record.id, record);
    this.grantSeq.set(record.id, this.nextSeq++);
    return record;
  }

  /** The grants in insertion order, each with its position (checkpoint paging resumes after one). */
  grantsInOrder(): { record: GrantRecord; seq: number }[] {
    return [...this.grants.values()].map((record) => ({ record, seq: this.grantSeq.get(record.id)! }));
  }

  createGrant(body: unknown, options: { id?: string } = {}): GrantRecord {
    const b = checkBody(body, GRANT_CREATE_FIELDS, { required: ["audience"] });
    if (b.client_id === undefined && b.default_for === undefined) throw payloadError("Missing required property: client_id");
    if (b.client_id !== undefined && !this.clients.has(b.client_id as string)) {
      throw clientNotFound();
    }
    const rs = this.resourceServerByIdentifier(b.audience as string);
    // Not recorded for client grants: the resource server's own 404.
    if (!rs) throw resourceServerNotFound();
    const scope = b.scope !== undefined ? checkStringArray(b.scope, "scope") : [];
    this.checkScopes(rs, scope);
    if (b.client_id !== undefined) {
      const existing = [...this.grants.values()].find((g) => g.client_id === b.client_id && g.audience === b.audience);
      // Not recorded: Auth0 answers 409 for a second grant of the same client and audience; the wording is ours.
      if (existing)
        throw conflict(
          `A client grant for client ${String(b.client_id)} and audience ${String(b.audience)} already exists (${existing.id})`,
        );
    }
    const { client_id, audience, scope: _scope, ...rest } = b;
    const record: GrantRecord = {
      id: options.id ?? newId("grant"),
      ...(client_id !== undefined ? { client_id: client_id as string } : {}),
      audience: audience as string,
      scope,
      subject_type: "client",
      ...clone(rest),
    } as GrantRecord;
    return this.addGrant(record);
  }

  updateGrant(id: string, body: unknown): GrantRecord {
    const record = this.grant(id);
    const b = checkBody(body, GRANT_UPDATE_FIELDS, { nullable: true });
    const next = clone(record);
    if (b.scope !== undefined && b.scope !== null) {
      const rs = this.resourceServerByIdentifier(record.audience);
      const scope = checkStringArray(b.scope, "scope");
      if (rs) this.checkScopes(rs, scope);
    }
    for (const [k, v] of Object.entries(b)) {
      if (v === null) delete next[k];
      else next[k] = clone(v);
    }
    this.grants.set(id, next);
    return next;
  }

  /** DELETE answers 204 whether or not the grant exists (recorded: the same id deleted twice, both 204). */
  deleteGrant(id: string): void {
    this.grants.delete(id);
    this.grantSeq.delete(id);
  }

  private checkScopes(rs: ResourceServerRecord, scope: string[]) {
    const defined = new Set((rs.scopes ?? []).map((s) => s.value));
    const unknown = scope.filter((s) => !defined.has(s));
    // The wording Auth0 gives this 400 (reported by users; not in a recording).
    if (unknown.length > 0) throw payloadError(`scope must be a subset of resource server scopes (not defined: ${unknown.join(", ")})`);
  }

  // ---- resource servers ------------------------------------------------------------------------------------------

  resourceServerByIdentifier(identifier: string): ResourceServerRecord | undefined {
    for (const rs of this.resourceServers.values()) if (rs.identifier === identifier) return rs;
    return undefined;
  }

  /** By id or by identifier (Auth0 accepts both, even a doubly URL-encoded identifier). */
  resourceServer(idOrIdentifier: string): ResourceServerRecord {
    let rs = this.resourceServers.get(idOrIdentifier) ?? this.resourceServerByIdentifier(idOrIdentifier);
    if (!rs) {
      try {
        rs = this.resourceServerByIdentifier(decodeURIComponent(idOrIdentifier));
      } catch {
        // not encoded
      }
    }
    if (!rs) throw resourceServerNotFound();
    return rs;
  }

  addResourceServer(record: ResourceServerRecord, system = false): ResourceServerRecord {
    if (this.resourceServerByIdentifier(record.identifier)) throw resourceServerConflict();
    this.resourceServers.set(record.id, system ? { ...record, is_system: true } : record);
    return this.resourceServers.get(record.id)!;
  }

  createResourceServer(body: unknown, options: { id?: string } = {}): ResourceServerRecord {
    const b = checkBody(body, RS_CREATE_FIELDS, { required: ["identifier"] });
    checkResourceServerFields(b);
    const { identifier, ...rest } = b;
    const record: ResourceServerRecord = {
      id: options.id ?? newId("resourceServer"),
      identifier: identifier as string,
      allow_offline_access: false,
      skip_consent_for_verifiable_first_party_clients: false,
      subject_type_authorization: { client: { policy: "require_client_grant" }, user: { policy: "allow_all" } },
      token_lifetime: DEFAULT_TOKEN_LIFETIME,
      token_lifetime_for_web: defaultTokenLifetimeForWeb((b.token_lifetime as number | undefined) ?? DEFAULT_TOKEN_LIFETIME),
      signing_alg: "RS256",
      ...clone(rest),
    };
    checkLifetimes(record);
    return this.addResourceServer(record);
  }

  updateResourceServer(idOrIdentifier: string, body: unknown): ResourceServerRecord {
    const record = this.resourceServer(idOrIdentifier);
    const b = checkBody(body, RS_UPDATE_FIELDS, { nullable: true });
    checkResourceServerFields(b);
    if (record.is_system && b.scopes !== undefined)
      throw badRequest("The scopes of a system resource server cannot be changed", "operation_not_supported");
    const next = clone(record);
    for (const [k, v] of Object.entries(b)) {
      if (v === null) delete next[k];
      else next[k] = clone(v);
    }
    checkLifetimes(next);
    this.resourceServers.set(record.id, next);
    return next;
  }

  /** Deletes an API and the client grants for it. Auth0's own system API cannot be deleted. */
  deleteResourceServer(idOrIdentifier: string): void {
    const record = this.resourceServer(idOrIdentifier);
    // Not recorded; the wording is ours.
    if (record.is_system) throw badRequest("A system resource server cannot be deleted", "operation_not_supported");
    this.resourceServers.delete(record.id);
    for (const [grantId, g] of this.grants) if (g.audience === record.identifier) this.deleteGrant(grantId);
  }

  // ---- actions ---------------------------------------------------------------------------------------------------

  action(id: string): ActionRecord {
    const a = this.actions.get(id);
    if (!a) throw actionNotFound();
    return a;
  }

  addAction(record: ActionRecord): ActionRecord {
    this.actions.set(record.id, record);
    return record;
  }

  createAction(body: unknown, options: { id?: string } = {}): ActionRecord {
    const b = checkBody(body, ACTION_CREATE_FIELDS, { required: ["name", "supported_triggers"] });
    const now = this.time();
    const fields = this.actionFields(b, now);
    if ([...this.actions.values()].some((a) => a.name === fields.name)) {
      // Not recorded: Auth0 keeps action names unique per tenant; the wording is ours.
      throw conflict(`An action with the name "${fields.name}" already exists`);
    }
    const record = this.addAction({
      id: options.id ?? newId("action"),
      name: fields.name!,
      code: fields.code ?? "",
      runtime: fields.runtime ?? "node22",
      dependencies: fields.dependencies ?? [],
      secrets: fields.secrets ?? [],
      supported_triggers: fields.supported_triggers!,
      created_at: now,
      updated_at: now,
      versions: [],
      dirty: true,
    });
    if (b.deploy === true) this.deployAction(record.id);
    return record;
  }

  updateAction(id: string, body: unknown): ActionRecord {
    const record = this.action(id);
    const b = checkBody(body, ACTION_UPDATE_FIELDS);
    const now = this.time();
    const fields = this.actionFields(b, now);
    if (fields.name !== undefined && fields.name !== record.name && [...this.actions.values()].some((a) => a.name === fields.name)) {
      throw conflict(`An action with the name "${fields.name}" already exists`);
    }
    Object.assign(record, fields, { updated_at: now, dirty: true });
    return record;
  }

  private actionFields(b: Record<string, unknown>, now: string): Partial<ActionRecord> {
    const out: Partial<ActionRecord> = {};
    if (b.name !== undefined) out.name = b.name as string;
    if (b.code !== undefined) {
      if (Buffer.byteLength(b.code as string) > ACTION_LIMITS.codeBytes)
        throw payloadError(`code is larger than ${ACTION_LIMITS.codeBytes} bytes`, "code");
      out.code = b.code as string;
    }
    if (b.runtime !== undefined) {
      if (!RUNTIMES.includes(b.runtime as string))
        throw payloadError(`Invalid value: ${JSON.stringify(b.runtime)} (allowed: ${RUNTIMES.join(", ")})`, "runtime");
      out.runtime = b.runtime as string;
    }
    if (b.dependencies !== undefined) out.dependencies = clone(b.dependencies as unknown[]);
    if (b.supported_triggers !== undefined) {
      const triggers = b.supported_triggers as unknown[];
      if (triggers.length !== 1) throw payloadError("an action supports exactly one trigger", "supported_triggers");
      out.supported_triggers = triggers.map((t) => {
        const id = (t as { id?: unknown } | null)?.id;
        if (typeof id !== "string" || !(id in TRIGGER_VERSIONS)) {
          throw payloadError(
            `Invalid value: ${JSON.stringify(id)} (allowed: ${Object.keys(TRIGGER_VERSIONS).join(", ")})`,
            "supported_triggers[0].id",
          );
        }
        const version = (t as { version?: unknown }).version;
        return { id, version: typeof version === "string" ? version : TRIGGER_VERSIONS[id]! };
      });
    }
    if (b.secrets !== undefined) {
      const secrets = b.secrets as unknown[];
      if (secrets.length > ACTION_LIMITS.secretsPerAction)
        throw payloadError(`at most ${ACTION_LIMITS.secretsPerAction} secrets`, "secrets");
      // Only names are kept: a secret's value is write-only in Auth0 and never needed locally.
      out.secrets = secrets.map((s) => {
        const name = (s as { name?: unknown } | null)?.name;
        if (typeof name !== "string" || name.length === 0) throw payloadError("Missing required property: name", "secrets");
        return { name, updated_at: now };
      });
    }
    return out;
  }

  /** POST /actions/actions/{id}/deploy: a new immutable version from the draft, deployed at once (Auth0 builds asynchronously). */
  deployAction(id: string, options: { versionId?: string } = {}): ActionVersionRecord {
    const record = this.action(id);
    const now = this.time();
    const version: ActionVersionRecord = {
      id: options.versionId ?? newId("version"),
      number: record.versions.length + 1,
      code: record.code,
      runtime: record.runtime,
      dependencies: clone(record.dependencies),
      secrets: clone(record.secrets),
      supported_triggers: clone(record.supported_triggers),
      created_at: now,
      updated_at: now,
    };
    record.versions.push(version);
    record.deployedVersionId = version.id;
    record.dirty = false;
    return version;
  }

  /** The triggers an action is bound to. */
  bindingsOfAction(actionId: string): BindingRecord[] {
    return [...this.bindings.values()].flat().filter((b) => b.action_id === actionId);
  }

  /** Deleting a bound action is refused with 409 unless `force` (which unbinds it first), as Auth0 does. */
  deleteAction(id: string, options: { force?: boolean } = {}): void {
    this.action(id);
    const bound = this.bindingsOfAction(id);
    if (bound.length > 0 && !options.force) {
      // Not recorded (the provider unbinds first); the wording is ours.
      throw conflict(
        `The action is bound to ${[...new Set(bound.map((b) => b.trigger_id))].join(", ")}: unbind it first (PATCH the trigger's bindings) or delete with force=true`,
      );
    }
    for (const [trigger, list] of this.bindings)
      this.bindings.set(
        trigger,
        list.filter((b) => b.action_id !== id),
      );
    this.actions.delete(id);
  }

  // ---- trigger bindings ------------------------------------------------------------------------------------------

  bindingsOf(triggerId: string): BindingRecord[] {
    checkTrigger(triggerId);
    return this.bindings.get(triggerId) ?? [];
  }

  /** PATCH replaces the whole list, in order; every binding gets a new id and created_at (as recorded). */
  setBindings(triggerId: string, body: unknown, options: { ids?: string[] } = {}): BindingRecord[] {
    checkTrigger(triggerId);
    const b = checkBody(body, { bindings: "array" }, { required: ["bindings"] });
    const entries = b.bindings as unknown[];
    if (entries.length > ACTION_LIMITS.actionsPerTrigger)
      throw payloadError(`at most ${ACTION_LIMITS.actionsPerTrigger} bindings per trigger`, "bindings");
    const now = this.time();
    const list = entries.map((entry, i): BindingRecord => {
      const e = checkBody(entry, { ref: "object", display_name: "string", secrets: "array" }, { required: ["ref"] });
      const ref = checkBody(e.ref, { type: "string", value: "string" }, { required: ["type", "value"] });
      let action: ActionRecord | undefined;
      if (ref.type === "action_id") action = this.actions.get(ref.value as string);
      else if (ref.type === "action_name") action = [...this.actions.values()].find((a) => a.name === ref.value);
      else throw payloadError(`Invalid value: ${JSON.stringify(ref.type)} (allowed: action_id, action_name)`, `bindings[${i}].ref.type`);
      if (!action) throw actionNotFound();
      if (!action.supported_triggers.some((t) => t.id === triggerId)) {
        throw badRequest(`The action ${action.name} does not support the trigger ${triggerId}`);
      }
      // Not recorded; Auth0 binds deployed versions only (the provider deploys before binding).
      if (!action.deployedVersionId) throw badRequest(`The action ${action.name} has no deployed version: deploy it before binding it`);
      return {
        id: options.ids?.[i] ?? newId("binding"),
        trigger_id: triggerId,
        action_id: action.id,
        display_name: (e.display_name as string | undefined) ?? action.name,
        created_at: now,
        updated_at: now,
      };
    });
    this.bindings.set(triggerId, list);
    return list;
  }
}

const resourceServerConflict = () => conflict("A resource server with the same identifier already exists");

function checkTrigger(triggerId: string) {
  if (!(triggerId in TRIGGER_VERSIONS)) {
    throw badRequest(
      `Path validation error: 'Invalid value "${triggerId}"' on property triggerId (An actions extensibility point).`,
      "invalid_uri",
    );
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

function checkResourceServerFields(b: Record<string, unknown>) {
  if (typeof b.signing_alg === "string" && !SIGNING_ALGS.includes(b.signing_alg))
    throw payloadError(`No enum match for: "${b.signing_alg}"`, "signing_alg");
  if (Array.isArray(b.scopes)) {
    for (const s of b.scopes as unknown[]) checkBody(s, { value: "string", description: "string" }, { required: ["value"] });
  }
}

function checkLifetimes(rs: ResourceServerRecord) {
  const life = rs.token_lifetime as number | undefined;
  const web = rs.token_lifetime_for_web as number | undefined;
  if (life !== undefined && (life < 1 || life > 2592000)) throw payloadError("Value out of range (1 to 2592000)", "token_lifetime");
  if (life !== undefined && web !== undefined && web > life) {
    throw payloadError("token_lifetime_for_web must be less than or equal to token_lifetime", "token_lifetime_for_web");
  }
}
