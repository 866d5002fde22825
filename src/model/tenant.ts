import { TRIGGER_IDS, type Trigger } from "../actions/triggers";
import type { TenantSpec } from "../spec";
import { actionModel, triggerModel, type ActionModel, type TriggerModel } from "./actions";
import { apiModel, type ApiModel } from "./api";
import { applicationModel, type ApplicationModel } from "./application";
import { COMPONENT_TYPES, type DesiredResource, type DesiredState } from "./desired";

export interface TenantModel {
  apis: Record<string, ApiModel>;
  applications: Record<string, ApplicationModel>;
  actions: Record<string, ActionModel>;
  /**
   * Both triggers, always: an emptied trigger keeps its binding resource with an empty list (an update, not a
   * delete, which a protected production resource would refuse).
   */
  triggers: Record<Trigger, TriggerModel>;
}

export const TENANT_COMPONENT_NAME = "tenant";

/** spec → desired state, in the order the program declares it. */
export function tenantModel(spec: TenantSpec): TenantModel {
  return {
    apis: Object.fromEntries(Object.values(spec.apis).map((a) => [a.key, apiModel(a, spec.protect)])),
    applications: Object.fromEntries(Object.values(spec.applications).map((a) => [a.key, applicationModel(a, spec.protect)])),
    actions: Object.fromEntries(Object.values(spec.actions).map((a) => [a.key, actionModel(a, spec.protect)])),
    triggers: Object.fromEntries(TRIGGER_IDS.map((t) => [t, triggerModel(t, spec.triggers[t], spec.protect)])) as Record<
      Trigger,
      TriggerModel
    >,
  };
}

export function desiredState(spec: TenantSpec): DesiredState {
  const model = tenantModel(spec);
  const tenant = { type: COMPONENT_TYPES.Tenant, name: TENANT_COMPONENT_NAME };
  const components = [
    tenant,
    ...Object.values(model.apis).map((m) => ({ ...m.component, parent: tenant })),
    ...Object.values(model.applications).map((m) => ({ ...m.component, parent: tenant })),
    ...Object.values(model.actions).map((m) => ({ ...m.component, parent: tenant })),
    ...Object.values(model.triggers).map((m) => ({ ...m.component, parent: tenant })),
  ];
  const resources: DesiredResource[] = [];
  for (const api of Object.values(model.apis)) resources.push(api.resourceServer, api.scopes);
  for (const app of Object.values(model.applications)) {
    resources.push(app.client);
    if (app.credentials) resources.push(app.credentials);
    for (const g of app.grants) resources.push(g.resource);
  }
  for (const action of Object.values(model.actions)) resources.push(action.action);
  for (const trigger of Object.values(model.triggers)) resources.push(trigger.bindings);
  return { stack: spec.stack, components, resources };
}
