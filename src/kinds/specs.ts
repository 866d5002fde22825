import type { UnmanagedClientSpec } from "../spec/adopt";
import { actionSpec } from "./action/spec";
import { apiSpec } from "./api/spec";
import { applicationSpec } from "./application/spec";
import { grantSpec } from "./grant/spec";
import type { KindSpec } from "./kind-spec";
import { roleSpec } from "./role/spec";
import { triggerSpec } from "./trigger/spec";

/**
 * Each kind's spec, in the registry's order (KINDS in ./index.ts holds the same objects; index.ts checks the names
 * match). The loader and `plan` load this light registry, not the review, drift and import modules.
 */
export const KIND_SPECS = {
  api: apiSpec,
  application: applicationSpec,
  grant: grantSpec,
  action: actionSpec,
  trigger: triggerSpec,
  role: roleSpec,
} satisfies Record<string, KindSpec>;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
type SectionOf<S> = S extends { section: infer A extends string; parse: (...args: never[]) => infer V }
  ? S extends { omitEmpty: true }
    ? { [P in A]?: Awaited<V> }
    : { [P in A]: Awaited<V> }
  : never;
type Sections = UnionToIntersection<{ [K in keyof typeof KIND_SPECS]: SectionOf<(typeof KIND_SPECS)[K]> }[keyof typeof KIND_SPECS]>;

/** The validated tenant spec (keys inspected, actions not yet bundled): each kind's section, and the stack's settings. */
export type TenantSpec = Sections & {
  stack: string;
  protect: boolean;
  /** Credentials expiring within this many days are reported as warnings. */
  credentialExpiryWarningDays: number;
  /** `<resource kind>/<logical name>` → the Auth0 id the first `pulumi up` imports instead of creating (src/spec/adopt.ts). */
  adopt: Record<string, string>;
  /**
   * `<resource kind>/<logical name>` → the inputs the adopt run leaves as the provider reads them (`ignoreChanges`),
   * applied by the `pulumi up` after `adopt:` is deleted (src/spec/adopt.ts); only entries that list some.
   */
  adoptIgnoreChanges?: Record<string, string[]>;
  /** Applications present in the tenant on purpose but not managed here, by client id (drift does not report them). */
  unmanaged: Record<string, UnmanagedClientSpec>;
};

export type { ActionSpec, ClaimSpec } from "./action/spec";
export type { ApiSpec } from "./api/spec";
export type { ApplicationSpec, M2MApplicationSpec, WebApplicationSpec } from "./application/spec";
export type { RoleSpec } from "./role/spec";
export type { CredentialSpec } from "../spec/credentials";
