import {
  auth0Time,
  CLIENT_DEFAULTS,
  isManagementScope,
  JWT_CONFIGURATION_DEFAULTS,
  newId,
  type ClientRecord,
  type CredentialRecord,
  type ResourceServerRecord,
} from "@auth0-tenant/management-api-emulator";
import { RESOURCE_TYPES, resolveRefs, type DesiredResource, type Ref } from "../../model";
import type { Plan } from "../../plan";
import { inspectPublicKey, type PublicKeyInfo } from "../../spec/public-key";
import { localClientId } from "../clients";
import type { LocalStore } from ".";

/** The role kinds' type tokens (terraform-provider-auth0 v1.53.0 as bridged by @pulumi/auth0 3.49). */
export const ROLE_TYPES = {
  Role: "auth0:index/role:Role",
  RolePermissions: "auth0:index/rolePermissions:RolePermissions",
} as const;

/**
 * The store "as if deployed": every resource of the plan's desired state (the inputs `pulumi up` would send, in the
 * provider's form) as Auth0 would hold it afterwards, in the Management API's JSON form. Ids are derived from the
 * stack and the resource (the same on every start); client ids are the token endpoint's (localClientId).
 */
export function seedStore(plan: Plan, store: LocalStore): LocalStore {
  const stack = plan.spec.stack;
  const now = auth0Time(store.now());
  const byType = (type: string) => plan.desired.resources.filter((r) => r.type === type);
  const identifiers = new Map(byType(RESOURCE_TYPES.ResourceServer).map((r) => [r.name, (r.inputs as { identifier: string }).identifier]));
  const actionIds = new Map(byType(RESOURCE_TYPES.Action).map((r) => [r.name, newId("action", `${stack}/${r.name}`)]));
  const roleIds = new Map(byType(ROLE_TYPES.Role).map((r) => [r.name, newId("role", `${stack}/${r.name}`)]));
  const resolve = (ref: Ref): unknown => {
    const { type, name, output } = ref.$ref;
    if (type === RESOURCE_TYPES.Client && output === "clientId") return localClientId(stack, name);
    if (type === RESOURCE_TYPES.ResourceServer && output === "identifier") return identifiers.get(name);
    if (type === RESOURCE_TYPES.Action && output === "id") return actionIds.get(name);
    if ((type as string) === ROLE_TYPES.Role && output === "id") return roleIds.get(name);
    throw new Error(`seeding the local Management API: no value for ${type}::${name}.${output}`);
  };
  // Secret values are never known locally (and never returned by Auth0): only their names are kept.
  const inputsOf = <T>(r: DesiredResource) => resolveRefs(r.inputs, resolve, () => undefined) as T;

  const scopesByApi = new Map(
    byType(RESOURCE_TYPES.ResourceServerScopes).map((r) => [
      r.name,
      inputsOf<{ scopes: { name: string; description: string }[] }>(r).scopes.map((s) => ({ value: s.name, description: s.description })),
    ]),
  );
  for (const r of byType(RESOURCE_TYPES.ResourceServer)) {
    const i = inputsOf<ResourceServerArgs>(r);
    const record: ResourceServerRecord = {
      id: newId("resourceServer", `${stack}/${i.identifier}`),
      name: i.name,
      identifier: i.identifier,
      allow_offline_access: i.allowOfflineAccess ?? false,
      skip_consent_for_verifiable_first_party_clients: i.skipConsentForVerifiableFirstPartyClients ?? false,
      token_lifetime: i.tokenLifetime ?? 86400,
      token_lifetime_for_web: i.tokenLifetimeForWeb ?? 7200,
      signing_alg: i.signingAlg ?? "RS256",
      ...((scopesByApi.get(r.name) ?? []).length > 0 ? { scopes: scopesByApi.get(r.name) } : {}),
      ...(i.enforcePolicies !== undefined ? { enforce_policies: i.enforcePolicies } : {}),
      ...(i.tokenDialect !== undefined ? { token_dialect: i.tokenDialect } : {}),
    };
    store.resourceServers.add(record);
  }

  const credentialsByApp = new Map<string, { id: string }[]>();
  for (const r of byType(RESOURCE_TYPES.ClientCredentials)) {
    const i = inputsOf<CredentialsArgs>(r);
    const ids: { id: string }[] = [];
    const declared = plan.spec.applications[r.name]?.credentials ?? [];
    for (const [n, c] of i.privateKeyJwt.credentials.entries()) {
      // The plan inspected each key already.
      const key = declared[n]?.key;
      if (key?.pem !== c.pem) throw new Error(`seeding the local Management API: ${r.name}'s credential ${c.name} is not the spec's`);
      const expires = c.expiresAt ?? (c.parseExpiryFromCert && key.certificateNotAfter ? key.certificateNotAfter.toISOString() : undefined);
      const record: CredentialRecord = {
        id: newId("credential", `${stack}/${r.name}/${key.thumbprint}`),
        credential_type: "public_key",
        kid: key.thumbprint,
        alg: c.algorithm ?? "RS256",
        name: c.name,
        created_at: now,
        updated_at: now,
        ...(expires ? { expires_at: auth0Time(expires) } : {}),
      };
      store.credentials.add({ clientId: i.clientId, record, key });
      ids.push({ id: record.id });
    }
    credentialsByApp.set(r.name, ids);
  }

  for (const r of byType(RESOURCE_TYPES.Client)) {
    const i = inputsOf<ClientArgs>(r);
    const credentials = credentialsByApp.get(r.name);
    const record: ClientRecord = {
      name: i.name,
      ...(i.description !== undefined ? { description: i.description } : {}),
      client_id: localClientId(stack, r.name),
      app_type: i.appType,
      is_first_party: i.isFirstParty ?? CLIENT_DEFAULTS.is_first_party,
      is_token_endpoint_ip_header_trusted: false,
      oidc_conformant: i.oidcConformant ?? CLIENT_DEFAULTS.oidc_conformant,
      ...(i.callbacks ? { callbacks: [...i.callbacks] } : {}),
      ...(i.allowedLogoutUrls ? { allowed_logout_urls: [...i.allowedLogoutUrls] } : {}),
      ...(i.webOrigins ? { web_origins: [...i.webOrigins] } : {}),
      jwt_configuration: { ...JWT_CONFIGURATION_DEFAULTS, ...(i.jwtConfiguration?.alg ? { alg: i.jwtConfiguration.alg } : {}) },
      sso_disabled: false,
      cross_origin_authentication: false,
      grant_types: [...(i.grantTypes ?? CLIENT_DEFAULTS.grant_types)],
      custom_login_page_on: true,
      client_metadata: { ...(i.clientMetadata ?? {}) },
      refresh_token: structuredClone(CLIENT_DEFAULTS.refresh_token),
      // With private_key_jwt configured (ClientCredentials) Auth0 drops token_endpoint_auth_method (recorded); a
      // client without credentials keeps the secret method every client starts with.
      ...(credentials
        ? { client_authentication_methods: { private_key_jwt: { credentials } } }
        : { token_endpoint_auth_method: "client_secret_post" }),
    };
    store.clients.add(record);
  }

  for (const r of byType(RESOURCE_TYPES.ClientGrant)) {
    const i = inputsOf<{ clientId: string; audience: string; scopes: string[] }>(r);
    store.grants.add({
      id: newId("grant", `${stack}/${i.clientId}/${i.audience}`),
      client_id: i.clientId,
      audience: i.audience,
      scope: [...i.scopes],
      subject_type: "client",
    });
  }

  for (const r of byType(RESOURCE_TYPES.Action)) {
    const i = inputsOf<ActionArgs>(r);
    const id = actionIds.get(r.name)!;
    const triggers = Array.isArray(i.supportedTriggers) ? i.supportedTriggers : [i.supportedTriggers];
    store.actions.add({
      id,
      name: i.name,
      code: i.code,
      runtime: i.runtime ?? "node22",
      dependencies: [],
      secrets: (i.secrets ?? []).map((s) => ({ name: s.name, updated_at: now })),
      supported_triggers: triggers.map((t) => ({ id: t.id, version: t.version })),
      created_at: now,
      updated_at: now,
      versions: [],
      dirty: true,
    });
    if (i.deploy) store.actions.deploy(id, { versionId: newId("version", `${stack}/${r.name}/${i.code}`) });
  }

  for (const r of byType(RESOURCE_TYPES.TriggerActions)) {
    const i = inputsOf<{ trigger: string; actions: { id: string; displayName: string }[] }>(r);
    store.bindings.replace(
      i.trigger,
      { bindings: i.actions.map((a) => ({ ref: { type: "action_id", value: a.id }, display_name: a.displayName })) },
      { ids: i.actions.map((a, n) => newId("binding", `${stack}/${i.trigger}/${n}/${a.id}`)) },
    );
  }

  for (const r of byType(ROLE_TYPES.Role)) {
    const i = inputsOf<{ name: string; description?: string }>(r);
    store.roles.create(
      { name: i.name, ...(i.description !== undefined ? { description: i.description } : {}) },
      { id: roleIds.get(r.name)! },
    );
  }
  for (const r of byType(ROLE_TYPES.RolePermissions)) {
    const i = inputsOf<{ roleId: string; permissions: { name: string; resourceServerIdentifier: string }[] }>(r);
    if (i.permissions.length === 0) continue;
    store.roles.addPermissions(i.roleId, {
      permissions: i.permissions.map((p) => ({ permission_name: p.name, resource_server_identifier: p.resourceServerIdentifier })),
    });
  }
  return store;
}

/** A client that may call the local Management API (see startLocalTenant's `managementClients`). */
export interface ManagementClientOption {
  /** Its client id (what it sends as iss/sub of its assertions); at most 64 characters. */
  clientId: string;
  /** The public half of the key it signs assertions with: SPKI, PKCS#1 or an X.509 certificate, RSA 2048-4096. */
  publicKeyPem: string;
  /** Management API scopes granted to it, e.g. READ_SCOPES. */
  scopes: readonly string[];
  /** The credential's algorithm (default RS256, the `auth0` SDK's default). */
  alg?: "RS256" | "RS384" | "PS256";
  name?: string;
}

/**
 * Registers a management client as it would exist in Auth0: a non-interactive client with one private_key_jwt
 * credential and a client grant for the Management API with its scopes (so it is listed by GET /clients too).
 */
export async function addManagementClient(store: LocalStore, option: ManagementClientOption): Promise<ClientRecord> {
  return (await managementClientSeed(option))(store);
}

/** Checks a management client and inspects its key now; the returned step adds it to a store (see seedOnFirstUse). */
export async function managementClientSeed(option: ManagementClientOption): Promise<(store: LocalStore) => ClientRecord> {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(option.clientId)) {
    throw new Error(`management client id "${option.clientId}": 1 to 64 letters, digits, '.', '_' or '-'`);
  }
  const unknown = option.scopes.filter((s) => !isManagementScope(s));
  if (unknown.length > 0)
    throw new Error(`management client ${option.clientId}: not Management API scopes served locally: ${unknown.join(", ")}`);
  const key = await inspectPublicKey(option.publicKeyPem);
  return (store) => addInspected(store, option, key);
}

function addInspected(store: LocalStore, option: ManagementClientOption, key: PublicKeyInfo): ClientRecord {
  if (store.clients.has(option.clientId)) throw new Error(`management client id "${option.clientId}" is already a client of this tenant`);
  const now = auth0Time(store.now());
  const credential: CredentialRecord = {
    id: newId("credential", `management/${option.clientId}/${key.thumbprint}`),
    credential_type: "public_key",
    kid: key.thumbprint,
    alg: option.alg ?? "RS256",
    name: `${option.clientId}-key`,
    created_at: now,
    updated_at: now,
  };
  store.credentials.add({ clientId: option.clientId, record: credential, key });
  const record = store.clients.add({
    name: option.name ?? `Management API client ${option.clientId}`,
    client_id: option.clientId,
    app_type: "non_interactive",
    is_first_party: true,
    is_token_endpoint_ip_header_trusted: false,
    oidc_conformant: true,
    jwt_configuration: { ...JWT_CONFIGURATION_DEFAULTS, alg: "RS256" },
    sso_disabled: false,
    cross_origin_authentication: false,
    grant_types: ["client_credentials"],
    custom_login_page_on: true,
    refresh_token: structuredClone(CLIENT_DEFAULTS.refresh_token),
    client_authentication_methods: { private_key_jwt: { credentials: [{ id: credential.id }] } },
  });
  store.grants.add({
    id: newId("grant", `management/${option.clientId}`),
    client_id: option.clientId,
    audience: store.managementAudience,
    scope: [...option.scopes],
    subject_type: "client",
  });
  return record;
}

// The desired state's inputs after resolving references (plain values; see src/model).
interface ResourceServerArgs {
  identifier: string;
  name: string;
  signingAlg?: string;
  tokenLifetime?: number;
  tokenLifetimeForWeb?: number;
  allowOfflineAccess?: boolean;
  skipConsentForVerifiableFirstPartyClients?: boolean;
  enforcePolicies?: boolean;
  tokenDialect?: string;
}
interface CredentialsArgs {
  clientId: string;
  privateKeyJwt: {
    credentials: { name: string; pem: string; algorithm?: string; expiresAt?: string; parseExpiryFromCert?: boolean }[];
  };
}
interface ClientArgs {
  name: string;
  description?: string;
  appType: string;
  grantTypes?: string[];
  callbacks?: string[];
  allowedLogoutUrls?: string[];
  webOrigins?: string[];
  oidcConformant?: boolean;
  isFirstParty?: boolean;
  clientMetadata?: Record<string, string>;
  jwtConfiguration?: { alg?: string };
}
interface ActionArgs {
  name: string;
  code: string;
  runtime?: string;
  deploy?: boolean;
  supportedTriggers: { id: string; version: string } | { id: string; version: string }[];
  secrets?: { name: string }[];
}
