import type { Bundle } from "../actions/bundle";
import type { DesiredResource } from "../model/desired";

/** What every kind's model reads besides the spec. */
export interface ModelInput {
  protect: boolean;
  /** The action bundles of the build step (src/actions/build.ts), by action key. */
  bundles: Record<string, Bundle>;
}

/**
 * A kind's part of the model. The model builder (src/tenant/model.ts) runs every kind's `build` in the registry's
 * order (./models.ts) and declares their components in that order. (Methods: each kind narrows the model it reads.)
 */
export interface KindModel<C = unknown, F extends object = object> {
  /** The whole spec → the kind's fields of TenantModel (a kind may read the kinds before it, as triggers read actions). */
  build(spec: never, input: ModelInput): F;
  /** Its components, in declaration order. */
  components(model: F): C[];
  /** One component's resources, in the order it declares them. */
  resources(component: C): DesiredResource[];
  /** Its stack outputs (absent: it exports none). */
  outputs?(model: F, spec: never): object;
}
