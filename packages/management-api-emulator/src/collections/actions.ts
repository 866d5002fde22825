import { ACTION_LIMITS } from "../auth0-limits";
import { actionNotFound, conflict, payloadError } from "../errors";
import type { Route } from "../http";
import { newId } from "../ids";
import { booleanParam, protoPage } from "../paging";
import type { TenantStore } from "../store";
import { checkBody, type FieldType } from "../validate";

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

/** An action's draft plus its versions (each deploy adds one); its wire form is actionView's. */
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

const RUNTIMES = ["node22", "node18", "node18-actions", "node16"];

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

const clone = <T>(v: T): T => structuredClone(v);

/** Actions by id. */
export class Actions extends Map<string, ActionRecord> {
  constructor(private readonly store: TenantStore) {
    super();
  }

  require(id: string): ActionRecord {
    const a = this.get(id);
    if (!a) throw actionNotFound();
    return a;
  }

  add(record: ActionRecord): ActionRecord {
    this.set(record.id, record);
    return record;
  }

  create(body: unknown, options: { id?: string } = {}): ActionRecord {
    const b = checkBody(body, ACTION_CREATE_FIELDS, { required: ["name", "supported_triggers"] });
    const now = this.store.time();
    const fields = actionFields(b, now);
    if ([...this.values()].some((a) => a.name === fields.name)) {
      // Not recorded: Auth0 keeps action names unique per tenant; the wording is ours.
      throw conflict(`An action with the name "${fields.name}" already exists`);
    }
    const record = this.add({
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
    if (b.deploy === true) this.deploy(record.id);
    return record;
  }

  update(id: string, body: unknown): ActionRecord {
    const record = this.require(id);
    const b = checkBody(body, ACTION_UPDATE_FIELDS);
    const now = this.store.time();
    const fields = actionFields(b, now);
    if (fields.name !== undefined && fields.name !== record.name && [...this.values()].some((a) => a.name === fields.name)) {
      throw conflict(`An action with the name "${fields.name}" already exists`);
    }
    Object.assign(record, fields, { updated_at: now, dirty: true });
    return record;
  }

  /** POST /actions/actions/{id}/deploy: a new immutable version from the draft, deployed at once (Auth0 builds asynchronously). */
  deploy(id: string, options: { versionId?: string } = {}): ActionVersionRecord {
    const record = this.require(id);
    const now = this.store.time();
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

  /** Deleting a bound action is refused with 409 unless `force` (which unbinds it first), as Auth0 does. */
  remove(id: string, options: { force?: boolean } = {}): void {
    this.require(id);
    const bound = this.store.bindings.ofAction(id);
    if (bound.length > 0 && !options.force) {
      // Not recorded (the provider unbinds first); the wording is ours.
      throw conflict(
        `The action is bound to ${[...new Set(bound.map((b) => b.trigger_id))].join(", ")}: unbind it first (PATCH the trigger's bindings) or delete with force=true`,
      );
    }
    this.store.bindings.unbind(id);
    this.delete(id);
  }
}

function actionFields(b: Record<string, unknown>, now: string): Partial<ActionRecord> {
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
    if (secrets.length > ACTION_LIMITS.secretsPerAction) throw payloadError(`at most ${ACTION_LIMITS.secretsPerAction} secrets`, "secrets");
    // Only names are kept: a secret's value is write-only in Auth0 and never needed locally.
    out.secrets = secrets.map((s) => {
      const name = (s as { name?: unknown } | null)?.name;
      if (typeof name !== "string" || name.length === 0) throw payloadError("Missing required property: name", "secrets");
      return { name, updated_at: now };
    });
  }
  return out;
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

export function versionsOf(a: ActionRecord) {
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

export function actionRoutes(route: Route, store: TenantStore): void {
  route(
    "GET",
    "/actions/actions",
    ["read:actions"],
    ["triggerId", "actionName", "deployed", "page", "per_page", "installed"],
    ({ query }) => {
      const trigger = query.get("triggerId");
      const name = query.get("actionName");
      const deployed = booleanParam(query, "deployed");
      const installed = booleanParam(query, "installed");
      const items = [...store.actions.values()]
        .filter((a) => trigger === null || a.supported_triggers.some((t) => t.id === trigger))
        .filter((a) => name === null || a.name === name)
        .filter((a) => deployed === undefined || (a.deployedVersionId !== undefined) === deployed)
        // Every local action is a custom one (none comes from the marketplace).
        .filter(() => installed !== true)
        .map((a) => actionView(a));
      return { status: 200, body: protoPage(items, "actions", query) };
    },
  );
  // Auth0 builds a new action asynchronously: the POST answers "pending", reads then say "built" (recorded).
  route("POST", "/actions/actions", ["create:actions"], [], ({ json }) => ({
    status: 201,
    body: actionView(store.actions.create(json()), { status: "pending" }),
  }));
  route("GET", "/actions/actions/:id", ["read:actions"], [], ({ ctx }) => ({
    status: 200,
    body: actionView(store.actions.require(ctx.params.id!)),
  }));
  route("PATCH", "/actions/actions/:id", ["update:actions"], [], ({ ctx, json }) => ({
    status: 200,
    body: actionView(store.actions.update(ctx.params.id!, json())),
  }));
  route("DELETE", "/actions/actions/:id", ["delete:actions"], ["force"], ({ ctx, query }) => {
    store.actions.remove(ctx.params.id!, { force: booleanParam(query, "force") ?? false });
    return { status: 204 };
  });
  route("POST", "/actions/actions/:id/deploy", ["create:actions"], [], ({ ctx }) => {
    const version = store.actions.deploy(ctx.params.id!);
    return { status: 200, body: deployedView(store.actions.require(ctx.params.id!), version) };
  });
}
