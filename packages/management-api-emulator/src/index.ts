import { actionRoutes } from "./collections/actions";
import { bindingRoutes } from "./collections/bindings";
import { clientRoutes } from "./collections/clients";
import { credentialRoutes, type InspectKey, type InspectedKey } from "./collections/credentials";
import { grantRoutes } from "./collections/grants";
import { resourceServerRoutes } from "./collections/resource-servers";
import { roleRoutes } from "./collections/roles";
import { Faults, RateLimiter, type RateLimitOptions } from "./faults";
import {
  managementRouter,
  MANAGEMENT_BASE_PATH,
  type Authenticate,
  type EndpointDescription,
  type ManagementRouter,
  type RequestLogEntry,
  type Route,
} from "./http";
import { TenantStore } from "./store";
import { tenantSettingsView, updateTenantSettings } from "./tenant-settings";

export { ACTION_LIMITS, CREDENTIAL_ALGORITHMS } from "./auth0-limits";
export { TRIGGER_VERSIONS, type ActionRecord, type ActionVersionRecord } from "./collections/actions";
export type { BindingRecord } from "./collections/bindings";
export { CLIENT_DEFAULTS, JWT_CONFIGURATION_DEFAULTS, type ClientRecord } from "./collections/clients";
export type { CredentialRecord, InspectKey, InspectedKey, StoredCredential } from "./collections/credentials";
export type { GrantRecord } from "./collections/grants";
export { TOKEN_DIALECTS, type ResourceServerRecord } from "./collections/resource-servers";
export type { RolePermission, RoleRecord } from "./collections/roles";
export { insufficientScope, invalidToken, ManagementApiError, missingAuthentication } from "./errors";
export type { Fault, FaultOptions, RateLimitOptions } from "./faults";
export { globalClient } from "./global-client";
export {
  MANAGEMENT_BASE_PATH,
  matchPath,
  splitPath,
  type Authenticate,
  type BearerToken,
  type EndpointDescription,
  type Handler,
  type RequestContext,
  type RequestLogEntry,
  type Resolved,
} from "./http";
export { newId } from "./ids";
export { ALL_MANAGEMENT_SCOPES, isManagementScope, MANAGEMENT_SCOPES, READ_SCOPES, type ManagementScope } from "./scopes";
export { auth0Time, TenantStore } from "./store";

export interface ManagementApiOptions<K extends InspectedKey> {
  /** `auth0:domain`: the Management API's identifier is `https://<domain>/api/v2/`. */
  domain: string;
  /** Token authentication (injected): the caller's bearer token, or Auth0's 401. */
  authenticate: Authenticate;
  /** Key inspection (injected): a credential's PEM → its key. */
  inspectKey: InspectKey<K>;
  rateLimit?: RateLimitOptions;
  now?: () => Date;
}

/** How many requests `requests` keeps (the most recent). */
export const REQUEST_LOG_SIZE = 1000;

/** Every collection's endpoints, and the tenant settings. */
function declareRoutes(route: Route, store: TenantStore): void {
  clientRoutes(route, store);
  credentialRoutes(route, store);
  grantRoutes(route, store);
  resourceServerRoutes(route, store);
  actionRoutes(route, store);
  bindingRoutes(route, store);
  roleRoutes(route, store);
  // default_audience only: tenant-settings.ts.
  route("GET", "/tenants/settings", ["read:tenant_settings"], ["fields", "include_fields"], () => ({
    status: 200,
    body: tenantSettingsView(store.settings),
  }));
  route("PATCH", "/tenants/settings", ["update:tenant_settings"], [], ({ json }) => ({
    status: 200,
    body: tenantSettingsView(updateTenantSettings(store.settings, json())),
  }));
}

/**
 * An in-memory Auth0 Management API (`/api/v2`): a store of records served with Auth0's bodies, paging, errors and
 * rate-limit headers. The host mounts `router` under `basePath`, authenticates tokens and inspects keys.
 */
export class ManagementApi<K extends InspectedKey = InspectedKey> {
  readonly basePath = MANAGEMENT_BASE_PATH;
  readonly store: TenantStore<K>;
  /** Answer the next requests to a path with a 429 or a 5xx (tests of retry and error handling). */
  readonly faults = new Faults();
  /** x-ratelimit-* headers; `rateLimit.enforce = true` refuses requests past `limit` per window with 429. */
  readonly rateLimit: RateLimiter;
  /** The most recent requests (method, path with query, status, time), oldest first. */
  readonly requests: RequestLogEntry[] = [];
  readonly router: ManagementRouter;
  /** Every route with the scopes it accepts. */
  readonly endpoints: EndpointDescription[];

  constructor(options: ManagementApiOptions<K>) {
    this.store = new TenantStore<K>({
      domain: options.domain,
      inspectKey: options.inspectKey,
      ...(options.now ? { now: options.now } : {}),
    });
    this.rateLimit = new RateLimiter(options.rateLimit);
    const { router, endpoints } = managementRouter(
      {
        authenticate: options.authenticate,
        faults: this.faults,
        rateLimit: this.rateLimit,
        now: this.store.now,
        log: (entry) => {
          this.requests.push(entry);
          if (this.requests.length > REQUEST_LOG_SIZE) this.requests.splice(0, this.requests.length - REQUEST_LOG_SIZE);
        },
      },
      (route) => declareRoutes(route, this.store as unknown as TenantStore),
    );
    this.router = router;
    this.endpoints = endpoints;
  }

  /** Auth0's identifier of the Management API, `https://<domain>/api/v2/`. */
  get audience(): string {
    return this.store.managementAudience;
  }
}
