import type { ResourceType } from "../model";
import type { Plan } from "../plan";

export type Risk = "high" | "medium" | "low" | "info";
export const RISK_ORDER: Risk[] = ["high", "medium", "low", "info"];

export const SECTIONS = {
  stack: "Stack",
  /** Drift: grants and keys made outside the spec, first (who can get which token). */
  access: "Access made outside the spec (grants and keys)",
  applications: "Applications",
  grants: "Grants",
  apis: "APIs and scopes",
  credentials: "Credentials",
  actions: "Claims and actions",
  protection: "Protected resources",
} as const;
export type Section = keyof typeof SECTIONS;

export type ChangeKind =
  | "stack.added"
  | "stack.removed"
  | "app.added"
  | "app.removed"
  | "app.type-changed"
  | "app.metadata-changed"
  | "app.url-added"
  | "app.url-removed"
  | "app.setting-changed"
  | "grant.scope-gained"
  | "grant.scope-lost"
  | "api.added"
  | "api.removed"
  | "api.identifier-changed"
  | "api.scope-added"
  | "api.scope-removed"
  | "api.setting-changed"
  | "credential.added"
  | "credential.retired"
  | "credential.stack-specific"
  | "credential.expiring"
  | "credential.method-reverted"
  | "credential.expiry-changed"
  | "rotation.unsafe"
  | "action.added"
  | "action.removed"
  | "action.code-changed"
  | "action.deny-changed"
  | "action.secrets-changed"
  | "action.runtime-changed"
  | "action.undeployed-edit"
  | "action.unbound"
  | "claim.added"
  | "claim.removed"
  | "claim.changed"
  | "binding.order-changed"
  | "protected.deleted"
  | "resource.replaced"
  | "protect.disabled";

/** The change kinds about each resource type: adding a resource type without them is a compile error. */
export const CHANGE_KINDS: Record<ResourceType, readonly ChangeKind[]> = {
  "auth0:index/client:Client": [
    "app.added",
    "app.removed",
    "app.type-changed",
    "app.metadata-changed",
    "app.url-added",
    "app.url-removed",
    "app.setting-changed",
  ],
  "auth0:index/clientGrant:ClientGrant": ["grant.scope-gained", "grant.scope-lost"],
  "auth0:index/resourceServer:ResourceServer": ["api.added", "api.removed", "api.identifier-changed", "api.setting-changed"],
  "auth0:index/resourceServerScopes:ResourceServerScopes": ["api.scope-added", "api.scope-removed"],
  "auth0:index/clientCredentials:ClientCredentials": [
    "credential.added",
    "credential.retired",
    "credential.stack-specific",
    "credential.expiring",
    "credential.method-reverted",
    "credential.expiry-changed",
    "rotation.unsafe",
  ],
  "auth0:index/action:Action": [
    "action.added",
    "action.removed",
    "action.code-changed",
    "action.deny-changed",
    "action.secrets-changed",
    "action.runtime-changed",
    "action.undeployed-edit",
    "action.unbound",
    "claim.added",
    "claim.removed",
    "claim.changed",
  ],
  "auth0:index/triggerActions:TriggerActions": ["binding.order-changed"],
};

/** What a detector finds; risk.ts turns it into a Change with a risk level. */
export interface Finding {
  section: Section;
  kind: ChangeKind;
  /** Who or what is affected, e.g. "billing" or "orders-api". */
  subject: string;
  /** One line in plain words, e.g. "billing gains orders:delete on orders-api". */
  text: string;
  /** The scope concerned, for scope-sensitive risk rules. */
  scope?: string;
  /**
   * Where the change was made: absent for a change to the repository (a review), "live" for one made by hand in the
   * tenant (drift). The origin may raise a change's risk, never lower it (risk.ts).
   */
  origin?: "live";
  details?: string[];
}

export interface Change extends Finding {
  stack: string;
  risk: Risk;
}

export interface DetectorContext {
  stack: string;
  base?: Plan;
  head?: Plan;
  now: Date;
  /** Lines added/removed per action source file between the revisions (git diff --numstat). */
  sourceStats: Map<string, { added: number; removed: number }>;
  /**
   * "change": base and head are two revisions of one stack (review). "compare": two stacks side by side, where
   * deployment steps (rotation safety, protected deletions) mean nothing.
   */
  mode?: "change" | "compare";
}

/** A detector compares one kind of thing between the base and head plans of a stack. */
export interface Detector {
  /** The resource types whose changes it reports. */
  covers: readonly ResourceType[];
  detect: (ctx: DetectorContext) => Finding[] | Promise<Finding[]>;
}
