import type { Bundle } from "../actions/bundle";
import { TRIGGER_IDS, type Trigger } from "../spec/triggers";
import { dict } from "../dict";
import { assertNever } from "../errors";
import type { CredentialFingerprint } from "../rotation/fingerprints";
import { adoptKeyOf } from "../spec/adopt";
import type { TenantSpec } from "../spec";
import { actionModel, triggerModel, type ActionModel, type TriggerModel } from "./actions";
import { apiModel, type ApiModel } from "./api";
import { applicationModel, type ApplicationModel } from "./application";
import { roleModel, type RoleModel } from "./role";
import {
  afterDeploy,
  COMPONENT_TYPES,
  ref,
  RESOURCE_TYPES,
  type AfterDeploy,
  type ComponentAddress,
  type DesiredResource,
  type DesiredState,
  type Ref,
} from "./desired";

export type ComponentModel = ApiModel | ApplicationModel | ActionModel | TriggerModel | RoleModel;

/** The stack outputs, with Refs where a value is only known after deployment. */
export interface OutputsModel {
  apis: Record<string, { identifier: Ref; scopes: string[] }>;
  /**
   * The rotation guard reads `credentials` back on the next deployment as "what is deployed", so it is written
   * only once the app's ClientCredentials resource was deployed (AfterDeploy).
   */
  applications: Record<string, { type: string; clientId: Ref; credentials: CredentialFingerprint[] | AfterDeploy }>;
  actions: Record<string, { trigger: Trigger; id: Ref; sha256: string }>;
  triggers: Record<string, string[]>;
}

export interface TenantModel {
  stack: string;
  protect: boolean;
  apis: Record<string, ApiModel>;
  applications: Record<string, ApplicationModel>;
  actions: Record<string, ActionModel>;
  /** Bound action keys of both triggers, in execution order (possibly empty). */
  bindings: Record<Trigger, string[]>;
  /**
   * The binding resource of each trigger that has actions. A trigger with none has no resource: the provider's
   * `actions` block is required (internal/auth0/action/resource_trigger_actions.go, Required ⇒ MinItems 1) and an
   * empty list panics the Pulumi bridge (pulumi-terraform-bridge issue 1856). Unbinding a trigger's last action
   * deletes its resource, whose Delete sends an empty binding list; Pulumi deletes it before the actions it
   * referenced (reverse dependency order, after every registration).
   */
  triggers: Partial<Record<Trigger, TriggerModel>>;
  /** Roles with their permissions (declared after everything else, so no existing resource moves). */
  roles: Record<string, RoleModel>;
  outputs: OutputsModel;
}

export const TENANT_COMPONENT_NAME = "tenant";
export const TENANT_COMPONENT: ComponentAddress = { type: COMPONENT_TYPES.Tenant, name: TENANT_COMPONENT_NAME };

/** spec (+ the action bundles of the build step) → desired state. */
export function tenantModel(spec: TenantSpec, bundles: Record<string, Bundle>): TenantModel {
  const apis = dict(Object.values(spec.apis).map((a) => [a.key, apiModel(a, spec.protect)]));
  const applications = dict(Object.values(spec.applications).map((a) => [a.key, applicationModel(a, spec.protect)]));
  const actions = dict(
    Object.values(spec.actions).map((a) => {
      const bundle = bundles[a.key];
      if (!bundle) throw new Error(`action ${a.key} has no bundle (the build step must run before the model)`);
      return [a.key, actionModel(a, bundle, spec.protect)];
    }),
  );
  const bindings = dict(TRIGGER_IDS.map((t) => [t, spec.triggers[t]])) as Record<Trigger, string[]>;
  const triggers: Partial<Record<Trigger, TriggerModel>> = {};
  for (const t of TRIGGER_IDS)
    if (bindings[t].length > 0)
      triggers[t] = triggerModel(
        t,
        bindings[t].map((k) => ({ key: k, name: spec.actions[k]?.name ?? k })),
        spec.protect,
      );
  const model: TenantModel = {
    stack: spec.stack,
    protect: spec.protect,
    apis,
    applications,
    actions,
    bindings,
    triggers,
    roles: dict(Object.values(spec.roles ?? {}).map((r) => [r.key, roleModel(r, spec.protect)])),
    outputs: {
      apis: dict(
        Object.values(spec.apis).map((a) => [
          a.key,
          { identifier: ref(RESOURCE_TYPES.ResourceServer, a.key, "identifier"), scopes: Object.keys(a.scopes) },
        ]),
      ),
      applications: dict(
        Object.values(applications).map((a) => [
          a.key,
          {
            type: a.appType,
            clientId: ref(RESOURCE_TYPES.Client, a.key, "clientId"),
            credentials: a.credentials ? afterDeploy(ref(RESOURCE_TYPES.ClientCredentials, a.key, "id"), a.fingerprints) : [],
          },
        ]),
      ),
      actions: dict(
        Object.values(actions).map((a) => [
          a.key,
          { trigger: a.trigger, id: ref(RESOURCE_TYPES.Action, a.key, "id"), sha256: a.bundle.sha256 },
        ]),
      ),
      triggers: bindings,
    },
  };
  if (Object.keys(spec.adopt).length > 0) applyAdopt(model, spec.adopt, spec.adoptIgnoreChanges ?? {});
  return model;
}

/** The tenant's components in declaration order: APIs, applications, actions, the trigger bindings, then roles. */
export function componentsInOrder(model: TenantModel): ComponentModel[] {
  return [
    ...Object.values(model.apis),
    ...Object.values(model.applications),
    ...Object.values(model.actions),
    ...Object.values(model.triggers),
    ...Object.values(model.roles),
  ];
}

/** One component's resources, in the order it declares them. */
export function resourcesOf(component: ComponentModel): DesiredResource[] {
  switch (component.kind) {
    case "api":
      return [component.resourceServer, ...(component.scopes ? [component.scopes] : [])];
    case "application":
      return [component.client, ...(component.credentials ? [component.credentials] : []), ...component.grants.map((g) => g.resource)];
    case "action":
      return [component.action];
    case "trigger":
      return [component.bindings];
    case "role":
      return [component.role, ...(component.permissions ? [component.permissions] : [])];
    default:
      return assertNever(component, "component kind");
  }
}

/** Every component and resource the program declares, flattened in declaration order. */
export function desiredState(model: TenantModel): DesiredState {
  const components = componentsInOrder(model);
  return {
    stack: model.stack,
    components: [
      TENANT_COMPONENT,
      ...components.map((c) => ({ type: c.component.type, name: c.component.name, parent: TENANT_COMPONENT })),
    ],
    resources: components.flatMap(resourcesOf),
  };
}

/** Sets each resource's importId from the spec's `adopt:` (keys validated against the same resources in src/spec/adopt.ts). */
function applyAdopt(model: TenantModel, adopt: Record<string, string>, ignoreChanges: Record<string, string[]>): void {
  for (const r of componentsInOrder(model).flatMap(resourcesOf)) {
    const key = adoptKeyOf(r);
    const id = Object.hasOwn(adopt, key) ? adopt[key] : undefined;
    if (id === undefined) continue;
    r.importId = id;
    if (Object.hasOwn(ignoreChanges, key)) r.ignoreChanges = ignoreChanges[key];
  }
}
