import type { ResourceType } from "../model/desired";
import { action } from "./action";
import { api } from "./api";
import { application } from "./application";
import { grant } from "./grant";
import type { AnyKind } from "./kind";
import { KIND_MODELS } from "./models";
import { KIND_SPECS } from "./specs";
import { role } from "./role";
import { trigger } from "./trigger";
import type { Rule } from "./vocabulary";

/**
 * The kind registry: one module per resource kind (./<kind>/), in declaration order (APIs before the grants that name
 * them, actions before the triggers that bind them). The spec, model, plan, review, drift and import loop over it.
 */
export const KINDS = { api, application, grant, action, trigger, role } satisfies Record<string, AnyKind>;
export type KindName = keyof typeof KINDS;
export const KIND_NAMES = Object.keys(KINDS) as KindName[];

/**
 * The spec and model pieces are also listed in the light registries that `plan` loads (./specs.ts, ./models.ts),
 * without the review, drift and import modules: the same kinds, in the same order (test/resource-kinds.test.ts checks
 * the objects and the order), or this does not compile.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameKinds: Same<KindName, keyof typeof KIND_SPECS> & Same<KindName, keyof typeof KIND_MODELS> = true;
void sameKinds;

type TypesOf<K extends KindName> = keyof (typeof KINDS)[K]["types"] & ResourceType;
/** Every resource type belongs to exactly one kind: a type the model declares and no kind claims does not compile. */
type Unclaimed = Exclude<ResourceType, { [K in KindName]: TypesOf<K> }[KindName]>;
const everyTypeClaimed: [Unclaimed] extends [never] ? true : Unclaimed = true;
void everyTypeClaimed;

/** The kind a resource type belongs to. */
export const KIND_OF_TYPE = Object.fromEntries(KIND_NAMES.flatMap((k) => Object.keys(KINDS[k].types).map((t) => [t, k]))) as Record<
  ResourceType,
  KindName
>;

/** Change kinds about no one kind: a stack, protection, a replacement. */
export const GENERAL_RISK = {
  "stack.added": () => "medium",
  "stack.removed": () => "high",
  "protected.deleted": () => "high",
  "resource.replaced": (f) => (f.production ? "high" : "medium"),
  "protect.disabled": () => "high",
} as const satisfies Record<string, Rule>;

type KindRisk<K extends KindName> = (typeof KINDS)[K]["review"]["risk"];
export type ChangeKind = keyof typeof GENERAL_RISK | { [K in KindName]: keyof KindRisk<K> & string }[KindName];

/** The one risk table: each kind's rules and the general ones, by change kind. */
export const RISK_RULES: Record<ChangeKind, Rule> = Object.assign(
  {},
  ...KIND_NAMES.map((k) => KINDS[k].review.risk),
  GENERAL_RISK,
) as Record<ChangeKind, Rule>;

/** The change kinds about each resource type. */
export const CHANGE_KINDS = Object.fromEntries(
  KIND_NAMES.flatMap((k) => Object.entries(KINDS[k].types as Record<string, readonly ChangeKind[]>)),
) as Record<ResourceType, readonly ChangeKind[]>;

/** The text plan's heading for each resource type. */
export const PLAN_SECTIONS = Object.fromEntries(
  KIND_NAMES.flatMap((k) => Object.entries(KINDS[k].plan as Record<string, string>)),
) as Record<ResourceType, string>;

export type { Kind } from "./kind";
