import { ManagementApiError } from "./errors";
import { newId } from "./ids";
import type { ClientRecord } from "./collections/clients";
import type { TenantStore } from "./store";

/**
 * The tenant's legacy global client ("All Applications"), which every Auth0 tenant has: `GET /clients` lists it with
 * `global: true` and `is_global=true` selects it alone (terraform-provider-auth0 v1.53.0 fetchGlobalClientID lists
 * `is_global=true` and takes the first). The local tenant serves it read-only: it holds no secret and logs no one in.
 */
export function globalClient(store: Pick<TenantStore, "domain">): ClientRecord {
  return {
    client_id: newId("client", `global/${store.domain}`),
    name: "All Applications",
    global: true,
    is_first_party: true,
    callbacks: [],
    allowed_origins: [],
    allowed_logout_urls: [],
    web_origins: [],
    client_aliases: [],
    callback_url_template: false,
    custom_login_page_on: true,
    oidc_conformant: false,
    sso_disabled: false,
    cross_origin_auth: false,
    is_token_endpoint_ip_header_trusted: false,
  };
}

export const isGlobalClient = (store: Pick<TenantStore, "domain">, id: string) => id === globalClient(store).client_id;

export const globalClientReadOnly = () =>
  new ManagementApiError(403, "The global client is read-only on the local tenant", "operation_not_supported");
