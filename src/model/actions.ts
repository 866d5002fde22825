import type * as auth0 from "@pulumi/auth0";
import { TRIGGERS, type Trigger } from "../actions/triggers";
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
  component: ComponentAddress;
  action: DesiredResource<Omit<auth0.ActionArgs, "secrets"> & { secrets: { name: string; value: SecretRef }[] }>;
}

export interface TriggerModel {
  component: ComponentAddress;
  bindings: DesiredResource<Omit<auth0.TriggerActionsArgs, "actions"> & { actions: { id: Ref; displayName: string }[] }>;
}

/** One deployed Action: the bundle as its code, secrets from Pulumi secret config (never in the plan). */
export function actionModel(action: ActionSpec, protect: boolean): ActionModel {
  const component = { type: COMPONENT_TYPES.ClaimsAction, name: action.key };
  const resource = child(RESOURCE_TYPES.Action, action.key, component, protect, {
    name: action.key,
    code: action.bundle.code,
    runtime: action.runtime,
    deploy: true,
    supportedTriggers: { id: action.trigger, version: TRIGGERS[action.trigger].version },
    secrets: action.secrets.map((s) => ({ name: s.name, value: secretRef(s.config) })),
  });
  return { component, action: { ...resource, secretInputs: action.secrets.map((_, i) => `secrets[${i}].value`) } };
}

/**
 * All bindings of one trigger in one resource, in declared order. It references (so depends on) every bound
 * action: Pulumi creates and updates it after them, and removed actions are deleted only after it has been
 * updated to no longer bind them (deletes of removed resources run last), so Auth0 never answers 409 "bound".
 */
export function triggerModel(trigger: Trigger, keys: string[], protect: boolean): TriggerModel {
  const component = { type: COMPONENT_TYPES.TriggerBindings, name: trigger };
  return {
    component,
    bindings: child(
      RESOURCE_TYPES.TriggerActions,
      trigger,
      component,
      protect,
      { trigger, actions: keys.map((k) => ({ id: ref(RESOURCE_TYPES.Action, k, "id"), displayName: k })) },
      keys.map((k) => ({ type: RESOURCE_TYPES.Action, name: k })),
    ),
  };
}
