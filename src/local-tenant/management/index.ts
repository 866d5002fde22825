import type { Plan } from "../../plan";
import type { Router } from "../router";
import type { SigningKeys } from "../signing-keys";
import type { TokenEndpoint } from "../token-endpoint";
import { ManagementTokenEndpoint, type ManagementAuth } from "./auth";
import { Faults, RateLimiter, type RateLimitOptions } from "./faults";
import { managementRouter, MANAGEMENT_BASE_PATH, type EndpointDescription, type RequestLogEntry } from "./routes";
import { localClientId } from "../clients";
import { managementClientSeed, seedStore, type ManagementClientOption } from "./seed";
import { TenantStore } from "./store";

export { ManagementTokenEndpoint, managementAudiences } from "./auth";
export { ManagementApiError } from "./errors";
export type { Fault, FaultOptions, RateLimitOptions } from "./faults";
export { MANAGEMENT_BASE_PATH, type EndpointDescription, type RequestLogEntry } from "./routes";
export { ALL_MANAGEMENT_SCOPES, MANAGEMENT_SCOPES, READ_SCOPES, type ManagementScope } from "./scopes";
export { addManagementClient, type ManagementClientOption } from "./seed";
export { TenantStore, TRIGGER_VERSIONS } from "./store";
export type { ActionRecord, BindingRecord, ClientRecord, CredentialRecord, GrantRecord, ResourceServerRecord } from "./store";

export interface ManagementApiOptions {
  /** `auth0:domain`: the Management API's identifier is `https://<domain>/api/v2/`. */
  domain: string;
  /** The local tenant's token signing keys: Management API tokens are signed and checked with them. */
  signingKeys: SigningKeys;
  /** Clients allowed to call the Management API (private_key_jwt, with the scopes given). */
  managementClients?: readonly ManagementClientOption[];
  rateLimit?: RateLimitOptions;
  now?: () => Date;
}

/** How many requests `requests` keeps (the most recent). */
export const REQUEST_LOG_SIZE = 1000;

/**
 * The local tenant's Management API (`/api/v2`): an in-memory tenant seeded from the plan as if deployed, served
 * with Auth0's bodies, paging, errors and rate-limit headers to clients holding a Management API token from the local
 * token endpoint.
 */
export class LocalManagementApi {
  readonly basePath = MANAGEMENT_BASE_PATH;
  readonly store: TenantStore;
  /** Answer the next requests to a path with a 429 or a 5xx (tests of retry and error handling). */
  readonly faults = new Faults();
  /** x-ratelimit-* headers; `rateLimit.enforce = true` refuses requests past `limit` per window with 429. */
  readonly rateLimit: RateLimiter;
  /** The most recent requests (method, path with query, status, time), oldest first. */
  readonly requests: RequestLogEntry[] = [];
  readonly router: Router;
  /** Every route with the scopes it accepts. */
  readonly endpoints: EndpointDescription[];
  /** The clients it was started with, that may call it. */
  readonly managementClients: readonly { clientId: string; scopes: readonly string[] }[];
  private readonly auth: ManagementAuth;

  private constructor(store: TenantStore, options: ManagementApiOptions) {
    this.store = store;
    this.managementClients = (options.managementClients ?? []).map((c) => ({ clientId: c.clientId, scopes: c.scopes }));
    this.rateLimit = new RateLimiter(options.rateLimit);
    this.auth = { store, signingKeys: options.signingKeys, now: store.now };
    const { router, endpoints } = managementRouter({
      ...this.auth,
      faults: this.faults,
      rateLimit: this.rateLimit,
      log: (entry) => {
        this.requests.push(entry);
        if (this.requests.length > REQUEST_LOG_SIZE) this.requests.splice(0, this.requests.length - REQUEST_LOG_SIZE);
      },
    });
    this.router = router;
    this.endpoints = endpoints;
  }

  /** The store seeded from the plan, plus the management clients (on first use: see TenantStore.seedOnFirstUse). */
  static async create(plan: Plan, options: ManagementApiOptions): Promise<LocalManagementApi> {
    const store = new TenantStore({ domain: options.domain, ...(options.now ? { now: options.now } : {}) });
    // Checked now (a bad option fails the start); added with the plan's records when the store is first read.
    const taken = new Set(Object.keys(plan.spec.applications).map((app) => localClientId(plan.spec.stack, app)));
    const managementClients: ((store: TenantStore) => unknown)[] = [];
    for (const client of options.managementClients ?? []) {
      if (taken.has(client.clientId)) throw new Error(`management client id "${client.clientId}" is already a client of this tenant`);
      taken.add(client.clientId);
      managementClients.push(await managementClientSeed(client));
    }
    store.seedOnFirstUse((s) => {
      seedStore(plan, s);
      for (const add of managementClients) add(s);
    });
    return new LocalManagementApi(store, options);
  }

  /** Auth0's identifier of the Management API, `https://<auth0:domain>/api/v2/` (the local URL's `/api/v2/` works too). */
  get audience(): string {
    return this.store.managementAudience;
  }

  /** The token endpoint that also issues Management API tokens (from this store). */
  tokenEndpoint(spec: Plan["spec"], options: ConstructorParameters<typeof TokenEndpoint>[1]): TokenEndpoint {
    return new ManagementTokenEndpoint(spec, options, this.auth);
  }
}
