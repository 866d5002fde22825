import { ManagementApi, type ClientRecord, type RateLimitOptions, type TenantStore } from "@auth0-tenant/management-api-emulator";
import type { Plan } from "../../plan";
import { inspectPublicKey, type PublicKeyInfo } from "../../spec/public-key";
import { localClientId } from "../clients";
import type { SigningKeys } from "../signing-keys";
import type { TokenEndpoint } from "../token-endpoint";
import { localAuthentication, ManagementTokenEndpoint, type ManagementAuth } from "./auth";
import { managementClientSeed, seedStore, type ManagementClientOption } from "./seed";

export { managementAudiences, ManagementTokenEndpoint } from "./auth";
export { addManagementClient, type ManagementClientOption } from "./seed";
export {
  ALL_MANAGEMENT_SCOPES,
  MANAGEMENT_BASE_PATH,
  MANAGEMENT_SCOPES,
  ManagementApiError,
  READ_SCOPES,
  REQUEST_LOG_SIZE,
  TRIGGER_VERSIONS,
  type EndpointDescription,
  type Fault,
  type FaultOptions,
  type ManagementScope,
  type RateLimitOptions,
  type RequestLogEntry,
} from "@auth0-tenant/management-api-emulator";

/** The local tenant's store: its credentials hold the inspected keys the token endpoint verifies assertions with. */
export type LocalStore = TenantStore<PublicKeyInfo>;
export type { ClientRecord };

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

/**
 * The local tenant's Management API (`/api/v2`): the emulator (@auth0-tenant/management-api-emulator) seeded from the
 * plan as if deployed, its tokens issued by the local token endpoint and checked with the local signing keys, its
 * credentials' keys inspected as the spec's are.
 */
export class LocalManagementApi extends ManagementApi<PublicKeyInfo> {
  /** The clients it was started with, that may call it. */
  readonly managementClients: readonly { clientId: string; scopes: readonly string[] }[];
  private readonly auth: ManagementAuth;

  private constructor(options: ManagementApiOptions) {
    const now = options.now ?? (() => new Date());
    super({
      domain: options.domain,
      authenticate: localAuthentication({ domain: options.domain, signingKeys: options.signingKeys, now }),
      inspectKey: (pem) => inspectPublicKey(pem),
      now,
      ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    });
    this.managementClients = (options.managementClients ?? []).map((c) => ({ clientId: c.clientId, scopes: c.scopes }));
    this.auth = { store: this.store, signingKeys: options.signingKeys, now };
  }

  /** The store seeded from the plan, plus the management clients (on first use: see TenantStore.seedOnFirstUse). */
  static async create(plan: Plan, options: ManagementApiOptions): Promise<LocalManagementApi> {
    const api = new LocalManagementApi(options);
    // Checked now (a bad option fails the start); added with the plan's records when the store is first read.
    const taken = new Set(Object.keys(plan.spec.applications).map((app) => localClientId(plan.spec.stack, app)));
    const managementClients: ((store: LocalStore) => unknown)[] = [];
    for (const client of options.managementClients ?? []) {
      if (taken.has(client.clientId)) throw new Error(`management client id "${client.clientId}" is already a client of this tenant`);
      taken.add(client.clientId);
      managementClients.push(await managementClientSeed(client));
    }
    api.store.seedOnFirstUse((s) => {
      seedStore(plan, s);
      for (const add of managementClients) add(s);
    });
    return api;
  }

  /** The token endpoint that also issues Management API tokens (from this store). */
  tokenEndpoint(spec: Plan["spec"], options: ConstructorParameters<typeof TokenEndpoint>[1]): TokenEndpoint {
    return new ManagementTokenEndpoint(spec, options, this.auth);
  }
}
