import type { ResourceType } from "../model/desired";
import type { KindImport } from "./import-context";
import type { KindModel } from "./kind-model";
import type { KindSpec } from "./kind-spec";
import type { DriftComparison } from "./live";
import type { Detector, Rule } from "./vocabulary";

/**
 * Everything true of one resource kind, in data-flow order. Each piece is required: a kind without one does not
 * compile (./index.ts checks KINDS against this with `satisfies`). docs/contributing.md, "Adding a resource kind",
 * lists the files of a kind; test/resource-kinds.test.ts holds the recipe and this registry to each other.
 */
export interface Kind<T extends ResourceType = ResourceType, C extends string = string> {
  /** The spec: the schema of one entry (zod, with Auth0's limits), its parsing and its cross-checks (./<kind>/spec.ts). */
  spec: KindSpec;
  /** The model: spec → its components and the resources they declare, in the provider's form (./<kind>/model.ts). */
  model: KindModel;
  /** The resource types it declares, each with the change kinds a review or drift reports about it. */
  types: { [type in T]: readonly C[] };
  /** The field table: every setting of the kind, each compared by review and drift and written by import. */
  fields: readonly string[];
  /** The text plan's heading for each of its resource types. */
  plan: { [type in T]: string };
  review: {
    /** The risk of each change kind (the one risk table is the union of these, review/risk.ts). */
    risk: Record<C, Rule>;
    detector: Detector<C>;
  };
  live: {
    /** The tenant's objects of this kind against the plan (drift). */
    drift: DriftComparison<string>;
    /** The tenant's objects of this kind → spec entries with their `adopt:` ids. */
    import: KindImport;
  };
}

/** Any kind, whatever its resource types (the registry holds kinds of different types). */
export type AnyKind = Omit<Kind, "types" | "plan"> & {
  types: Partial<Record<ResourceType, readonly string[]>>;
  plan: Partial<Record<ResourceType, string>>;
};
