import type {
  ActionRecord,
  ActionVersionRecord,
  BindingRecord,
  ClientRecord,
  CredentialRecord,
  GrantRecord,
  ResourceServerRecord,
  TenantStore,
} from "./store";

/**
 * Response bodies in the Management API's shapes, from the store's records. Shapes follow the recorded responses of
 * terraform-provider-auth0 v1.53.0 (test/data/recordings); test/local-tenant/fixtures holds trimmed copies that the
 * tests compare against.
 */

const clone = <T>(v: T): T => structuredClone(v);

/** `fields` + `include_fields` (default true): only, or all but, the named properties. */
export function selectFields<T extends object>(body: T, fields: string[] | undefined, include = true): Partial<T> {
  if (!fields || fields.length === 0) return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => fields.includes(k) === include)) as Partial<T>;
}

export const clientView = (c: ClientRecord): ClientRecord => clone(c);

/** A credential without its key material (Auth0 never returns the PEM). */
export const credentialView = (c: CredentialRecord): CredentialRecord => ({ ...c });

export const grantView = (g: GrantRecord): GrantRecord => clone(g);

/** Recorded: a resource server whose scopes are empty has no `scopes` property at all. */
export function resourceServerView(rs: ResourceServerRecord): ResourceServerRecord {
  const body = clone(rs);
  if (Array.isArray(body.scopes) && body.scopes.length === 0) delete body.scopes;
  return body;
}

/** `current_version` (upper-case status, `build_time`), as recorded (TestAccTriggerAction.yaml id 3). */
function currentVersionView(v: ActionVersionRecord) {
  return {
    id: v.id,
    code: v.code,
    runtime: v.runtime,
    status: "BUILT",
    number: v.number,
    build_time: v.created_at,
    created_at: v.created_at,
    updated_at: v.updated_at,
  };
}

/** `deployed_version` (lower-case status, `built_at`), as recorded. */
function deployedVersionView(v: ActionVersionRecord, deployed: boolean) {
  return {
    code: v.code,
    dependencies: clone(v.dependencies),
    id: v.id,
    deployed,
    number: v.number,
    built_at: v.created_at,
    secrets: clone(v.secrets),
    status: "built",
    created_at: v.created_at,
    updated_at: v.updated_at,
    runtime: v.runtime,
    supported_triggers: clone(v.supported_triggers),
  };
}

function versionsOf(a: ActionRecord) {
  const current = a.versions.at(-1);
  const deployed = a.versions.find((v) => v.id === a.deployedVersionId);
  return {
    ...(current ? { current_version: currentVersionView(current) } : {}),
    ...(deployed ? { deployed_version: deployedVersionView(deployed, true) } : {}),
    all_changes_deployed: deployed !== undefined && !a.dirty,
  };
}

export function actionView(a: ActionRecord, options: { status?: "built" | "pending" } = {}) {
  return {
    id: a.id,
    name: a.name,
    supported_triggers: clone(a.supported_triggers),
    created_at: a.created_at,
    updated_at: a.updated_at,
    code: a.code,
    dependencies: clone(a.dependencies),
    runtime: a.runtime,
    status: options.status ?? "built",
    secrets: clone(a.secrets),
    ...versionsOf(a),
  };
}

/** The response of POST .../deploy: the new version, `deployed: false` while Auth0 builds it (as recorded). */
export function deployedView(a: ActionRecord, v: ActionVersionRecord) {
  const { built_at: _builtAt, ...version } = deployedVersionView(v, false); // not built yet: no built_at (recorded)
  return {
    ...version,
    action: {
      id: a.id,
      name: a.name,
      supported_triggers: clone(a.supported_triggers),
      created_at: a.created_at,
      updated_at: a.updated_at,
      all_changes_deployed: false,
    },
  };
}

/** A binding embeds its action without code, runtime or secrets at the top level (as recorded). */
export function bindingView(store: TenantStore, b: BindingRecord) {
  const a = store.actions.get(b.action_id);
  return {
    id: b.id,
    trigger_id: b.trigger_id,
    action: a
      ? {
          id: a.id,
          name: a.name,
          supported_triggers: clone(a.supported_triggers),
          created_at: a.created_at,
          updated_at: a.updated_at,
          ...versionsOf(a),
        }
      : { id: b.action_id },
    created_at: b.created_at,
    updated_at: b.updated_at,
    display_name: b.display_name,
  };
}
