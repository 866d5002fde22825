import { actionNotFound, badRequest, payloadError } from "../errors";
import type { Route } from "../http";
import { newId } from "../ids";
import { ACTION_LIMITS } from "../auth0-limits";
import { protoPage } from "../paging";
import type { TenantStore } from "../store";
import { checkBody } from "../validate";
import { TRIGGER_VERSIONS, versionsOf, type ActionRecord } from "./actions";

/** A trigger binding as stored; its wire form (the action embedded) is bindingView's. */
export interface BindingRecord {
  id: string;
  trigger_id: string;
  action_id: string;
  display_name: string;
  created_at: string;
  updated_at: string;
}

const clone = <T>(v: T): T => structuredClone(v);

/** Bindings by trigger id, each trigger's in execution order. */
export class Bindings extends Map<string, BindingRecord[]> {
  constructor(private readonly store: TenantStore) {
    super();
  }

  of(triggerId: string): BindingRecord[] {
    checkTrigger(triggerId);
    return this.get(triggerId) ?? [];
  }

  /** The triggers an action is bound to. */
  ofAction(actionId: string): BindingRecord[] {
    return [...this.values()].flat().filter((b) => b.action_id === actionId);
  }

  /** Removes an action from every trigger. */
  unbind(actionId: string): void {
    for (const [trigger, list] of this)
      this.set(
        trigger,
        list.filter((b) => b.action_id !== actionId),
      );
  }

  /** PATCH replaces the whole list, in order; every binding gets a new id and created_at (as recorded). */
  replace(triggerId: string, body: unknown, options: { ids?: string[] } = {}): BindingRecord[] {
    checkTrigger(triggerId);
    const b = checkBody(body, { bindings: "array" }, { required: ["bindings"] });
    const entries = b.bindings as unknown[];
    if (entries.length > ACTION_LIMITS.actionsPerTrigger)
      throw payloadError(`at most ${ACTION_LIMITS.actionsPerTrigger} bindings per trigger`, "bindings");
    const now = this.store.time();
    const list = entries.map((entry, i): BindingRecord => {
      const e = checkBody(entry, { ref: "object", display_name: "string", secrets: "array" }, { required: ["ref"] });
      const ref = checkBody(e.ref, { type: "string", value: "string" }, { required: ["type", "value"] });
      let action: ActionRecord | undefined;
      if (ref.type === "action_id") action = this.store.actions.get(ref.value as string);
      else if (ref.type === "action_name") action = [...this.store.actions.values()].find((a) => a.name === ref.value);
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
    this.set(triggerId, list);
    return list;
  }
}

function checkTrigger(triggerId: string) {
  if (!(triggerId in TRIGGER_VERSIONS)) {
    throw badRequest(
      `Path validation error: 'Invalid value "${triggerId}"' on property triggerId (An actions extensibility point).`,
      "invalid_uri",
    );
  }
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

export function bindingRoutes(route: Route, store: TenantStore): void {
  route("GET", "/actions/triggers", ["read:actions"], [], () => ({
    status: 200,
    body: {
      triggers: Object.entries(TRIGGER_VERSIONS).map(([id, version]) => ({
        id,
        version,
        status: "CURRENT",
        runtimes: ["node18", "node22"],
        default_runtime: "node22",
        compatible_triggers: [],
        binding_policy: "trigger-bound",
      })),
    },
  }));
  route("GET", "/actions/triggers/:triggerId/bindings", ["read:actions"], ["page", "per_page"], ({ ctx, query }) => ({
    status: 200,
    body: protoPage(
      store.bindings.of(ctx.params.triggerId!).map((b) => bindingView(store, b)),
      "bindings",
      query,
    ),
  }));
  // The PATCH answer has no paging members (recorded).
  route("PATCH", "/actions/triggers/:triggerId/bindings", ["update:actions"], [], ({ ctx, json }) => ({
    status: 200,
    body: { bindings: store.bindings.replace(ctx.params.triggerId!, json()).map((b) => bindingView(store, b)) },
  }));
}
