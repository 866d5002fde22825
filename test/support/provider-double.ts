import { createHash, createPublicKey, X509Certificate } from "node:crypto";
import { RESOURCE_TYPES, type ResourceType } from "../../src/model";
import { FORCE_NEW } from "../../src/plan/diff-force-new";

/**
 * The roles kind's type tokens (@pulumi/auth0 3.49 role.js, rolePermissions.js). Spelled here rather than taken from
 * the model so the double's rules for them stand on their own; `DoubleType` equals `ResourceType` once the model
 * declares them too.
 */
export const ROLE_TYPES = {
  Role: "auth0:index/role:Role",
  RolePermissions: "auth0:index/rolePermissions:RolePermissions",
} as const;
export type DoubleType = ResourceType | (typeof ROLE_TYPES)[keyof typeof ROLE_TYPES];

/**
 * A test double of the Auth0 provider for the resource types this project declares, faithful to what
 * `pulumi.runtime.setMocks` cannot see: it validates inputs as the provider does (required fields, enums, bounds,
 * conflicts), stores state the way the provider flattens it (canonical forms), and diffs a later program run
 * against that state with the provider's semantics (ordered lists, sets, optional+computed fields).
 *
 * It also models the engine and the bridge around the provider: the `import` resource option (an import step that
 * reads the object and compares it with the program's inputs), `ignoreChanges`, the bridge's planning of set elements
 * (ProposedNew), and creates that adopt or refuse what already exists in the tenant (`LiveTenant`).
 *
 * Every rule names its source: terraform-provider-auth0 v1.53.0 (TFP, paths under internal/auth0/), the Pulumi
 * bridge as configured by pulumi-auth0 v3.49.0 (PA), pulumi-terraform-bridge (BR) and the Pulumi engine (PE, paths
 * under pkg/resource/deploy/ at the version named). Where the provider leaves a behaviour to the Management API and
 * its behaviour could not be read, the double takes the case our model must survive and says so.
 */

type Inputs = Record<string, any>;
type State = Record<string, any>;

/** What the tenant holds before this stack touches it: what an import reads, and what a create may run into. */
export interface LiveTenant {
  /** The state the provider's importer and Read return for an id (its input names); undefined: no such object. */
  read(type: string, id: string): State | undefined;
  /** The scopes of the client's existing client-credentials grant on the audience, in the API's order; undefined: none. */
  grantScopes(clientId: string, audience: string): string[] | undefined;
  /** The scopes the API with this identifier has today, in the API's order. */
  apiScopes(identifier: string): { name: string; description: string }[];
  /** The name of the API with this identifier; undefined: no such API (or not known to this tenant double). */
  apiName?(identifier: string): string | undefined;
}

/**
 * What a Read fills in from objects other than the one being read: a role permission's scope description and API
 * name. The stack's own APIs first (created earlier in the same deployment), then the tenant's.
 */
export interface Catalog {
  scopeDescription(identifier: string, scope: string): string | undefined;
  apiName(identifier: string): string | undefined;
}

interface Schema {
  /** Errors the provider (or the bridge) would raise for these inputs; empty when they are accepted. */
  validate(inputs: Inputs): string[];
  /** The state the provider stores after a create with these inputs (its Read/flatten). */
  flatten(inputs: Inputs, name: string, catalog: Catalog): State;
  /** The state after an update of `state` with these inputs, when the provider does not simply store them. */
  update?(state: State, inputs: Inputs, name: string, catalog: Catalog): State;
  /** A create that finds something in the tenant first: it adopts it (returns the state) or refuses (throws). */
  createOver?(inputs: Inputs, live: LiveTenant): State | undefined;
  /** Input paths whose planned value differs from the stored state: what a preview would show as changed. */
  diff(state: State, inputs: Inputs): string[];
  /** Paths whose change forces replacement (ForceNew): the table the plan's diff reads (src/plan/diff-force-new.ts). */
  forceNew: readonly string[];
}

const isString = (v: unknown): v is string => typeof v === "string";
const oneOf = (path: string, value: unknown, allowed: readonly string[], ignoreCase = false): string[] =>
  value === undefined ||
  (isString(value) && (ignoreCase ? allowed.map((a) => a.toLowerCase()).includes(value.toLowerCase()) : allowed.includes(value)))
    ? []
    : [`${path}: expected one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`];
const required = (path: string, value: unknown): string[] => (value === undefined || value === null ? [`${path}: required`] : []);
const stringList = (path: string, value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) && value.every(isString) ? [] : [`${path}: expected a list of strings`];

/**
 * Optional+Computed: a difference only when the program sets a value (absent keeps the stored one). Optional only
 * (`computed: false`): absent is planned as a removal, a difference (BR: the SDKv2 diff of a null config value).
 */
function diffFields(state: State, inputs: Inputs, fields: { name: string; computed: boolean }[]): string[] {
  const out: string[] = [];
  for (const { name, computed } of fields) {
    const want = inputs[name];
    const have = state[name];
    if (want === undefined) {
      // An optional, non-computed field the program no longer sets is planned to be removed; a stored zero value
      // ("", false, 0, empty) is what an absent one reads as, so it is no difference (SDKv2 schema.go diffString).
      if (!computed && have !== undefined && !isZero(have)) out.push(name);
      continue;
    }
    if (JSON.stringify(normalizeEmpty(want)) !== JSON.stringify(normalizeEmpty(have))) out.push(name);
  }
  return out;
}
/** The SDK treats an empty list or map like an absent one. */
const normalizeEmpty = (v: unknown) =>
  (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0) ? undefined : v;
const isZero = (v: unknown) => v === "" || v === false || v === 0 || normalizeEmpty(v) === undefined;
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** RFC 3339 as Go's time.Parse accepts it (TFP uses validation.IsRFC3339Time). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** TFP client/flatten.go#L17: timeRFC3339WithMilliseconds = "2006-01-02T15:04:05.000Z07:00", in UTC. */
const flattenTime = (iso: string) => new Date(iso).toISOString();

/** RFC 7638 thumbprint of an RSA public key: the kid Auth0 generates (TFP client/resource_credentials.go jwkThumbprint). */
function thumbprint(pem: string): string {
  const key = pem.includes("CERTIFICATE") ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  const jwk = key.export({ format: "jwk" }) as { e: string; n: string };
  return createHash("sha256")
    .update(JSON.stringify({ e: jwk.e, kty: "RSA", n: jwk.n }))
    .digest("base64url");
}

/** TFP client/resource.go#L23-28, ValidAppTypes. */
const VALID_APP_TYPES = [
  ...["native", "spa", "regular_web", "non_interactive", "resource_server", "rms", "box", "cloudbees", "concur"],
  ...["dropbox", "mscrm", "echosign", "egnyte", "newrelic", "office365", "salesforce", "sentry", "sharepoint"],
  ...["slack", "springcm", "sso_integration", "zendesk", "zoom", "express_configuration"],
];

/**
 * Client fields that are Optional and not Computed (TFP client/resource.go schema). Leaving one out is planned as a
 * removal, but expandClient builds its PATCH from the raw config (client/expand.go: value.String/Strings/Bool of a
 * null attribute is nil, so the field is not sent): Auth0 keeps the value, the read puts it back, and the difference
 * shows on every preview. The provider never clears such a field by its absence.
 */
const CLIENT_OPTIONAL_ONLY = [
  "description",
  "appType",
  "logoUri",
  "allowedLogoutUrls",
  "allowedOrigins",
  "webOrigins",
  "clientMetadata",
  "crossOriginAuth",
  "crossOriginLoc",
  "sso",
  "ssoDisabled",
];

const client: Schema = {
  // TFP client/resource.go: L80-320 (schema), no CustomizeDiff.
  validate(i) {
    return [
      // PA provider/resources.go SetAutonaming: an absent name becomes "<logical name>-<random>"; the project always names clients.
      ...required("name", i.name),
      ...(isString(i.description) && i.description.length > 140
        ? ["description: at most 140 characters (validation.StringLenBetween(0, 140))"]
        : []),
      // TFP client/resource.go ValidAppTypes (24 values).
      ...oneOf("appType", i.appType, VALID_APP_TYPES),
      ...stringList("grantTypes", i.grantTypes),
      ...stringList("callbacks", i.callbacks),
      ...stringList("allowedLogoutUrls", i.allowedLogoutUrls),
      ...stringList("webOrigins", i.webOrigins),
      ...(i.clientMetadata !== undefined && !(isPlainObject(i.clientMetadata) && Object.values(i.clientMetadata).every(isString))
        ? ["clientMetadata: a map of strings"]
        : []),
      // jwt_configuration.alg: StringInSlice{"HS256","RS256","PS256"}, case-sensitive (L307-318).
      ...oneOf("jwtConfiguration.alg", i.jwtConfiguration?.alg, ["HS256", "RS256", "PS256"]),
    ];
  },
  flatten(i, name) {
    return {
      ...i,
      clientId: `${name}-client-id`,
      // Optional+Computed fields Auth0 fills in when absent.
      isFirstParty: i.isFirstParty ?? true,
      oidcConformant: i.oidcConformant ?? false,
      grantTypes: i.grantTypes ?? ["implicit", "authorization_code", "refresh_token", "client_credentials"],
      callbacks: i.callbacks ?? [],
      jwtConfiguration: { lifetimeInSeconds: 36000, secretEncoded: false, ...i.jwtConfiguration },
    };
  },
  update(s, i, name, catalog) {
    const next: State = { ...s, ...client.flatten(i, name, catalog), clientId: s.clientId };
    for (const f of CLIENT_OPTIONAL_ONLY) if (i[f] === undefined && s[f] !== undefined) next[f] = s[f];
    return next;
  },
  diff(s, i) {
    const out = diffFields(s, i, [
      { name: "name", computed: false },
      ...CLIENT_OPTIONAL_ONLY.map((name) => ({ name, computed: false })),
      { name: "isFirstParty", computed: true },
      { name: "oidcConformant", computed: true },
      { name: "callbacks", computed: true },
      { name: "grantTypes", computed: true },
    ]);
    // jwt_configuration is Optional+Computed; only alg is compared (the other sub-fields are computed).
    if (i.jwtConfiguration?.alg !== undefined && i.jwtConfiguration.alg !== s.jwtConfiguration?.alg) out.push("jwtConfiguration.alg");
    return out;
  },
  forceNew: FORCE_NEW[RESOURCE_TYPES.Client],
};

/** TFP client/resource_credentials_schema.go#L11-L33: the set hash of one private_key_jwt credential. */
const credentialHash = (c: Inputs) => [c.credentialType, c.pem, c.algorithm ?? "RS256", c.name ?? "", c.expiresAt ?? ""].join("\u0000");

/**
 * BR pkg/tfshim/sdk-v2/provider2.go (PlanResourceChange) plans with objchange.ProposedNew
 * (pkg/vendored/opentofu/plans/objchange/objchange.go, proposedNewNestingSet): each configured set element is paired
 * with a stored element that agrees on every attribute the config sets, and takes that element's value for each
 * Optional+Computed attribute the config leaves out. For a credential that is `expires_at`: leaving it out of a
 * deployed key keeps the stored expiry, so the plan shows nothing and nothing is sent.
 */
function proposedCredentials(stored: Inputs[], wanted: Inputs[]): Inputs[] {
  const used = new Set<number>();
  return wanted.map((c) => {
    if (c.expiresAt !== undefined) return c;
    const n = stored.findIndex(
      (p, k) =>
        !used.has(k) &&
        p.credentialType === c.credentialType &&
        p.pem === c.pem &&
        (p.algorithm ?? "RS256") === (c.algorithm ?? "RS256") &&
        (p.name ?? "") === (c.name ?? "") &&
        Boolean(p.parseExpiryFromCert) === Boolean(c.parseExpiryFromCert),
    );
    if (n < 0) return c;
    used.add(n);
    return stored[n]!.expiresAt !== undefined ? { ...c, expiresAt: stored[n]!.expiresAt } : c;
  });
}

/** A credential as TFP creates it and reads it back (client/flatten.go#L989-1017). */
function createdCredential(c: Inputs): Inputs {
  return {
    ...c,
    algorithm: c.algorithm ?? "RS256",
    keyId: thumbprint(c.pem),
    // client/flatten.go#L996-998: expires_at read back in the milliseconds layout; a certificate's from the certificate.
    ...(c.expiresAt !== undefined
      ? { expiresAt: flattenTime(c.expiresAt) }
      : c.parseExpiryFromCert
        ? { expiresAt: flattenTime(new X509Certificate(c.pem).validTo) }
        : {}),
  };
}

const clientCredentials: Schema = {
  // TFP client/resource_credentials_schema.go L39-190.
  validate(i) {
    const creds: Inputs[] = i.privateKeyJwt?.credentials ?? [];
    return [
      ...required("clientId", i.clientId),
      ...oneOf("authenticationMethod", i.authenticationMethod, [
        "none",
        "client_secret_post",
        "client_secret_basic",
        "private_key_jwt",
        "tls_client_auth",
        "self_signed_tls_client_auth",
      ]),
      // ConflictsWith (resource_credentials_schema.go L71-76, L107-115). TFP raises nothing when
      // authentication_method is left out: create then applies no credentials (resource_credentials.go#L40-60).
      ...(i.privateKeyJwt && (i.clientSecret !== undefined || i.clientSecretWo !== undefined)
        ? ["privateKeyJwt conflicts with clientSecret"]
        : []),
      ...(i.privateKeyJwt && creds.length === 0 ? ["privateKeyJwt.credentials: required (at least 1)"] : []),
      ...(creds.length > 2 ? [`privateKeyJwt.credentials: at most 2 (MaxItems 2), got ${creds.length}`] : []),
      ...creds.flatMap((c, n) => [
        ...oneOf(`privateKeyJwt.credentials[${n}].credentialType`, c.credentialType ?? null, ["public_key"]),
        ...required(`privateKeyJwt.credentials[${n}].pem`, c.pem),
        ...oneOf(`privateKeyJwt.credentials[${n}].algorithm`, c.algorithm, ["RS256", "RS384", "PS256"]),
        ...(c.expiresAt !== undefined && !(isString(c.expiresAt) && RFC3339.test(c.expiresAt))
          ? [`privateKeyJwt.credentials[${n}].expiresAt: not RFC 3339 (validation.IsRFC3339Time)`]
          : []),
      ]),
    ];
  },
  flatten(i) {
    // resource_credentials.go#L40-60: without an authentication_method create applies no credentials.
    const creds: Inputs[] = i.authenticationMethod === "private_key_jwt" ? (i.privateKeyJwt?.credentials ?? []) : [];
    return { ...i, privateKeyJwt: { credentials: creds.map(createdCredential) } };
  },
  /**
   * TFP client/resource_credentials.go modifyPrivateKeyJWTCredentials + classifyCredentialChanges (L316-384): a
   * configured credential is paired with a stored one by PEM (or, when the stored PEM is empty as after an import,
   * by its key_id = the PEM's thumbprint) and algorithm. A paired credential is never re-created: its name is never
   * sent (Auth0 keeps its own), and its expiry is PATCHed only when the config sets a different one (L357); an
   * expiry is never cleared. Unpaired ones are created (name, expiry as configured); stored ones left over deleted.
   * The read then takes each credential's PEM from state by id (client/flatten.go#L1004-1016).
   */
  update(s, i, name) {
    if (i.authenticationMethod !== "private_key_jwt") return { ...s, ...i };
    const stored: Inputs[] = s.privateKeyJwt?.credentials ?? [];
    const used = new Set<number>();
    const next = (i.privateKeyJwt?.credentials ?? []).map((c: Inputs) => {
      const n = stored.findIndex(
        (p, k) =>
          !used.has(k) &&
          (p.pem === c.pem || (p.pem === "" && p.keyId === thumbprint(c.pem))) &&
          (p.algorithm ?? "RS256") === (c.algorithm ?? "RS256"),
      );
      if (n < 0) return createdCredential(c);
      used.add(n);
      const p = stored[n]!;
      const expiresAt = c.expiresAt !== undefined ? flattenTime(c.expiresAt) : p.expiresAt;
      return { ...p, pem: c.pem, ...(c.parseExpiryFromCert ? { parseExpiryFromCert: true } : {}), ...(expiresAt ? { expiresAt } : {}) };
    });
    return { ...s, ...i, clientId: s.clientId ?? name, privateKeyJwt: { credentials: next } };
  },
  diff(s, i) {
    const out = diffFields(s, i, [{ name: "authenticationMethod", computed: true }]);
    if (i.clientId !== s.clientId) out.push("clientId");
    const stored: Inputs[] = s.privateKeyJwt?.credentials ?? [];
    const storedHashes = stored.map(credentialHash);
    const wanted = proposedCredentials(stored, i.privateKeyJwt?.credentials ?? []).map(credentialHash);
    const same = storedHashes.length === wanted.length && storedHashes.every((h: string) => wanted.includes(h));
    if (!same) out.push("privateKeyJwt.credentials");
    return out;
  },
  forceNew: FORCE_NEW[RESOURCE_TYPES.ClientCredentials],
};

const clientGrant: Schema = {
  // TFP client/resource_grant.go L34-81 and validateClientGrant (L214-232).
  validate(i) {
    return [
      // client_id is Optional, AtLeastOneOf client_id / default_for, ConflictsWith default_for (L34-41).
      ...(i.clientId === undefined && i.defaultFor === undefined ? ["clientId: one of clientId, defaultFor is required"] : []),
      ...(i.clientId !== undefined && i.defaultFor !== undefined ? ["clientId conflicts with defaultFor"] : []),
      ...required("audience", i.audience),
      ...(i.scopes === undefined
        ? ["scopes: either scopes must be provided or allow_all_scopes must be set to true (validateClientGrant)"]
        : []),
      ...stringList("scopes", i.scopes),
      ...(Array.isArray(i.scopes) && i.scopes.some((x: string) => x === "")
        ? ["scopes: an empty scope (validation.StringIsNotEmpty)"]
        : []),
    ];
  },
  // client/flatten.go#L786-808 reads scopes back in the Management API's order. Whether Auth0 keeps the order it was
  // sent in could not be read; the double returns them sorted, the order our model must survive either way.
  flatten: (i) => ({ ...i, scopes: [...(i.scopes ?? [])].sort() }),
  /**
   * TFP client/resource_grant.go#L116-143: create first lists the grants of this client on this audience and, when one
   * of the same subject type exists, takes it over (sets its id, reads it) instead of creating: nothing is sent, the
   * state holds the live scopes, and the configured ones are applied by the next update.
   */
  createOver(i, live) {
    const scopes = i.clientId !== undefined ? live.grantScopes(i.clientId, i.audience) : undefined;
    return scopes && { ...i, scopes: [...scopes] };
  },
  diff(s, i) {
    const out: string[] = [];
    for (const f of ["clientId", "audience"]) if (i[f] !== s[f]) out.push(f);
    if (JSON.stringify(i.scopes ?? []) !== JSON.stringify(s.scopes ?? [])) out.push("scopes"); // TypeList: order matters
    return out;
  },
  forceNew: FORCE_NEW[RESOURCE_TYPES.ClientGrant],
};

/** TFP resourceserver/resource.go#L134-139. */
const TOKEN_DIALECTS = ["access_token", "access_token_authz", "rfc9068_profile", "rfc9068_profile_authz"];

const resourceServer: Schema = {
  // TFP resourceserver/resource.go L37-116.
  validate(i) {
    const lifetime = i.tokenLifetime ?? 86400;
    const web = i.tokenLifetimeForWeb ?? 7200;
    return [
      ...required("identifier", i.identifier),
      // name is Optional+Computed (TFP resourceserver/resource.go#L37-42).
      ...oneOf("signingAlg", i.signingAlg, ["HS256", "RS256", "PS256"], true),
      ...(i.tokenLifetime !== undefined && !Number.isInteger(i.tokenLifetime) ? ["tokenLifetime: an integer"] : []),
      // Documented in the schema's Description ("Cannot be greater than the token_lifetime value"); the provider itself
      // validates nothing, so the double applies the documented rule as Auth0's.
      ...(web > lifetime ? [`tokenLifetimeForWeb ${web} is greater than tokenLifetime ${lifetime}`] : []),
      // enforce_policies: TypeBool, Optional+Computed (resourceserver/resource.go#L123-129).
      ...(i.enforcePolicies !== undefined && typeof i.enforcePolicies !== "boolean" ? ["enforcePolicies: a boolean"] : []),
      // token_dialect: StringInSlice(TOKEN_DIALECTS, ignoreCase=true) (resourceserver/resource.go#L130-146). expand.go
      // sends the value as written; whether Auth0 accepts or folds another spelling could not be read, so the double
      // also refuses any spelling but Auth0's own (the recordings, test/data/recordings/TestAccResourceServer.yaml):
      // the case a model must survive either way.
      ...oneOf("tokenDialect", i.tokenDialect, TOKEN_DIALECTS, true),
      ...(isString(i.tokenDialect) &&
      TOKEN_DIALECTS.some((d) => d.toLowerCase() === i.tokenDialect.toLowerCase()) &&
      !TOKEN_DIALECTS.includes(i.tokenDialect)
        ? [
            `tokenDialect: Auth0 spells it ${TOKEN_DIALECTS.find((d) => d.toLowerCase() === i.tokenDialect.toLowerCase())}, got ${JSON.stringify(i.tokenDialect)}`,
          ]
        : []),
    ];
  },
  flatten: (i) => ({
    ...i,
    // Auth0's defaults for an API created with only an identifier (TFP test/data/recordings/TestAccResourceServer.yaml).
    signingAlg: (i.signingAlg ?? "RS256").toUpperCase(),
    tokenLifetime: i.tokenLifetime ?? 86400,
    tokenLifetimeForWeb: i.tokenLifetimeForWeb ?? 7200,
    allowOfflineAccess: i.allowOfflineAccess ?? false,
    skipConsentForVerifiableFirstPartyClients: i.skipConsentForVerifiableFirstPartyClients ?? false,
    // flatten.go#L37-38 stores GetEnforcePolicies()/GetTokenDialect(); an API created without them is answered without
    // either (the recording above), so they read back as false and "".
    enforcePolicies: i.enforcePolicies ?? false,
    tokenDialect: i.tokenDialect ?? "",
  }),
  diff(s, i) {
    const out = diffFields(s, i, [
      { name: "name", computed: true },
      { name: "tokenLifetime", computed: true },
      { name: "tokenLifetimeForWeb", computed: true },
      { name: "allowOfflineAccess", computed: true },
      { name: "skipConsentForVerifiableFirstPartyClients", computed: true },
      { name: "enforcePolicies", computed: true },
      { name: "tokenDialect", computed: true },
    ]);
    if (i.identifier !== s.identifier) out.push("identifier");
    // signing_alg is validated case-insensitively but stored in Auth0's canonical (upper-case) spelling.
    if (i.signingAlg !== undefined && i.signingAlg !== s.signingAlg) out.push("signingAlg");
    return out;
  },
  forceNew: FORCE_NEW[RESOURCE_TYPES.ResourceServer],
};

const resourceServerScopes: Schema = {
  // TFP resourceserver/resource_scopes.go L20-45: scopes is a Required set of {name (required), description}: a
  // Required block, so at least one item (terraform-plugin-sdk helper/schema/core_schema.go).
  validate(i) {
    const scopes: Inputs[] = i.scopes ?? [];
    return [
      ...required("resourceServerIdentifier", i.resourceServerIdentifier),
      ...(scopes.length === 0 ? ["scopes: at least 1 item (Required block)"] : []),
      ...scopes.flatMap((s, n) => required(`scopes[${n}].name`, s.name)),
    ];
  },
  flatten: (i) => ({ ...i }),
  /**
   * TFP resourceserver/resource_scopes.go#L60-88 and guardAgainstErasingUnwantedScopes (L131-154): create reads the
   * API and refuses when it already has scopes that are not exactly (cmp.Equal, in order) the configured ones.
   */
  createOver(i, live) {
    const existing = live.apiScopes(i.resourceServerIdentifier);
    if (existing.length === 0) return undefined;
    const wanted = (i.scopes ?? []).map((x: Inputs) => ({ name: x.name, description: x.description ?? "" }));
    if (JSON.stringify(existing) === JSON.stringify(wanted)) return { ...i };
    throw new Error(
      `Resource Server with non empty scopes: The resource server already has scopes attached to it. Import the resource instead in order to proceed with the changes (${i.resourceServerIdentifier} has ${existing.map((x) => x.name).join(", ")})`,
    );
  },
  diff(s, i) {
    const key = (x: Inputs) => `${x.name}\u0000${x.description ?? ""}`;
    const a = new Set<string>((s.scopes ?? []).map(key));
    const b = new Set<string>((i.scopes ?? []).map(key));
    const out: string[] = [];
    if (i.resourceServerIdentifier !== s.resourceServerIdentifier) out.push("resourceServerIdentifier");
    if (a.size !== b.size || [...a].some((x) => !b.has(x))) out.push("scopes");
    return out;
  },
  forceNew: FORCE_NEW[RESOURCE_TYPES.ResourceServerScopes],
};

const action: Schema = {
  // TFP action/resource.go L35-171.
  validate(i) {
    const triggers = i.supportedTriggers;
    return [
      ...required("name", i.name),
      ...required("code", i.code),
      ...(!isPlainObject(triggers) || !isString(triggers.id) || !isString(triggers.version)
        ? ["supportedTriggers: exactly one {id, version} (MinItems 1, MaxItems 1)"]
        : []),
      // TFP action/resource.go#L88-99 accepts node12, node16, node18 and node22; Auth0 has withdrawn node12 and
      // node16 (its API refuses to create or update an action on them), so the double refuses them as the apply would.
      ...oneOf("runtime", i.runtime, ["node18", "node22"]),
      ...(Array.isArray(i.secrets)
        ? i.secrets.flatMap((s: Inputs, n: number) => [
            ...required(`secrets[${n}].name`, s.name),
            ...required(`secrets[${n}].value`, s.value),
          ])
        : []),
    ];
  },
  flatten: (i, name) => ({ ...i, deploy: i.deploy ?? false, versionId: `${name}-version`, runtime: i.runtime ?? "node22" }),
  diff(s, i) {
    const out = diffFields(s, i, [
      { name: "name", computed: false },
      { name: "code", computed: false },
      { name: "runtime", computed: true },
      { name: "deploy", computed: false },
      { name: "supportedTriggers", computed: false },
    ]);
    // secrets: a set; flattenAction never writes them back (action/flatten.go), so state keeps the configured values.
    const key = (x: Inputs) => `${x.name}\u0000${x.value}`;
    const a = (s.secrets ?? []).map(key).sort();
    const b = (i.secrets ?? []).map(key).sort();
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push("secrets");
    return out;
  },
  forceNew: FORCE_NEW[RESOURCE_TYPES.Action],
};

const TRIGGERS = [
  "post-login",
  "credentials-exchange",
  "pre-user-registration",
  "post-user-registration",
  "post-change-password",
  "send-phone-message",
  "password-reset-post-challenge",
  "custom-email-provider",
  "custom-phone-provider",
  "login-post-identifier",
  "signup-post-identifier",
];

const triggerActions: Schema = {
  // TFP action/resource_trigger_actions.go L30-69.
  validate(i) {
    const actions = i.actions;
    return [
      ...required("trigger", i.trigger),
      ...oneOf("trigger", i.trigger, TRIGGERS),
      // `actions` is a Required block list: the SDK turns Required into MinItems 1 (terraform-plugin-sdk
      // helper/schema/core_schema.go) and the bridge panics on an empty list (pulumi-terraform-bridge issue 1856).
      ...(!Array.isArray(actions) || actions.length === 0
        ? ["actions: at least 1 item (Required block; an empty list panics the Pulumi bridge, issue 1856)"]
        : []),
      ...(Array.isArray(actions)
        ? actions.flatMap((a: Inputs, n: number) => [
            ...required(`actions[${n}].id`, a.id),
            ...required(`actions[${n}].displayName`, a.displayName),
          ])
        : []),
    ];
  },
  flatten: (i) => ({ ...i }),
  diff(s, i) {
    const out: string[] = [];
    if (i.trigger !== s.trigger) out.push("trigger");
    if (JSON.stringify(i.actions) !== JSON.stringify(s.actions)) out.push("actions"); // a TypeList: order is execution order
    return out;
  },
  forceNew: FORCE_NEW[RESOURCE_TYPES.TriggerActions],
};

/**
 * PA provider/resources.go SetAutonaming(255, "-") and BR pkg/tfbridge/info/autonaming.go (v3.133.0, the bridge
 * pulumi-auth0 v3.49.0's provider/go.mod pins): a string input literally called `name`, Required in TFP, becomes
 * optional; when the program leaves it out the bridge proposes "<logical name>-<7 random hex>" and keeps the stored
 * one on later runs. The double's suffix is derived from the logical name, so runs are reproducible.
 */
const autoName = (logical: string) => `${logical}-${createHash("sha256").update(logical).digest("hex").slice(0, 7)}`;

/**
 * PA provider/resources.go: auth0_role's `description` has `Default: managedByPulumi` ("Managed by Pulumi"); the SDK
 * applies it too (@pulumi/auth0 role.js: `args?.description ?? "Managed by Pulumi"`). A program that leaves the
 * description out sends that text, never nothing.
 */
const MANAGED_BY_PULUMI = "Managed by Pulumi";
const roleInputs = (i: Inputs): Inputs => ({ ...i, description: i.description ?? MANAGED_BY_PULUMI });

const role: Schema = {
  // TFP role/resource.go: name (TypeString, Required), description (TypeString, Optional); no ForceNew, no
  // validation; the import is a passthrough of the role id.
  validate(i) {
    return [
      ...(i.name !== undefined && !isString(i.name) ? ["name: a string"] : []),
      ...(i.description !== undefined && !isString(i.description) ? ["description: a string"] : []),
    ];
  },
  // role/flatten.go flattenRole: name and description as Auth0 answers (GetDescription() of none is "").
  flatten: (i, name) => {
    const given = roleInputs(i);
    return { name: given.name ?? autoName(name), description: given.description };
  },
  diff(s, i) {
    return diffFields(s, roleInputs(i), [
      // autonamed: an absent name keeps the stored one (see autoName)
      { name: "name", computed: true },
      { name: "description", computed: false },
    ]);
  },
  forceNew: FORCE_NEW[RESOURCE_TYPES.Role],
};

/** TFP role/resource_permissions.go: the set hash (helper/schema serialize.go SerializeResourceForHash) skips the
 * Computed-only description and resource_server_name, so an element is its name and API identifier. */
const permissionKey = (p: Inputs) => `${p.resourceServerIdentifier}\u0000${p.name}`;

/** role/flatten.go flattenRolePermissionsSlice: each permission with the scope's description and the API's name. */
const readPermission = (p: Inputs, catalog: Catalog): Inputs => ({
  name: p.name,
  resourceServerIdentifier: p.resourceServerIdentifier,
  description: catalog.scopeDescription(p.resourceServerIdentifier, p.name) ?? "",
  resourceServerName: catalog.apiName(p.resourceServerIdentifier) ?? "",
});

/** A set: one element per key, the first spelling kept (configured duplicates are one set element). */
const uniquePermissions = (list: Inputs[]) => [...new Map(list.map((p) => [permissionKey(p), p])).values()];

const rolePermissions: Schema = {
  // TFP role/resource_permissions.go NewPermissionsResource.
  validate(i) {
    const permissions = i.permissions;
    return [
      ...required("roleId", i.roleId),
      // permissions: TypeSet, Required: a Required block needs at least one element (helper/schema/core_schema.go)
      ...(!Array.isArray(permissions) || permissions.length === 0 ? ["permissions: at least 1 item (Required block)"] : []),
      ...(Array.isArray(permissions)
        ? permissions.flatMap((p: Inputs, n: number) => [
            ...required(`permissions[${n}].name`, p.name),
            ...required(`permissions[${n}].resourceServerIdentifier`, p.resourceServerIdentifier),
            // Computed-only: helper/schema/schema.go validate refuses a value ("%q: this field cannot be set").
            ...(["description", "resourceServerName"] as const)
              .filter((f) => p[f] !== undefined)
              .map((f) => `permissions[${n}].${f}: this field cannot be set (computed by the provider)`),
          ])
        : []),
    ];
  },
  // upsertRolePermissions associates every configured permission, then readRolePermissions stores all the role has.
  flatten: (i, _name, catalog) => ({
    roleId: i.roleId,
    permissions: uniquePermissions(i.permissions ?? []).map((p) => readPermission(p, catalog)),
  }),
  /**
   * upsertRolePermissions on create finds no prior state (toRemove is empty) and only adds; the read then stores every
   * permission the role has, so permissions the role already held stay, and show as a difference on the next preview.
   */
  createOver(i, live) {
    const held: Inputs[] = live.read(ROLE_TYPES.RolePermissions, i.roleId)?.permissions ?? [];
    if (held.length === 0) return undefined;
    const configured = new Set((i.permissions ?? []).map(permissionKey));
    const kept = held.filter((p) => !configured.has(permissionKey(p)));
    const catalog = liveCatalog(live);
    return { roleId: i.roleId, permissions: [...kept, ...uniquePermissions(i.permissions ?? []).map((p) => readPermission(p, catalog))] };
  },
  /**
   * value.Difference(data, "permissions") (internal/value/value.go#L179-191): removes, then adds, the set differences
   * by hash; the elements kept are not sent. The read that follows answers every element afresh; where the double's
   * catalog does not know a scope, the kept element's stored description and API name stand for Auth0's answer.
   */
  update(s, i, _name, catalog) {
    const stored = new Map<string, Inputs>((s.permissions ?? []).map((p: Inputs) => [permissionKey(p), p]));
    const storedCatalog: Catalog = {
      scopeDescription: (identifier, scope) =>
        catalog.scopeDescription(identifier, scope) ??
        stored.get(permissionKey({ resourceServerIdentifier: identifier, name: scope }))?.description,
      apiName: (identifier) =>
        catalog.apiName(identifier) ?? [...stored.values()].find((p) => p.resourceServerIdentifier === identifier)?.resourceServerName,
    };
    return { roleId: s.roleId, permissions: uniquePermissions(i.permissions ?? []).map((p) => readPermission(p, storedCatalog)) };
  },
  /**
   * BR pkg/vendored/opentofu/plans/objchange/objchange.go proposedNewNestingSet: each configured element is paired
   * with a stored one that agrees on what the config sets and takes its Computed description and API name, so only
   * the set of (identifier, name) can differ; the order of the list is no difference.
   */
  diff(s, i) {
    const out: string[] = [];
    if (i.roleId !== s.roleId) out.push("roleId");
    const a = new Set<string>((s.permissions ?? []).map(permissionKey));
    const b = new Set<string>((i.permissions ?? []).map(permissionKey));
    if (a.size !== b.size || [...a].some((x) => !b.has(x))) out.push("permissions");
    return out;
  },
  // role_id: ForceNew (resource_permissions.go).
  forceNew: FORCE_NEW[RESOURCE_TYPES.RolePermissions],
};

/** The catalog of a tenant without a stack: its APIs' scope descriptions and names. */
const liveCatalog = (live: LiveTenant): Catalog => ({
  scopeDescription: (identifier, scope) => live.apiScopes(identifier).find((x) => x.name === scope)?.description,
  apiName: (identifier) => live.apiName?.(identifier),
});

export const PROVIDER_SCHEMAS: Record<DoubleType, Schema> = {
  [RESOURCE_TYPES.Client]: client,
  [RESOURCE_TYPES.ClientCredentials]: clientCredentials,
  [RESOURCE_TYPES.ClientGrant]: clientGrant,
  [RESOURCE_TYPES.ResourceServer]: resourceServer,
  [RESOURCE_TYPES.ResourceServerScopes]: resourceServerScopes,
  [RESOURCE_TYPES.Action]: action,
  [RESOURCE_TYPES.TriggerActions]: triggerActions,
  [ROLE_TYPES.Role]: role,
  [ROLE_TYPES.RolePermissions]: rolePermissions,
};

export interface PlannedChange {
  address: string;
  /** `import`: the import step of a resource declared with the `import` option that the state does not hold yet. */
  op: "create" | "update" | "replace" | "delete" | "import";
  /** For an import: the inputs that differ from what the provider read (none for a clean import). */
  paths: string[];
  /** What the provider will do that the operation alone does not say (a create that takes over an existing grant). */
  note?: string;
}

/** One registration as the engine receives it. */
export interface Registration {
  type: string;
  name: string;
  inputs: Inputs;
  /** The `import` resource option. */
  importId?: string;
  /** The `ignoreChanges` resource option: top-level input names. */
  ignoreChanges?: string[];
}

/** A registration of `type` named `name` (tests). */
export const registration = (type: string, name: string, inputs: Inputs, more: Partial<Registration> = {}): Registration => ({
  type,
  name,
  inputs,
  ...more,
});

/** A tenant that holds nothing unless `over` says so (tests). */
export const emptyTenant = (over: Partial<LiveTenant> = {}): LiveTenant => ({
  read: () => undefined,
  grantScopes: () => undefined,
  apiScopes: () => [],
  ...over,
});

/**
 * The engine's import step, by version:
 * - `legacy` (pulumi before v3.174.0, pkg/resource/deploy/step.go ImportStep.Apply at v3.173.0 L1445-1495): the step
 *   reads the object, resets ignoreChanges paths to what was read, and diffs; any difference makes preview warn
 *   "inputs to import do not match the existing resource: [paths]; importing this resource will fail" and up fail
 *   with "inputs to import do not match the existing resource: [paths]".
 * - `current` (v3.174.0 onwards, e.g. the v3.248.0 this project pins: step_generator.go L1001-1089 and ImportStep.Apply
 *   in step.go): the import step only reads; the normal diff then runs against what it read (with ignoreChanges) and
 *   an update follows in the same deployment. A difference that forces replacement fails: "previously-imported
 *   resources that still specify an ID may not be replaced" (step_generator.go L1854-1878).
 * Either way an adopt run with a difference is not import-only: the adoption contract is zero differences.
 */
export type ImportEngine = "legacy" | "current";

export const IMPORT_MISMATCH = "inputs to import do not match the existing resource";

/** A tenant with nothing in it: every create is a plain create. */
const EMPTY_TENANT: LiveTenant = { read: () => undefined, grantScopes: () => undefined, apiScopes: () => [] };

/**
 * The double's memory of one stack: its state after each "deployment", and what a later program run would change.
 * `apply` turns the registrations of a run into the new state (as `pulumi up` would); `plan` compares them with
 * the state (as `pulumi preview` would); `preview` and `up` add what the engine says and refuses.
 */
export class ProviderDouble {
  /** By address; `id` is the adopted object's id for a resource that was imported (else the mocks' id). */
  readonly state = new Map<string, { type: DoubleType; name: string; state: State; id?: string }>();
  /** Validation errors raised during the current run, by resource address. */
  readonly errors: string[] = [];
  readonly engine: ImportEngine;
  readonly live: LiveTenant;

  constructor(options: { engine?: ImportEngine; live?: LiveTenant } = {}) {
    this.engine = options.engine ?? "legacy";
    this.live = options.live ?? EMPTY_TENANT;
  }

  isAuth0(type: string): type is DoubleType {
    return type in PROVIDER_SCHEMAS;
  }

  /** Validates a registration; returns the state the provider would store for it (outputs included). */
  register(type: string, name: string, inputs: Inputs): State {
    if (!this.isAuth0(type)) return inputs;
    const schema = PROVIDER_SCHEMAS[type];
    const problems = schema.validate(inputs);
    if (problems.length > 0) {
      const message = `${type}::${name}: the provider would refuse: ${problems.join("; ")}`;
      this.errors.push(message);
      throw new Error(message);
    }
    return schema.flatten(inputs, name, this.catalog());
  }

  /** The stack's APIs and scopes as stored so far (those of this run registered before), then the tenant's. */
  private catalog(): Catalog {
    const own = [...this.state.values()].map((e) => e.state);
    const scopesOf = (identifier: string): Inputs[] | undefined =>
      [...this.state.values()].find(
        (e) => e.type === RESOURCE_TYPES.ResourceServerScopes && e.state.resourceServerIdentifier === identifier,
      )?.state.scopes;
    const live = liveCatalog(this.live);
    return {
      scopeDescription: (identifier, scope) => {
        const scopes = scopesOf(identifier);
        return scopes ? (scopes.find((x) => x.name === scope)?.description ?? "") : live.scopeDescription(identifier, scope);
      },
      apiName: (identifier) => own.find((x) => x.identifier === identifier && isString(x.name))?.name ?? live.apiName(identifier),
    };
  }

  /** What a preview of these registrations would show against the stored state. */
  plan(registrations: Registration[]): PlannedChange[] {
    const changes: PlannedChange[] = [];
    const seen = new Set<string>();
    for (const r of registrations) {
      if (!this.isAuth0(r.type)) continue;
      const address = `${r.type}::${r.name}`;
      seen.add(address);
      const schema = PROVIDER_SCHEMAS[r.type];
      const stored = this.state.get(address)?.state ?? (r.importId !== undefined ? this.live.read(r.type, r.importId) : undefined);
      if (!stored) {
        changes.push({ address, op: "create", paths: [], ...this.createNote(r) });
        continue;
      }
      const paths = schema.diff(stored, withIgnored(r, stored));
      if (!this.state.has(address)) changes.push({ address, op: "import", paths });
      else if (paths.length > 0)
        changes.push({ address, op: paths.some((p) => schema.forceNew.includes(p)) ? "replace" : "update", paths });
    }
    for (const address of this.state.keys()) if (!seen.has(address)) changes.push({ address, op: "delete", paths: [] });
    return changes;
  }

  /** `pulumi preview`: the changes and the engine's warnings (a legacy engine warns of each import that would fail). */
  preview(registrations: Registration[]): { changes: PlannedChange[]; warnings: string[] } {
    const changes = this.plan(registrations);
    const warnings =
      this.engine === "legacy"
        ? changes
            .filter((c) => c.op === "import" && c.paths.length > 0)
            .map((c) => `${c.address}: ${IMPORT_MISMATCH}: [${c.paths.join(" ")}]; importing this resource will fail`)
        : [];
    return { changes, warnings };
  }

  /**
   * `pulumi up`: fails as the engine and the provider fail (an import that does not match on a legacy engine, a
   * replacement of a resource that still specifies an import id, a create the provider refuses); otherwise stores
   * the new state. Returns the changes it made.
   */
  up(registrations: Registration[]): PlannedChange[] {
    const changes = this.plan(registrations);
    for (const c of changes) {
      if (c.op === "import" && c.paths.length > 0 && this.engine === "legacy")
        throw new Error(`${c.address}: ${IMPORT_MISMATCH}: [${c.paths.join(" ")}]`);
      const r = registrations.find((x) => `${x.type}::${x.name}` === c.address);
      if (c.op === "import" && r && PROVIDER_SCHEMAS[r.type as DoubleType].forceNew.some((p) => c.paths.includes(p)))
        throw new Error(
          `${c.address}: previously-imported resources that still specify an ID may not be replaced; please remove the \`import\` declaration from your program`,
        );
    }
    this.apply(registrations);
    return changes;
  }

  /** Stores the registrations of a successful run as the stack's state. */
  apply(registrations: Registration[]): void {
    const before = new Map(this.state);
    this.state.clear();
    for (const r of registrations) {
      if (!this.isAuth0(r.type)) continue;
      const schema = PROVIDER_SCHEMAS[r.type];
      const address = `${r.type}::${r.name}`;
      const old = before.get(address)?.state ?? (r.importId !== undefined ? this.live.read(r.type, r.importId) : undefined);
      let next: State;
      if (old) {
        const inputs = withIgnored(r, old);
        next =
          schema.diff(old, inputs).length === 0
            ? old
            : schema.update
              ? schema.update(old, inputs, r.name, this.catalog())
              : { ...old, ...schema.flatten(inputs, r.name, this.catalog()) };
      } else next = schema.createOver?.(r.inputs, this.live) ?? schema.flatten(r.inputs, r.name, this.catalog());
      const id = before.get(address)?.id ?? r.importId;
      this.state.set(address, { type: r.type, name: r.name, state: next, ...(id !== undefined ? { id } : {}) });
    }
  }

  /** A create that will not be a plain create: the provider takes over, or refuses, what the tenant already has. */
  private createNote(r: Registration): { note?: string } {
    try {
      const adopted = PROVIDER_SCHEMAS[r.type as DoubleType].createOver?.(r.inputs, this.live);
      return adopted ? { note: "takes over the existing object (nothing is created)" } : {};
    } catch (e) {
      return { note: `refused: ${(e as Error).message}` };
    }
  }
}

/**
 * The inputs the engine diffs when `ignoreChanges` is set: each ignored path takes the old value (PE
 * step_generator.go processIgnoreChanges, v3.248.0 L3076-3096; the import step applies it too).
 */
function withIgnored(r: Registration, old: State): Inputs {
  if (!r.ignoreChanges?.length) return r.inputs;
  const inputs = { ...r.inputs };
  for (const path of r.ignoreChanges) {
    if (old[path] === undefined) delete inputs[path];
    else inputs[path] = old[path];
  }
  return inputs;
}
