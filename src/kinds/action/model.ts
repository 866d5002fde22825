import type * as auth0 from "@pulumi/auth0";
import type { Bundle } from "../../actions/bundle";
import { dict } from "../../dict";
import { TRIGGERS, type Trigger } from "../../spec/triggers";
import type { KindModel, ModelInput } from "../kind-model";
import type { ActionSpec } from "./spec";
import {
  child,
  COMPONENT_TYPES,
  ref,
  RESOURCE_TYPES,
  secretRef,
  type ComponentAddress,
  type DesiredResource,
  type SecretRef,
} from "../../model/desired";

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

/** Every action of the spec, with its bundle from the build step. */
export const actionKindModel = {
  build: (spec: { actions: Record<string, ActionSpec> }, { protect, bundles }: ModelInput) => ({
    actions: dict(
      Object.values(spec.actions).map((a) => {
        const bundle = bundles[a.key];
        if (!bundle) throw new Error(`action ${a.key} has no bundle (the build step must run before the model)`);
        return [a.key, actionModel(a, bundle, protect)];
      }),
    ),
  }),
  components: (m) => Object.values(m.actions),
  resources: (c) => [c.action],
  outputs: (m) => ({
    actions: dict(
      Object.values(m.actions).map((a) => [
        a.key,
        { trigger: a.trigger, id: ref(RESOURCE_TYPES.Action, a.key, "id"), sha256: a.bundle.sha256 },
      ]),
    ),
  }),
} satisfies KindModel<ActionModel, { actions: Record<string, ActionModel> }>;
