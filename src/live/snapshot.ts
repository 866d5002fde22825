import { TRIGGER_IDS } from "../spec/triggers";
import { dict } from "../dict";
import { DEFAULT_TOKEN_LIFETIME, defaultTokenLifetimeForWeb } from "../spec/token-lifetimes";
import type {
  ActionRecord,
  BindingRecord,
  ClientRecord,
  CredentialRecord,
  GrantRecord,
  ResourceServerRecord,
  TenantReader,
} from "./reader";

/**
 * A live tenant in the project's vocabulary: what the Management API returns, normalised (defaults filled in as
 * Auth0 documents them, lists sorted where Auth0's order carries no meaning). Import and drift read only this.
 */
export interface LiveTenant {
  domain: string;
  /** The client the reader authenticated as (it is the previewer or deployer, never an application of the spec). */
  readerClientId: string;
  clients: LiveClient[];
  apis: LiveApi[];
  grants: LiveGrant[];
  actions: LiveAction[];
  /** Bindings of every trigger an action supports (and of post-login and credentials-exchange), in execution order. */
  bindings: Record<string, LiveBinding[]>;
}

export interface LiveCredential {
  id: string;
  name: string;
  /** Auth0's key id: the public key's RFC 7638 thumbprint unless a kid was chosen when it was uploaded. */
  kid: string;
  alg: string;
  type: string;
  createdAt?: string;
  expiresAt?: string;
  /** Listed in the client's private_key_jwt credentials: only an attached credential can authenticate. */
  attached: boolean;
}

export interface LiveClient {
  clientId: string;
  name: string;
  description?: string;
  appType?: string;
  isFirstParty: boolean;
  oidcConformant: boolean;
  grantTypes: string[];
  callbacks: string[];
  allowedLogoutUrls: string[];
  webOrigins: string[];
  metadata: Record<string, string>;
  jwtAlg?: string;
  /** How it authenticates at the token endpoint: private_key_jwt, or a secret method, or none. */
  authMethod: string;
  credentials: LiveCredential[];
}

export interface LiveApi {
  id: string;
  identifier: string;
  name: string;
  /** Auth0's own APIs (the Management API): never declared by a spec. */
  system: boolean;
  signingAlg: string;
  tokenLifetime: number;
  tokenLifetimeForWeb: number;
  allowOfflineAccess: boolean;
  skipConsentForVerifiableFirstPartyClients: boolean;
  scopes: { name: string; description: string }[];
}

export interface LiveGrant {
  id: string;
  clientId: string;
  audience: string;
  scopes: string[];
  /** "client" (the client-credentials grants the spec declares) or "user" (user access to an API through the app). */
  subjectType: string;
}

export interface LiveAction {
  id: string;
  name: string;
  trigger: string;
  triggerVersion?: string;
  runtime: string;
  /** The code Auth0 runs (the deployed version's); undefined when no version is deployed. */
  deployedCode?: string;
  /** The draft's code (what the provider reads back as `code`). */
  draftCode: string;
  /** The draft has changes that are not deployed. */
  undeployedChanges: boolean;
  secrets: string[];
  dependencies: { name: string; version: string }[];
  /** Installed from the marketplace (an integration): its code is not the tenant's to declare. */
  marketplace: boolean;
}

export interface LiveBinding {
  id: string;
  trigger: string;
  actionId: string;
  actionName: string;
  displayName: string;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export function liveClient(c: ClientRecord, credentials: CredentialRecord[]): LiveClient {
  const attached = new Set((c.client_authentication_methods?.private_key_jwt?.credentials ?? []).map((x) => x.id));
  const metadata = dict(Object.entries(c.client_metadata ?? {}));
  return {
    clientId: c.client_id,
    name: c.name ?? "",
    ...(c.description !== undefined && c.description !== "" ? { description: c.description } : {}),
    ...(c.app_type ? { appType: c.app_type } : {}),
    isFirstParty: c.is_first_party ?? true,
    oidcConformant: c.oidc_conformant ?? false,
    grantTypes: strings(c.grant_types),
    callbacks: strings(c.callbacks),
    allowedLogoutUrls: strings(c.allowed_logout_urls),
    webOrigins: strings(c.web_origins),
    metadata,
    ...(c.jwt_configuration?.alg ? { jwtAlg: c.jwt_configuration.alg } : {}),
    authMethod: attached.size > 0 ? "private_key_jwt" : (c.token_endpoint_auth_method ?? "client_secret_post"),
    credentials: credentials.map((r) => ({
      id: r.id,
      name: r.name ?? "",
      kid: r.kid ?? "",
      alg: r.alg ?? "RS256",
      type: r.credential_type ?? "public_key",
      ...(r.created_at ? { createdAt: r.created_at } : {}),
      ...(r.expires_at ? { expiresAt: new Date(r.expires_at).toISOString() } : {}),
      attached: attached.has(r.id),
    })),
  };
}

export function liveApi(rs: ResourceServerRecord): LiveApi {
  const tokenLifetime = rs.token_lifetime ?? DEFAULT_TOKEN_LIFETIME;
  return {
    id: rs.id,
    identifier: rs.identifier,
    name: rs.name ?? rs.identifier,
    system: rs.is_system === true,
    signingAlg: (rs.signing_alg ?? "RS256").toUpperCase(),
    tokenLifetime,
    tokenLifetimeForWeb: rs.token_lifetime_for_web ?? defaultTokenLifetimeForWeb(tokenLifetime),
    allowOfflineAccess: rs.allow_offline_access ?? false,
    skipConsentForVerifiableFirstPartyClients: rs.skip_consent_for_verifiable_first_party_clients ?? false,
    scopes: (rs.scopes ?? []).map((s) => ({ name: s.value, description: s.description ?? "" })),
  };
}

export const liveGrant = (g: GrantRecord): LiveGrant => ({
  id: g.id,
  clientId: g.client_id ?? "",
  audience: g.audience,
  scopes: strings(g.scope),
  subjectType: g.subject_type ?? "client",
});

export function liveAction(a: ActionRecord): LiveAction {
  const trigger = a.supported_triggers?.[0];
  const deployed = a.deployed_version;
  return {
    id: a.id,
    name: a.name,
    trigger: trigger?.id ?? "",
    ...(trigger?.version ? { triggerVersion: trigger.version } : {}),
    // Auth0 spells node 18 "node18-actions"; the provider reads it back as node18.
    runtime: (deployed?.runtime ?? a.runtime ?? "node22").replace(/-actions$/, ""),
    ...(deployed?.code !== undefined ? { deployedCode: deployed.code } : {}),
    draftCode: a.code ?? deployed?.code ?? "",
    undeployedChanges: a.all_changes_deployed === false && deployed !== undefined,
    secrets: (a.secrets ?? []).map((s) => s.name).sort(),
    dependencies: (deployed?.dependencies ?? a.dependencies ?? []).map((d) => ({ name: d.name, version: d.version ?? "latest" })),
    marketplace: a.integration !== undefined || a.installed_integration_id !== undefined,
  };
}

export const liveBinding = (trigger: string, b: BindingRecord): LiveBinding => ({
  id: b.id ?? "",
  trigger,
  actionId: b.action?.id ?? "",
  actionName: b.action?.name ?? "",
  displayName: b.display_name ?? b.action?.name ?? "",
});

/**
 * Reads the whole tenant: the paged lists (clients, grants, APIs, actions), one credentials call per client
 * (bounded concurrency), and one bindings call per trigger that an action supports. No call per grant or scope.
 */
export async function readTenant(reader: TenantReader): Promise<LiveTenant> {
  const [clients, grants, apis, actions] = await Promise.all([
    reader.clients(),
    reader.grants(),
    reader.resourceServers(),
    reader.actions(),
  ]);
  const triggers = [...new Set([...TRIGGER_IDS, ...actions.flatMap((a) => (a.supported_triggers ?? []).map((t) => t.id))])].sort();
  const [credentials, bindings] = await Promise.all([reader.credentialsOf(clients.map((c) => c.client_id)), reader.bindingsOf(triggers)]);
  reader.done();
  return {
    domain: reader.settings.domain,
    readerClientId: reader.settings.clientId,
    clients: clients.map((c) => liveClient(c, credentials.get(c.client_id) ?? [])),
    apis: apis.map(liveApi),
    grants: grants.map(liveGrant),
    actions: actions.map(liveAction),
    bindings: Object.fromEntries(triggers.map((t) => [t, (bindings.get(t) ?? []).map((b) => liveBinding(t, b))])),
  };
}
