import type * as auth0 from "@pulumi/auth0";
import { dict } from "../../dict";
import { child, COMPONENT_TYPES, ref, RESOURCE_TYPES, type ComponentAddress, type DesiredResource, type Ref } from "../../model/desired";
import { TRIGGER_IDS, type Trigger } from "../../spec/triggers";
import type { ActionSpec } from "../action/spec";
import type { KindModel, ModelInput } from "../kind-model";

export interface TriggerModel {
  kind: "trigger";
  trigger: Trigger;
  component: ComponentAddress;
  /** Bound action keys in execution order. */
  order: string[];
  bindings: DesiredResource<
    typeof RESOURCE_TYPES.TriggerActions,
    Omit<auth0.TriggerActionsArgs, "actions"> & { actions: { id: Ref; displayName: string }[] }
  >;
}

/**
 * All bindings of one trigger in one resource, in declared order. It references (so depends on) every bound
 * action: Pulumi creates and updates it after them, and removed actions are deleted only after it has been
 * updated to no longer bind them (deletes of removed resources run last), so Auth0 never answers 409 "bound".
 */
export function triggerModel(trigger: Trigger, bound: { key: string; name: string }[], protect: boolean): TriggerModel {
  const component = { type: COMPONENT_TYPES.TriggerBindings, name: trigger };
  return {
    kind: "trigger",
    trigger,
    component,
    order: bound.map((b) => b.key),
    bindings: child(
      RESOURCE_TYPES.TriggerActions,
      trigger,
      component,
      protect,
      // The display name is the action's name in Auth0, as the dashboard shows a binding.
      { trigger, actions: bound.map((b) => ({ id: ref(RESOURCE_TYPES.Action, b.key, "id"), displayName: b.name })) },
      bound.map((b) => ({ type: RESOURCE_TYPES.Action, name: b.key })),
    ),
  };
}

/**
 * The bound action keys of both triggers (possibly empty), and the binding resource of each trigger that has actions.
 * A trigger with none has no resource: the provider's `actions` block is required
 * (internal/auth0/action/resource_trigger_actions.go, Required ⇒ MinItems 1) and an empty list panics the Pulumi
 * bridge (pulumi-terraform-bridge issue 1856). Unbinding a trigger's last action deletes its resource, whose Delete
 * sends an empty binding list; Pulumi deletes it before the actions it referenced (reverse dependency order, after
 * every registration).
 */
export const triggerKindModel = {
  build: (spec: { actions: Record<string, ActionSpec>; triggers: Record<Trigger, string[]> }, { protect }: ModelInput) => {
    const bindings = dict(TRIGGER_IDS.map((t) => [t, spec.triggers[t]])) as Record<Trigger, string[]>;
    const triggers: Partial<Record<Trigger, TriggerModel>> = {};
    for (const t of TRIGGER_IDS)
      if (bindings[t].length > 0)
        triggers[t] = triggerModel(
          t,
          bindings[t].map((k) => ({ key: k, name: spec.actions[k]?.name ?? k })),
          protect,
        );
    return { bindings, triggers };
  },
  components: (m) => Object.values(m.triggers),
  resources: (c) => [c.bindings],
  outputs: (m) => ({ triggers: m.bindings }),
} satisfies KindModel<TriggerModel, { bindings: Record<Trigger, string[]>; triggers: Partial<Record<Trigger, TriggerModel>> }>;
