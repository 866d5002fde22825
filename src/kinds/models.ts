import { actionKindModel } from "./action/model";
import { apiKindModel } from "./api/model";
import { applicationKindModel } from "./application/model";
import { grantKindModel } from "./grant/model";
import type { KindModel } from "./kind-model";
import { roleKindModel } from "./role/model";
import { triggerKindModel } from "./trigger/model";

/**
 * Each kind's model, in the registry's order, which is the order the tenant declares their components in (APIs before
 * the grants and permissions that name them, actions before the triggers that bind them, roles last so that no
 * resource declared before roles existed moves). KINDS in ./index.ts holds the same objects.
 */
export const KIND_MODELS = {
  api: apiKindModel,
  application: applicationKindModel,
  grant: grantKindModel,
  action: actionKindModel,
  trigger: triggerKindModel,
  role: roleKindModel,
} satisfies Record<string, KindModel>;

type Models = typeof KIND_MODELS;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type Built<K extends keyof Models> = ReturnType<Models[K]["build"]>;
type Outputs<K extends keyof Models> = Models[K] extends { outputs: (...args: never[]) => infer O } ? O : never;

/** The stack outputs, with Refs where a value is only known after deployment: each kind's, in the registry's order. */
export type OutputsModel = UnionToIntersection<{ [K in keyof Models]: Outputs<K> }[keyof Models]>;

/** The desired tenant: each kind's fields, and the stack's. */
export type TenantModel = { stack: string; protect: boolean } & UnionToIntersection<{ [K in keyof Models]: Built<K> }[keyof Models]> & {
    outputs: OutputsModel;
  };

/** Any kind's component. */
export type ComponentModel = { [K in keyof Models]: ReturnType<Models[K]["components"]>[number] }[keyof Models];

export type { ActionModel } from "./action/model";
export type { ApiModel } from "./api/model";
export type { ApplicationModel } from "./application/model";
export type { RoleModel } from "./role/model";
export type { TriggerModel } from "./trigger/model";
