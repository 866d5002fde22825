import type { Bundle } from "../actions/bundle";
import { KIND_MODELS, type ComponentModel, type TenantModel } from "../kinds/models";
import type { TenantSpec } from "../kinds/specs";
import { COMPONENT_TYPES, type ComponentAddress, type DesiredResource, type DesiredState } from "../model/desired";
import { adoptKeyOf } from "../spec/adopt";

const KINDS = Object.values(KIND_MODELS) as unknown as {
  build: (spec: TenantSpec, input: { protect: boolean; bundles: Record<string, Bundle> }) => object;
  components: (model: TenantModel) => ComponentModel[];
  resources: (component: ComponentModel) => DesiredResource[];
  outputs?: (model: TenantModel, spec: TenantSpec) => object;
}[];

export const TENANT_COMPONENT_NAME = "tenant";
export const TENANT_COMPONENT: ComponentAddress = { type: COMPONENT_TYPES.Tenant, name: TENANT_COMPONENT_NAME };

/** spec (+ the action bundles of the build step) → desired state: every kind's part, in the registry's order. */
export function tenantModel(spec: TenantSpec, bundles: Record<string, Bundle>): TenantModel {
  const model = Object.assign(
    { stack: spec.stack, protect: spec.protect },
    ...KINDS.map((k) => k.build(spec, { protect: spec.protect, bundles })),
  ) as TenantModel;
  model.outputs = Object.assign({}, ...KINDS.map((k) => k.outputs?.(model, spec) ?? {}));
  if (Object.keys(spec.adopt).length > 0) applyAdopt(model, spec.adopt, spec.adoptIgnoreChanges ?? {});
  return model;
}

/** The tenant's components in declaration order: each kind's, in the registry's order. */
export function componentsInOrder(model: TenantModel): ComponentModel[] {
  return KINDS.flatMap((k) => k.components(model));
}

/** One component's resources, in the order it declares them. */
export function resourcesOf(component: ComponentModel): DesiredResource[] {
  return (KIND_MODELS[component.kind].resources as (c: ComponentModel) => DesiredResource[])(component);
}

/** Every component and resource the program declares, flattened in declaration order. */
export function desiredState(model: TenantModel): DesiredState {
  const components = componentsInOrder(model);
  // Pushed one by one: flatMap of tens of thousands of small arrays costs a large tenant's plan more.
  const resources: DesiredResource[] = [];
  for (const c of components) for (const r of resourcesOf(c)) resources.push(r);
  return {
    stack: model.stack,
    components: [
      TENANT_COMPONENT,
      ...components.map((c) => ({ type: c.component.type, name: c.component.name, parent: TENANT_COMPONENT })),
    ],
    resources,
  };
}

/** Sets each resource's importId from the spec's `adopt:` (keys validated against the same resources in ./adopt.ts). */
function applyAdopt(model: TenantModel, adopt: Record<string, string>, ignoreChanges: Record<string, string[]>): void {
  for (const r of componentsInOrder(model).flatMap(resourcesOf)) {
    const key = adoptKeyOf(r);
    const id = Object.hasOwn(adopt, key) ? adopt[key] : undefined;
    if (id === undefined) continue;
    r.importId = id;
    if (Object.hasOwn(ignoreChanges, key)) r.ignoreChanges = ignoreChanges[key];
  }
}
