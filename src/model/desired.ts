/**
 * The desired state: a plain description of every resource the program declares, derived from the spec by pure
 * functions. components/declare.ts turns each DesiredResource into the provider resource; plan, review and the local
 * tenant read the same values, which is why the offline plan cannot disagree with `pulumi up`
 * (test/plan-matches-program.test.ts).
 */

export const RESOURCE_TYPES = {
  ResourceServer: "auth0:index/resourceServer:ResourceServer",
  ResourceServerScopes: "auth0:index/resourceServerScopes:ResourceServerScopes",
  Client: "auth0:index/client:Client",
  ClientCredentials: "auth0:index/clientCredentials:ClientCredentials",
  ClientGrant: "auth0:index/clientGrant:ClientGrant",
  Action: "auth0:index/action:Action",
  TriggerActions: "auth0:index/triggerActions:TriggerActions",
  Role: "auth0:index/role:Role",
  RolePermissions: "auth0:index/rolePermissions:RolePermissions",
} as const;

export const COMPONENT_TYPES = {
  Tenant: "auth0-tenant:index:Tenant",
  Api: "auth0-tenant:index:Api",
  PrivateKeyJwtApplication: "auth0-tenant:index:PrivateKeyJwtApplication",
  RegularWebApplication: "auth0-tenant:index:RegularWebApplication",
  ClaimsAction: "auth0-tenant:index:ClaimsAction",
  TriggerBindings: "auth0-tenant:index:TriggerBindings",
  Role: "auth0-tenant:index:Role",
} as const;

export type ResourceType = (typeof RESOURCE_TYPES)[keyof typeof RESOURCE_TYPES];
export type ComponentType = (typeof COMPONENT_TYPES)[keyof typeof COMPONENT_TYPES];

export interface Address {
  type: ResourceType | ComponentType;
  name: string;
}

/** An input that is another resource's output, known only after that resource exists. */
export interface Ref {
  $ref: { type: ResourceType; name: string; output: string };
}

/** A value read from Pulumi secret config at deploy time; never known to the plan. */
export interface SecretRef {
  $secret: { config: string };
}

export const secretRef = (config: string): SecretRef => ({ $secret: { config } });
export const isSecretRef = (v: unknown): v is SecretRef => typeof v === "object" && v !== null && "$secret" in v;

export const ref = (type: ResourceType, name: string, output: string): Ref => ({ $ref: { type, name, output } });
export const isRef = (v: unknown): v is Ref => typeof v === "object" && v !== null && "$ref" in v;

/**
 * A stack output value that is written only once the resource `after` names has been deployed: if that resource
 * fails, the output never resolves and Pulumi keeps the last deployment's outputs (pulumi v3.248
 * pkg/resource/deploy/step_executor.go, stack outputs on error; sdk/nodejs/runtime/stack.ts).
 */
export interface AfterDeploy {
  $after: Ref;
  value: unknown;
}

export const afterDeploy = (after: Ref, value: unknown): AfterDeploy => ({ $after: after, value });
export const isAfterDeploy = (v: unknown): v is AfterDeploy => typeof v === "object" && v !== null && "$after" in v;

/**
 * Replaces each Ref (and SecretRef, AfterDeploy) anywhere in a value with what `resolve` (and `secret`, `after`)
 * return for it. Offline readers keep an AfterDeploy's value.
 */
export function resolveRefs<T>(
  value: T,
  resolve: (r: Ref) => unknown,
  secret: (s: SecretRef) => unknown = () => undefined,
  after: (a: AfterDeploy) => unknown = (a) => a.value,
): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, resolve, secret, after));
  if (isRef(value)) return resolve(value);
  if (isSecretRef(value)) return secret(value);
  if (isAfterDeploy(value)) return after(value);
  // A loop rather than Object.fromEntries: a 10,000-application tenant resolves every input of 50,000 resources.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const resolved = resolveRefs((value as Record<string, unknown>)[key], resolve, secret, after);
    if (key === "__proto__") Object.defineProperty(out, key, { value: resolved, enumerable: true, writable: true, configurable: true });
    else out[key] = resolved;
  }
  return out;
}

/** Every Ref inside a value, in order of appearance. */
export function refsIn(value: unknown): Ref[] {
  const found: Ref[] = [];
  resolveRefs(value, (r) => found.push(r));
  return found;
}

export interface DesiredResource<T extends ResourceType = ResourceType, I extends object = object> {
  type: T;
  name: string;
  parent: ComponentAddress;
  inputs: I;
  protect: boolean;
  /** Ordering that no input expresses (e.g. a grant waits for its API's scopes). */
  dependsOn: Address[];
  /** Input paths whose values are secret: encrypted in state, redacted in every report. */
  secretInputs?: string[];
  /**
   * The Auth0 id of an existing object this resource adopts (the spec's `adopt:`): the first `pulumi up` imports it
   * (the `import` resource option) instead of creating it. Later runs ignore it (the state already has the resource).
   */
  importId?: string;
  /**
   * Inputs the adopt run leaves as the provider reads them (the `ignoreChanges` resource option, from the spec's
   * `adopt:`), so that the import matches with zero differences; the run after `adopt:` is deleted applies them.
   */
  ignoreChanges?: string[];
}

export interface ComponentAddress {
  type: ComponentType;
  name: string;
}

export interface DesiredComponent extends ComponentAddress {
  parent?: ComponentAddress;
}

export interface DesiredState {
  stack: string;
  components: DesiredComponent[];
  resources: DesiredResource[];
}

/** A resource declared by a component; every model function builds its resources through this. */
export function child<T extends ResourceType, I extends object>(
  type: T,
  name: string,
  parent: ComponentAddress,
  protect: boolean,
  inputs: I,
  dependsOn: Address[] = [],
): DesiredResource<T, I> {
  return { type, name, parent, protect, dependsOn, inputs };
}

/** Logical name of an app's grant on one API; `/` cannot appear in keys, so names never collide. */
export const grantName = (appKey: string, apiKey: string) => `${appKey}/${apiKey}`;

/** The provider fills in "Managed by Pulumi" when no description is given (@pulumi/auth0 3.49 client.js and role.js); we say it ourselves so the plan shows it. */
export const DEFAULT_DESCRIPTION = "Managed by Pulumi";

/** Logical name of a role's permissions resource. */
export const rolePermissionsName = (roleKey: string) => `${roleKey}-permissions`;

export const addressOf = (r: { type: string; name: string }): string => `${r.type}::${r.name}`;
