import { invalidToken, missingAuthentication, type Authenticate } from "@auth0-tenant/management-api-emulator";
import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import type { CredentialAlgorithm } from "../../spec";
import type { M2MApplicationSpec, TenantSpec } from "../../kinds/specs";
import { ASSERTION_TYPE, verifyClientAssertion } from "../assertion";
import type { LocalClient } from "../clients";
import { accessDenied, invalidRequest, OAuthError } from "../errors";
import { LOCAL_HOSTS } from "../server";
import type { SigningKeys } from "../signing-keys";
import { TokenEndpoint, type TokenResponse } from "../token-endpoint";
import type { LocalStore } from ".";

/** What the Management API's routes need to issue and check its access tokens. */
export interface ManagementAuth {
  store: LocalStore;
  signingKeys: SigningKeys;
  now: () => Date;
}

/** The local origins of a server that a request reached on `origin` (same scheme and port, any of LOCAL_HOSTS). */
function localOrigins(origin: string): string[] {
  const url = new URL(origin);
  const port = url.port ? `:${url.port}` : "";
  return LOCAL_HOSTS.map((h) => `${url.protocol}//${h}${port}`);
}

/**
 * The audiences that name the Management API: `<issuer>api/v2/` for the URL the client reached (what the `auth0`
 * SDK asks for with `domain: "localhost:4010"`), the same on the other local host names, and Auth0's own identifier
 * `https://<auth0:domain>/api/v2/`.
 */
export function managementAudiences(issuer: string, domain: string): string[] {
  return [...new Set([...localOrigins(issuer.replace(/\/$/, "")).map((o) => `${o}/api/v2/`), `https://${domain}/api/v2/`])];
}

/**
 * Token authentication of the local Management API: `Authorization: Bearer <token>` holding a token the local
 * tenant issued (its signing keys; not expired) for the Management API, refused as Auth0's 401s say it (hapi's
 * messages).
 */
export function localAuthentication(options: { domain: string; signingKeys: SigningKeys; now: () => Date }): Authenticate {
  return async (authorization, origin) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match) throw missingAuthentication();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1]!, createLocalJWKSet(options.signingKeys.jwks()), {
        algorithms: ["RS256", "PS256"],
        currentDate: options.now(),
      }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw invalidToken("Expired token received for JSON Web Token validation");
      if (e instanceof joseErrors.JWSSignatureVerificationFailed)
        throw invalidToken("Invalid signature received for JSON Web Token validation");
      throw invalidToken();
    }
    const issuers = localOrigins(origin).map((o) => `${o}/`);
    if (typeof payload.iss !== "string" || !issuers.includes(payload.iss)) throw invalidToken();
    const audiences = managementAudiences(`${origin}/`, options.domain);
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.some((a) => typeof a === "string" && audiences.includes(a))) throw invalidToken(`Bad audience: ${aud.join(" ")}`);
    const scopes = new Set(typeof payload.scope === "string" ? payload.scope.split(" ").filter((s) => s !== "") : []);
    return { clientId: String(payload.azp ?? payload.sub ?? ""), scopes, payload };
  };
}

function assertionIssuer(params: Record<string, string | undefined>): string | undefined {
  try {
    const iss = params.client_assertion ? decodeJwt(params.client_assertion).iss : undefined;
    return typeof iss === "string" ? iss : params.client_id;
  } catch {
    return params.client_id;
  }
}

/**
 * The token endpoint with the Management API as one more audience. A token for it is issued from the Management
 * API's store, as Auth0 does: the client (a management client registered at start, or any client created through the
 * API) authenticates with private_key_jwt using the credentials attached to it (the same assertion checks as every
 * other client), and gets the scopes of its client grant for `https://<domain>/api/v2/`. Every other audience is
 * served from the plan, as before.
 */
export class ManagementTokenEndpoint extends TokenEndpoint {
  constructor(
    spec: TenantSpec,
    options: ConstructorParameters<typeof TokenEndpoint>[1],
    private readonly mgmt: ManagementAuth,
  ) {
    super(spec, options);
  }

  override async token(params: Record<string, string | undefined>, request: { issuer: string }): Promise<TokenResponse> {
    // The tenant's default audience stands in for a missing one (tenant-settings.ts); login grants carry theirs from /authorize.
    const defaultAudience = this.mgmt.store.settings.default_audience;
    if (!params.audience && defaultAudience && params.grant_type === "client_credentials")
      params = { ...params, audience: defaultAudience };
    const audience = params.audience;
    if (audience !== undefined && managementAudiences(request.issuer, this.mgmt.store.domain).includes(audience)) {
      return this.managementToken(params, request, audience);
    }
    const iss = assertionIssuer(params);
    // Login grants (authorization_code, refresh_token) belong to the plan's web applications: TokenEndpoint serves them.
    if (params.grant_type === "client_credentials" && iss !== undefined && !this.clients.has(iss) && this.mgmt.store.clients.has(iss)) {
      // A client that exists only in the Management API's store (e.g. a management client) asking for a plan API.
      await this.authenticate(params, request);
      if (!audience) throw accessDenied("No audience parameter was provided, and no default audience has been configured");
      throw accessDenied(`Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API.`);
    }
    return super.token(params, request);
  }

  /** The checks TokenEndpoint.token makes before the audience, then the assertion against the store's credentials. */
  private async authenticate(params: Record<string, string | undefined>, request: { issuer: string }): Promise<LocalClient> {
    const grantType = params.grant_type;
    if (!grantType) throw invalidRequest("Missing required parameter: grant_type");
    if (grantType !== "client_credentials") {
      throw new OAuthError(
        400,
        "unsupported_grant_type",
        `Unsupported grant type: ${grantType} (the local tenant serves client_credentials)`,
      );
    }
    if (params.client_secret !== undefined)
      throw new OAuthError(401, "invalid_client", "client_secret is not accepted: these applications authenticate with private_key_jwt");
    if (params.client_assertion_type !== ASSERTION_TYPE) throw invalidRequest(`client_assertion_type must be ${ASSERTION_TYPE}`);
    if (!params.client_assertion) throw invalidRequest("Missing required parameter: client_assertion");
    const clientId = assertionIssuer(params);
    const clients = new Map<string, LocalClient>();
    const local = clientId !== undefined ? this.storeClient(clientId) : undefined;
    if (local) clients.set(local.clientId, local);
    const { client } = await verifyClientAssertion(params.client_assertion, {
      clients,
      audiences: this.audiencesFor(request.issuer),
      ...(params.client_id !== undefined ? { clientIdParam: params.client_id } : {}),
      now: this.mgmt.now(),
      replay: this.replay,
    });
    return client;
  }

  /** A store client as the assertion checks see one: its attached private_key_jwt credentials. */
  private storeClient(clientId: string): LocalClient | undefined {
    const record = this.mgmt.store.clients.get(clientId);
    if (!record) return undefined;
    const app: M2MApplicationSpec = {
      type: "m2m",
      key: clientId,
      name: record.name,
      authenticationMethod: "private_key_jwt",
      metadata: {},
      grants: {},
      credentials: this.mgmt.store.credentials.privateKeyJwt(clientId).map((c) => ({
        name: c.record.name,
        publicKey: `keys/${c.record.id}.pem`,
        algorithm: c.record.alg as CredentialAlgorithm,
        key: c.key,
        parseExpiryFromCert: false,
        ...(c.record.expires_at ? { effectiveExpiresAt: c.record.expires_at } : {}),
      })),
    };
    return { clientId, app };
  }

  private async managementToken(
    params: Record<string, string | undefined>,
    request: { issuer: string },
    audience: string,
  ): Promise<TokenResponse> {
    const client = await this.authenticate(params, request);
    const store = this.mgmt.store;
    const grant = [...store.grants.values()].find((g) => g.client_id === client.clientId && g.audience === store.managementAudience);
    if (!grant) {
      throw accessDenied(`Client is not authorized to access "${audience}". You need to create a "client-grant" associated to this API.`);
    }
    const granted = grant.scope ?? [];
    const requested = params.scope?.split(" ").filter((s) => s !== "") ?? [];
    const notGranted = requested.filter((s) => !granted.includes(s));
    if (notGranted.length > 0) throw accessDenied(`Client has not been granted scopes: ${notGranted.join(", ")}`);
    const scopes = requested.length > 0 ? requested : granted;
    const api = store.resourceServers.byIdentifier(store.managementAudience)!;
    const lifetime = (api.token_lifetime as number | undefined) ?? 86400;
    const key = this.mgmt.signingKeys.forAlg((api.signing_alg as string | undefined) ?? "RS256");
    const iat = Math.floor(this.mgmt.now().getTime() / 1000);
    const access_token = await new SignJWT({
      iss: request.issuer,
      sub: `${client.clientId}@clients`,
      aud: audience,
      iat,
      exp: iat + lifetime,
      scope: scopes.join(" "),
      gty: "client-credentials",
      azp: client.clientId,
    })
      .setProtectedHeader({ alg: key.alg, typ: "JWT", kid: key.kid })
      .sign(key.privateKey);
    return { access_token, token_type: "Bearer", expires_in: lifetime, scope: scopes.join(" ") };
  }
}
