import { createHash, createPublicKey, X509Certificate } from "node:crypto";
import { RESOURCE_TYPES, type ResourceType } from "../../src/model";

/**
 * A test double of the Auth0 provider for the resource types this project declares, faithful to what
 * `pulumi.runtime.setMocks` cannot see: it validates inputs as the provider does (required fields, enums, bounds,
 * conflicts), stores state the way the provider flattens it (canonical forms), and diffs a later program run
 * against that state with the provider's semantics (ordered lists, sets, optional+computed fields).
 *
 * Every rule names its source: terraform-provider-auth0 v1.53.0 (TFP, paths under internal/auth0/), the Pulumi
 * bridge as configured by pulumi-auth0 v3.49.0 (PA) and pulumi-terraform-bridge (BR). Where the provider leaves a
 * behaviour to the Management API and its behaviour could not be read, the double takes the case our model must
 * survive and says so.
 */

type Inputs = Record<string, any>;
type State = Record<string, any>;

interface Schema {
  /** Errors the provider (or the bridge) would raise for these inputs; empty when they are accepted. */
  validate(inputs: Inputs): string[];
  /** The state the provider stores after a create or update with these inputs (its Read/flatten). */
  flatten(inputs: Inputs, name: string): State;
  /** Input paths whose planned value differs from the stored state: what a preview would show as changed. */
  diff(state: State, inputs: Inputs): string[];
  /** Paths whose change forces replacement (ForceNew). */
  forceNew: string[];
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

/** Optional fields: a difference only when the program sets them. Optional+Computed: the same (absent keeps state). */
function diffFields(state: State, inputs: Inputs, fields: { name: string; computed: boolean }[]): string[] {
  const out: string[] = [];
  for (const { name, computed } of fields) {
    const want = inputs[name];
    const have = state[name];
    if (want === undefined) {
      // An optional, non-computed field the program no longer sets is planned to be removed.
      if (!computed && have !== undefined && !(Array.isArray(have) && have.length === 0)) out.push(name);
      continue;
    }
    if (JSON.stringify(normalizeEmpty(want)) !== JSON.stringify(normalizeEmpty(have))) out.push(name);
  }
  return out;
}
/** The SDK treats an empty list or map like an absent one. */
const normalizeEmpty = (v: unknown) =>
  (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0) ? undefined : v;
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

const client: Schema = {
  // TFP client/resource.go: L80-320 (schema), no CustomizeDiff.
  validate(i) {
    return [
      // PA provider/resources.go SetAutonaming: an absent name becomes "<logical name>-<random>"; the project always names clients.
      ...required("name", i.name),
      ...(isString(i.description) && i.description.length > 140
        ? ["description: at most 140 characters (validation.StringLenBetween(0, 140))"]
        : []),
      ...oneOf("appType", i.appType, ["native", "spa", "regular_web", "non_interactive", "resource_server"]),
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
  diff(s, i) {
    const out = diffFields(s, i, [
      { name: "name", computed: false },
      { name: "description", computed: false },
      { name: "appType", computed: false },
      { name: "isFirstParty", computed: true },
      { name: "oidcConformant", computed: true },
      { name: "callbacks", computed: true },
      { name: "allowedLogoutUrls", computed: false },
      { name: "grantTypes", computed: true },
      { name: "webOrigins", computed: false },
      { name: "clientMetadata", computed: false },
    ]);
    // jwt_configuration is Optional+Computed; only alg is compared (the other sub-fields are computed).
    if (i.jwtConfiguration?.alg !== undefined && i.jwtConfiguration.alg !== s.jwtConfiguration?.alg) out.push("jwtConfiguration.alg");
    return out;
  },
  forceNew: ["jwtConfiguration.secretEncoded"],
};

/** TFP client/resource_credentials_schema.go#L11-L33: the set hash of one private_key_jwt credential. */
const credentialHash = (c: Inputs) => [c.credentialType, c.pem, c.algorithm ?? "RS256", c.name ?? "", c.expiresAt ?? ""].join("\u0000");

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
      // resource_credentials.go#L40-60: create does nothing unless authentication_method is set.
      ...(i.privateKeyJwt && i.authenticationMethod !== "private_key_jwt"
        ? ["authenticationMethod: must be private_key_jwt for privateKeyJwt to be applied"]
        : []),
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
    const creds: Inputs[] = i.privateKeyJwt?.credentials ?? [];
    return {
      ...i,
      privateKeyJwt: {
        credentials: creds.map((c) => ({
          ...c,
          algorithm: c.algorithm ?? "RS256",
          keyId: thumbprint(c.pem),
          // client/flatten.go#L993-998: expires_at read back in the milliseconds layout; a certificate's from the certificate.
          ...(c.expiresAt !== undefined
            ? { expiresAt: flattenTime(c.expiresAt) }
            : c.parseExpiryFromCert
              ? { expiresAt: flattenTime(new X509Certificate(c.pem).validTo) }
              : {}),
          configured: Object.keys(c),
        })),
      },
    };
  },
  diff(s, i) {
    const out = diffFields(s, i, [{ name: "authenticationMethod", computed: true }]);
    if (i.clientId !== s.clientId) out.push("clientId");
    // A set: members are compared by hash. A stored member's computed expires_at (certificates) is not part of
    // what the program configured, so it is hashed only when the program set it.
    const stored = (s.privateKeyJwt?.credentials ?? []).map((c: Inputs) =>
      credentialHash(c.configured.includes("expiresAt") ? c : { ...c, expiresAt: undefined }),
    );
    const wanted = (i.privateKeyJwt?.credentials ?? []).map(credentialHash);
    const same = stored.length === wanted.length && stored.every((h: string) => wanted.includes(h));
    if (!same) out.push("privateKeyJwt.credentials");
    return out;
  },
  forceNew: ["clientId"],
};

const clientGrant: Schema = {
  // TFP client/resource_grant.go L34-81 and validateClientGrant (L214-232).
  validate(i) {
    return [
      ...required("clientId", i.clientId),
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
  diff(s, i) {
    const out: string[] = [];
    for (const f of ["clientId", "audience"]) if (i[f] !== s[f]) out.push(f);
    if (JSON.stringify(i.scopes ?? []) !== JSON.stringify(s.scopes ?? [])) out.push("scopes"); // TypeList: order matters
    return out;
  },
  forceNew: ["clientId", "audience"],
};

const resourceServer: Schema = {
  // TFP resourceserver/resource.go L37-116.
  validate(i) {
    const lifetime = i.tokenLifetime ?? 86400;
    const web = i.tokenLifetimeForWeb ?? 7200;
    return [
      ...required("identifier", i.identifier),
      ...required("name", i.name),
      ...oneOf("signingAlg", i.signingAlg, ["HS256", "RS256", "PS256"], true),
      ...(i.tokenLifetime !== undefined && !Number.isInteger(i.tokenLifetime) ? ["tokenLifetime: an integer"] : []),
      // Documented in the schema's Description ("Cannot be greater than the token_lifetime value"); the provider itself
      // validates nothing, so the double applies the documented rule as Auth0's.
      ...(web > lifetime ? [`tokenLifetimeForWeb ${web} is greater than tokenLifetime ${lifetime}`] : []),
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
  }),
  diff(s, i) {
    const out = diffFields(s, i, [
      { name: "name", computed: true },
      { name: "tokenLifetime", computed: true },
      { name: "tokenLifetimeForWeb", computed: true },
      { name: "allowOfflineAccess", computed: true },
      { name: "skipConsentForVerifiableFirstPartyClients", computed: true },
    ]);
    if (i.identifier !== s.identifier) out.push("identifier");
    // signing_alg is validated case-insensitively but stored in Auth0's canonical (upper-case) spelling.
    if (i.signingAlg !== undefined && i.signingAlg !== s.signingAlg) out.push("signingAlg");
    return out;
  },
  forceNew: ["identifier"],
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
  diff(s, i) {
    const key = (x: Inputs) => `${x.name}\u0000${x.description ?? ""}`;
    const a = new Set<string>((s.scopes ?? []).map(key));
    const b = new Set<string>((i.scopes ?? []).map(key));
    const out: string[] = [];
    if (i.resourceServerIdentifier !== s.resourceServerIdentifier) out.push("resourceServerIdentifier");
    if (a.size !== b.size || [...a].some((x) => !b.has(x))) out.push("scopes");
    return out;
  },
  forceNew: ["resourceServerIdentifier"],
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
      ...oneOf("runtime", i.runtime, ["node12", "node16", "node18", "node22"]),
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
  forceNew: [],
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
  forceNew: ["trigger"],
};

export const PROVIDER_SCHEMAS: Record<ResourceType, Schema> = {
  [RESOURCE_TYPES.Client]: client,
  [RESOURCE_TYPES.ClientCredentials]: clientCredentials,
  [RESOURCE_TYPES.ClientGrant]: clientGrant,
  [RESOURCE_TYPES.ResourceServer]: resourceServer,
  [RESOURCE_TYPES.ResourceServerScopes]: resourceServerScopes,
  [RESOURCE_TYPES.Action]: action,
  [RESOURCE_TYPES.TriggerActions]: triggerActions,
};

export interface PlannedChange {
  address: string;
  op: "create" | "update" | "replace" | "delete";
  paths: string[];
}

/**
 * The double's memory of one stack: its state after each "deployment", and what a later program run would change.
 * `apply` turns the registrations of a run into the new state (as `pulumi up` would); `plan` compares them with
 * the state (as `pulumi preview` would).
 */
export class ProviderDouble {
  readonly state = new Map<string, { type: ResourceType; name: string; state: State }>();
  /** Validation errors raised during the current run, by resource address. */
  readonly errors: string[] = [];

  isAuth0(type: string): type is ResourceType {
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
    return schema.flatten(inputs, name);
  }

  /** What a preview of these registrations would show against the stored state. */
  plan(registrations: { type: string; name: string; inputs: Inputs }[]): PlannedChange[] {
    const changes: PlannedChange[] = [];
    const seen = new Set<string>();
    for (const r of registrations) {
      if (!this.isAuth0(r.type)) continue;
      const address = `${r.type}::${r.name}`;
      seen.add(address);
      const stored = this.state.get(address);
      if (!stored) {
        changes.push({ address, op: "create", paths: [] });
        continue;
      }
      const schema = PROVIDER_SCHEMAS[r.type];
      const paths = schema.diff(stored.state, r.inputs);
      if (paths.length > 0) changes.push({ address, op: paths.some((p) => schema.forceNew.includes(p)) ? "replace" : "update", paths });
    }
    for (const address of this.state.keys()) if (!seen.has(address)) changes.push({ address, op: "delete", paths: [] });
    return changes;
  }

  /** Stores the registrations of a successful run as the stack's state. */
  apply(registrations: { type: string; name: string; inputs: Inputs }[]): void {
    this.state.clear();
    for (const r of registrations) {
      if (!this.isAuth0(r.type)) continue;
      this.state.set(`${r.type}::${r.name}`, { type: r.type, name: r.name, state: PROVIDER_SCHEMAS[r.type].flatten(r.inputs, r.name) });
    }
  }
}
