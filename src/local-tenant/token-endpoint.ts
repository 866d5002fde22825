import { runCredentialsExchange, type PlannedTenant } from "./bound";
import type { ApiSpec, TenantSpec } from "../kinds/specs";
import { grantsOf } from "../kinds/application/spec";
import { ASSERTION_TYPE, verifyClientAssertion } from "./assertion";
import { localClients, type LocalClient } from "./clients";
import { accessDenied, invalidRequest, OAuthError } from "./errors";
import { JtiCache } from "./replay";
import type { SigningKeys } from "./signing-keys";
import { TokenSigner } from "./token-signer";

export interface ExchangeHookContext {
  client: LocalClient;
  api: ApiSpec;
  scopes: string[];
}

/** Runs after grants are checked; returns custom claims or a deny (the bound credentials-exchange actions). */
export type CredentialsExchangeHook = (
  ctx: ExchangeHookContext,
) => Promise<{ claims: Record<string, unknown>; denied?: { code?: string; reason: string } }>;

export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope?: string;
  /** User logins (authorization_code, refresh_token). */
  id_token?: string;
  refresh_token?: string;
}

/** A grant other than client_credentials (the login flow's), keyed by grant_type. */
export type GrantHandler = (params: Record<string, string | undefined>, request: { issuer: string }) => Promise<TokenResponse>;

/** The bound credentials-exchange actions of the plan, run by the local action runtime in binding order. */
export function actionsHook(plan: PlannedTenant, secrets: Record<string, string> = {}): CredentialsExchangeHook {
  return async ({ client, api, scopes }) => {
    if (plan.model.bindings["credentials-exchange"].length === 0) return { claims: {} };
    const result = await runCredentialsExchange(
      plan,
      client.app.key,
      { audience: api.identifier, scopes },
      { secrets, clientId: client.clientId },
    );
    return { claims: result.accessTokenClaims, ...(result.denied ? { denied: result.denied } : {}) };
  };
}

const DENY_STATUS: Record<string, number> = { invalid_request: 400, invalid_scope: 400, server_error: 500 };

/**
 * The client-credentials grant as Auth0 applies it, from the plan: private_key_jwt client authentication, client
 * grants and scopes, bound actions, and an RS256/PS256 access token signed by the local tenant's key.
 */
export class TokenEndpoint {
  /**
   * Assertion audiences accepted besides the issuer a request reached: the configured Auth0 domain and the custom
   * domain, as `https://<domain>/`, since services are configured with the real tenant's URL.
   */
  readonly domainAudiences: string[];
  readonly clients: Map<string, LocalClient>;
  readonly replay = new JtiCache();
  readonly signer = new TokenSigner();
  private readonly apis: Map<string, ApiSpec>;

  constructor(
    readonly spec: TenantSpec,
    options: { domain: string; customDomain?: string; signingKeys: SigningKeys; hook?: CredentialsExchangeHook; now?: () => Date },
  ) {
    this.domainAudiences = [`https://${options.domain}/`, ...(options.customDomain ? [`https://${options.customDomain}/`] : [])];
    this.clients = localClients(spec);
    this.apis = new Map(Object.values(spec.apis).map((a) => [a.identifier, a]));
    this.signingKeys = options.signingKeys;
    this.hook = options.hook;
    this.now = options.now ?? (() => new Date());
  }

  private readonly grants = new Map<string, GrantHandler>();
  private readonly signingKeys: SigningKeys;
  private readonly hook: CredentialsExchangeHook | undefined;
  private readonly now: () => Date;

  /** The assertion audiences accepted for a request that reached `issuer`: it first, then the domain ones. */
  audiencesFor(issuer: string): string[] {
    return [...new Set([issuer, ...this.domainAudiences])];
  }

  /**
   * One token request. `issuer` is the URL the request reached, with its trailing slash (e.g. https://localhost:4010/):
   * the token's `iss` and the first accepted assertion `aud`.
   */
  async token(params: Record<string, string | undefined>, request: { issuer: string }): Promise<TokenResponse> {
    const grantType = params.grant_type;
    if (!grantType) throw invalidRequest("Missing required parameter: grant_type");
    if (grantType !== "client_credentials") {
      const grant = this.grants.get(grantType);
      if (grant) return grant(params, request);
      throw new OAuthError(
        400,
        "unsupported_grant_type",
        `Unsupported grant type: ${grantType} (the local tenant serves ${["client_credentials", ...this.grants.keys()].join(", ")})`,
      );
    }
    const now = this.now();
    const client = await this.authenticateClient(params, request.issuer, now);
    const audience = params.audience;
    if (!audience) throw accessDenied("No audience parameter was provided, and no default audience has been configured");
    const api = this.apis.get(audience);
    if (!api) throw accessDenied(`Service not found: ${audience}`);
    const granted = grantsOf(client.app)[api.key];
    if (!granted) {
      throw accessDenied(`Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API.`);
    }
    const requested = params.scope?.split(" ").filter((s) => s !== "") ?? [];
    const notGranted = requested.filter((s) => !granted.includes(s));
    if (notGranted.length > 0) throw accessDenied(`Client has not been granted scopes: ${notGranted.join(", ")}`);
    const scopes = requested.length > 0 ? requested : granted;

    const extra = this.hook ? await this.hook({ client, api, scopes }) : { claims: {} };
    if (extra.denied) {
      const code = extra.denied.code ?? "access_denied";
      throw new OAuthError(DENY_STATUS[code] ?? 403, code, extra.denied.reason);
    }
    const iat = Math.floor(now.getTime() / 1000);
    const key = this.signingKeys.forAlg(api.signingAlg);
    const access_token = await this.signer.sign(key, {
      ...extra.claims,
      iss: request.issuer,
      sub: `${client.clientId}@clients`,
      aud: api.identifier,
      azp: client.clientId,
      gty: "client-credentials",
      ...(scopes.length ? { scope: scopes.join(" ") } : {}),
      iat,
      exp: iat + api.tokenLifetime,
    });
    return { access_token, token_type: "Bearer", expires_in: api.tokenLifetime, ...(scopes.length ? { scope: scopes.join(" ") } : {}) };
  }

  /** Adds a grant type (the login flow's authorization_code and refresh_token). */
  addGrant(grantType: string, handler: GrantHandler): void {
    this.grants.set(grantType, handler);
  }

  /**
   * private_key_jwt client authentication (RFC 7523 section 2.2), the only method these applications have: a client
   * secret is refused, the assertion is checked as Auth0 does (./assertion.ts) and is single-use.
   */
  async authenticateClient(params: Record<string, string | undefined>, issuer: string, now: Date = this.now()): Promise<LocalClient> {
    if (params.client_secret !== undefined)
      throw new OAuthError(401, "invalid_client", "client_secret is not accepted: these applications authenticate with private_key_jwt");
    if (params.client_assertion_type !== ASSERTION_TYPE) throw invalidRequest(`client_assertion_type must be ${ASSERTION_TYPE}`);
    if (!params.client_assertion) throw invalidRequest("Missing required parameter: client_assertion");
    const { client } = await verifyClientAssertion(params.client_assertion, {
      clients: this.clients,
      audiences: this.audiencesFor(issuer),
      ...(params.client_id !== undefined ? { clientIdParam: params.client_id } : {}),
      now,
      replay: this.replay,
    });
    return client;
  }

  jwks() {
    return this.signingKeys.jwks();
  }
}
