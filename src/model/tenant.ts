import type { Bundle } from "../actions/bundle";
import { TRIGGER_IDS, type Trigger } from "../actions/triggers";
import { assertNever } from "../errors";
import type { CredentialFingerprint } from "../rotation/fingerprints";
import type { TenantSpec } from "../spec";
import { actionModel, triggerModel, type ActionModel, type TriggerModel } from "./actions";
import { apiModel, type ApiModel } from "./api";
import { applicationModel, type ApplicationModel } from "./application";
import { COMPONENT_TYPES, ref, RESOURCE_TYPES, type ComponentAddress, type DesiredResource, type DesiredState, type Ref } from "./desired";

export type ComponentModel = ApiModel | ApplicationModel | ActionModel | TriggerModel;

/** The stack outputs, with Refs where a value is only known after deployment. */
export interface OutputsModel {
  apis: Record<string, { identifier: Ref; scopes: string[] }>;
  applications: Record<string, { type: string; clientId: Ref; credentials: CredentialFingerprint[] }>;
  actions: Record<string, { trigger: Trigger; id: Ref; sha256: string }>;
  triggers: Record<string, string[]>;
}

export interface TenantModel {
  stack: string;
  protect: boolean;
  apis: Record<string, ApiModel>;
  applications: Record<string, ApplicationModel>;
  actions: Record<string, ActionModel>;
  /**
   * Both triggers, always: an emptied trigger keeps its binding resource with an empty list (an update, not a
   * delete, which a protected production resource would refuse).
   */
  triggers: Record<Trigger, TriggerModel>;
  outputs: OutputsModel;
}

export const TENANT_COMPONENT_NAME = "tenant";
export const TENANT_COMPONENT: ComponentAddress = { type: COMPONENT_TYPES.Tenant, name: TENANT_COMPONENT_NAME };

/** spec (+ the action bundles of the build step) → desired state. */
export function tenantModel(spec: TenantSpec, bundles: Record<string, Bundle>): TenantModel {
  const apis = Object.fromEntries(Object.values(spec.apis).map((a) => [a.key, apiModel(a, spec.protect)]));
  const applications = Object.fromEntries(Object.values(spec.applications).map((a) => [a.key, applicationModel(a, spec.protect)]));
  const actions = Object.fromEntries(
    Object.values(spec.actions).map((a) => {
      const bundle = bundles[a.key];
      if (!bundle) throw new Error(`action ${a.key} has no bundle (the build step must run before the model)`);
      return [a.key, actionModel(a, bundle, spec.protect)];
    }),
  );
  const triggers = Object.fromEntries(TRIGGER_IDS.map((t) => [t, triggerModel(t, spec.triggers[t], spec.protect)])) as Record<
    Trigger,
    TriggerModel
  >;
  return {
    stack: spec.stack,
    protect: spec.protect,
    apis,
    applications,
    actions,
    triggers,
    outputs: {
      apis: Object.fromEntries(
        Object.values(spec.apis).map((a) => [
          a.key,
          { identifier: ref(RESOURCE_TYPES.ResourceServer, a.key, "identifier"), scopes: Object.keys(a.scopes) },
        ]),
      ),
      applications: Object.fromEntries(
        Object.values(applications).map((a) => [
          a.key,
          { type: a.appType, clientId: ref(RESOURCE_TYPES.Client, a.key, "clientId"), credentials: a.fingerprints },
        ]),
      ),
      actions: Object.fromEntries(
        Object.values(actions).map((a) => [
          a.key,
          { trigger: a.trigger, id: ref(RESOURCE_TYPES.Action, a.key, "id"), sha256: a.bundle.sha256 },
        ]),
      ),
      triggers: Object.fromEntries(TRIGGER_IDS.map((t) => [t, spec.triggers[t]])),
    },
  };
}

/** The tenant's components in declaration order: APIs, applications, actions, then the trigger bindings. */
export function componentsInOrder(model: TenantModel): ComponentModel[] {
  return [
    ...Object.values(model.apis),
    ...Object.values(model.applications),
    ...Object.values(model.actions),
    ...Object.values(model.triggers),
  ];
}

/** One component's resources, in the order it declares them. */
export function resourcesOf(component: ComponentModel): DesiredResource[] {
  switch (component.kind) {
    case "api":
      return [component.resourceServer, component.scopes];
    case "application":
      return [component.client, ...(component.credentials ? [component.credentials] : []), ...component.grants.map((g) => g.resource)];
    case "action":
      return [component.action];
    case "trigger":
      return [component.bindings];
    default:
      return assertNever(component, "component kind");
  }
}

/** Every component and resource the program declares, flattened in declaration order. */
export function desiredState(model: TenantModel): DesiredState {
  const components = componentsInOrder(model);
  return {
    stack: model.stack,
    components: [TENANT_COMPONENT, ...components.map((c) => ({ ...c.component, parent: TENANT_COMPONENT }))],
    resources: components.flatMap(resourcesOf),
  };
}
