import { DEFAULT_TOKEN_LIFETIME, DEFAULT_TOKEN_LIFETIME_FOR_WEB } from "./auth0-limits";
import { Actions } from "./collections/actions";
import { Bindings } from "./collections/bindings";
import { Clients } from "./collections/clients";
import { Credentials, type InspectKey, type InspectedKey } from "./collections/credentials";
import { Grants } from "./collections/grants";
import { ResourceServers } from "./collections/resource-servers";
import { Roles } from "./collections/roles";
import { newId } from "./ids";
import { MANAGEMENT_SCOPES } from "./scopes";
import type { TenantSettings } from "./tenant-settings";

/**
 * The tenant's Management API data, one collection per kind of record (collections/): what a client created
 * through the API, or a host seeded (`seedOnFirstUse`), changed afterwards only through the collections' operations
 * (the HTTP routes call them; tests may too). Records are kept in the Management API's own JSON form, so reads
 * return them as Auth0 does; key material is kept beside the credential records and never leaves the store.
 */

/** Auth0 writes times with milliseconds: `2033-05-13T09:33:13.000Z`. */
export const auth0Time = (d: Date | string) => new Date(d).toISOString();

export interface StoreOptions<K extends InspectedKey> {
  /** The tenant's domain (`auth0:domain`): the Management API's identifier is `https://<domain>/api/v2/`. */
  domain: string;
  /** Key inspection (injected): a credential's PEM → its key, or a throw saying why it is not one. */
  inspectKey: InspectKey<K>;
  now?: () => Date;
}

interface Collections<K extends InspectedKey> {
  clients: Clients;
  credentials: Credentials<K>;
  grants: Grants;
  resourceServers: ResourceServers;
  actions: Actions;
  bindings: Bindings;
  roles: Roles;
}

export class TenantStore<K extends InspectedKey = InspectedKey> {
  readonly domain: string;
  readonly now: () => Date;
  readonly inspectKey: InspectKey<K>;
  /** GET/PATCH /tenants/settings; read by a token endpoint, so kept out of the lazily seeded collections. */
  readonly settings: TenantSettings = {};
  private collections?: Collections<K>;
  private readonly seeds: ((store: this) => void)[] = [];

  constructor(options: StoreOptions<K>) {
    this.domain = options.domain;
    this.now = options.now ?? (() => new Date());
    this.inspectKey = options.inspectKey;
  }

  get clients(): Clients {
    return this.filled().clients;
  }
  /** By credential id. */
  get credentials(): Credentials<K> {
    return this.filled().credentials;
  }
  get grants(): Grants {
    return this.filled().grants;
  }
  get resourceServers(): ResourceServers {
    return this.filled().resourceServers;
  }
  get actions(): Actions {
    return this.filled().actions;
  }
  /** By trigger id, in execution order. */
  get bindings(): Bindings {
    return this.filled().bindings;
  }
  get roles(): Roles {
    return this.filled().roles;
  }

  /**
   * Runs `seed` when the store is first read (at once if it has been): a tenant of 10,000 applications serves tokens
   * as soon as it starts, and builds its Management API's records on the first request that needs them.
   */
  seedOnFirstUse(seed: (store: this) => void): void {
    if (this.collections) seed(this);
    else this.seeds.push(seed);
  }

  private filled(): Collections<K> {
    if (this.collections) return this.collections;
    // Only the credentials hold (and hand back) the host's key type; the other collections see any key as an InspectedKey.
    const store = this as unknown as TenantStore;
    this.collections = {
      clients: new Clients(store),
      credentials: new Credentials<K>(this),
      grants: new Grants(store),
      resourceServers: new ResourceServers(store),
      actions: new Actions(store),
      bindings: new Bindings(store),
      roles: new Roles(store),
    };
    this.collections.resourceServers.add(
      {
        id: newId("resourceServer", `system/${this.managementAudience}`),
        name: "Auth0 Management API",
        identifier: this.managementAudience,
        allow_offline_access: false,
        skip_consent_for_verifiable_first_party_clients: false,
        token_lifetime: DEFAULT_TOKEN_LIFETIME,
        token_lifetime_for_web: DEFAULT_TOKEN_LIFETIME_FOR_WEB,
        signing_alg: "RS256",
        scopes: MANAGEMENT_SCOPES.map((s) => ({ ...s })),
      },
      true,
    );
    for (const seed of this.seeds.splice(0)) seed(this);
    return this.collections;
  }

  /** `https://<domain>/api/v2/`: the Management API's own identifier (a system resource server, as in Auth0). */
  get managementAudience(): string {
    return `https://${this.domain}/api/v2/`;
  }

  /** Now, as Auth0 writes it. */
  time(): string {
    return auth0Time(this.now());
  }
}
