import type { ParsedApi, ParsedCredential, ParsedM2MApplication, ParsedRole, ParsedWebApplication } from "./schema";
import type { ActionRuntime, TokenKind, Trigger } from "./triggers";
import type { PublicKeyInfo } from "./public-key";

/** The validated tenant spec (keys inspected, actions not yet bundled): the input of the model (src/model). */
export interface TenantSpec {
  stack: string;
  protect: boolean;
  /** Credentials expiring within this many days are reported as warnings. */
  credentialExpiryWarningDays: number;
  apis: Record<string, ApiSpec>;
  applications: Record<string, ApplicationSpec>;
  actions: Record<string, ActionSpec>;
  /** Roles and the API permissions they hold (absent when the spec declares none). */
  roles?: Record<string, RoleSpec>;
  /** Action keys bound to each trigger, in execution order (always both triggers, possibly empty). */
  triggers: Record<Trigger, string[]>;
  /** `<resource kind>/<logical name>` → the Auth0 id the first `pulumi up` imports instead of creating (src/spec/adopt.ts). */
  adopt: Record<string, string>;
  /**
   * `<resource kind>/<logical name>` → the inputs the adopt run leaves as the provider reads them (`ignoreChanges`),
   * applied by the `pulumi up` after `adopt:` is deleted (src/spec/adopt.ts); only entries that list some.
   */
  adoptIgnoreChanges?: Record<string, string[]>;
  /** Applications present in the tenant on purpose but not managed here, by client id (drift does not report them). */
  unmanaged: Record<string, UnmanagedClientSpec>;
}

export interface UnmanagedClientSpec {
  clientId: string;
  name?: string;
  /** Key ids (kid) of its credentials. */
  credentials: string[];
  /** API identifier → scopes it is expected to hold. */
  grants: Record<string, string[]>;
}

export interface ClaimSpec {
  name: string;
  tokens: TokenKind[];
  from?: string;
  value?: string | number | boolean;
}

export interface ActionSpec {
  key: string;
  /** The action's name in Auth0 (default: the key). */
  name: string;
  trigger: Trigger;
  runtime: ActionRuntime;
  source: string;
  /** false: the source is deployed byte for byte (no bundling, no claim mapping). */
  bundle: boolean;
  claims: ClaimSpec[];
  deny?: { when: string; equals: string; code: string; reason: string };
  /** Action secret name → the Pulumi secret config key holding its value. */
  secrets: { name: string; config: string }[];
}

export interface ApiSpec extends Omit<ParsedApi, "tokenLifetimeForWeb"> {
  key: string;
  name: string;
  tokenLifetimeForWeb: number;
}

export interface RoleSpec extends ParsedRole {
  key: string;
  /** The role's name in Auth0 (default: the key). */
  name: string;
}

export interface CredentialSpec extends ParsedCredential {
  key: PublicKeyInfo;
  /** True when the expiry comes from the X.509 certificate rather than `expiresAt`. */
  parseExpiryFromCert: boolean;
  /** The effective expiry (explicit `expiresAt`, else the certificate's notAfter), ISO 8601. */
  effectiveExpiresAt?: string;
}

export interface M2MApplicationSpec extends Omit<ParsedM2MApplication, "credentials"> {
  key: string;
  name: string;
  credentials: CredentialSpec[];
}

export interface WebApplicationSpec extends Omit<ParsedWebApplication, "credentials"> {
  key: string;
  name: string;
  credentials?: CredentialSpec[];
}

export type ApplicationSpec = M2MApplicationSpec | WebApplicationSpec;

export interface SpecContext {
  stack: string;
  /** Reads a file relative to the project root (a working tree or a git revision); undefined when absent. */
  readFile: (relativePath: string) => Promise<string | undefined>;
  now: Date;
  /** The Pulumi project name: the namespace of the project's own config keys. */
  project?: string;
  /** Looks up a stack config key (for action secrets): whether it is set, stored as a secret, and its length if known. */
  config?: (key: string) => { secret: boolean; length?: number } | undefined;
}
