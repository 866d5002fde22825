import type * as auth0 from "@pulumi/auth0";
import type { Bundle } from "../actions/bundle";
import { TRIGGERS, type Trigger } from "../spec/triggers";
import type { ActionSpec } from "../spec";
import {
  child,
  COMPONENT_TYPES,
  ref,
  RESOURCE_TYPES,
  secretRef,
  type ComponentAddress,
  type DesiredResource,
  type Ref,
  type SecretRef,
} from "./desired";

export interface ActionModel {
  kind: "action";
  key: string;
  trigger: Trigger;
  component: ComponentAddress;
  /** The built code: what Auth0 runs, what the plan hashes and what local tools execute. */
  bundle: Bundle;
  action: DesiredResource<
    typeof RESOURCE_TYPES.Action,
    Omit<auth0.ActionArgs, "secrets" | "code"> & { code: string; secrets: { name: string; value: SecretRef }[] }
  >;
}

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

/** One deployed Action: the bundle as its code, secrets from Pulumi secret config (never in the plan). */
export function actionModel(action: ActionSpec, bundle: Bundle, protect: boolean): ActionModel {
  const component = { type: COMPONENT_TYPES.ClaimsAction, name: action.key };
  const resource = child(RESOURCE_TYPES.Action, action.key, component, protect, {
    name: action.name,
    code: bundle.code,
    runtime: action.runtime,
    deploy: true,
    supportedTriggers: { id: action.trigger, version: TRIGGERS[action.trigger].version },
    secrets: action.secrets.map((s) => ({ name: s.name, value: secretRef(s.config) })),
  });
  return {
    kind: "action",
    key: action.key,
    trigger: action.trigger,
    component,
    bundle,
    action: { ...resource, secretInputs: action.secrets.map((_, i) => `secrets[${i}].value`) },
  };
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
