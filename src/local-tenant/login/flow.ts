import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { compactVerify, createLocalJWKSet, decodeJwt, jwtVerify, type JWTPayload } from "jose";
import { runPostLogin, type PlannedTenant } from "../bound";
import type { UserInfo } from "../../actions/events";
import type { ApiSpec } from "../../kinds/specs";
import { invalidClient, invalidRequest, OAuthError } from "../errors";
import type { SigningKeys } from "../signing-keys";
import type { TokenEndpoint, TokenResponse } from "../token-endpoint";
import { callbackWith, parseAuthorize, type AuthorizeRequest } from "./authorize";
import { corsOrigins, webClients, type WebClient } from "./clients";
import { ExpiringStore } from "./expiring-store";
import { loginPage, messagePage } from "./login-page";
import { RefreshTokens } from "./refresh-tokens";
import { issueTokens, profileClaims, type LoginGrant } from "./tokens";
import { DATABASE_CONNECTION, type TestUser } from "./users";

/** What a browser-facing endpoint answers: a redirect, or a page. Either may set cookies. */
export type Reply = ({ redirect: string } | { status: number; html: string }) & { cookies?: string[] };

/** What the HTTP layer knows of a browser request. */
export interface BrowserRequest {
  /** The issuer the request reached, with its trailing slash. */
  issuer: string;
  secure: boolean;
  sessionCookie?: string;
  ip: string;
  hostname: string;
  userAgent?: string;
  language?: string;
  method: string;
}

/** The login session cookie, as Auth0 names its own. */
export const SESSION_COOKIE = "auth0";

/** A login page left open this long must be started again (Auth0 keeps the login transaction for a similar time). */
const TRANSACTION_MS = 10 * 60_000;
/**
 * Authorization codes: single-use and short-lived (RFC 6749 4.1.2: "MUST expire shortly after it is issued", at most
 * 10 minutes recommended; Auth0 does not publish its own). A used code is kept until it expires so that a second
 * use is recognised and revokes what the first one issued (RFC 6749 4.1.2, 10.5).
 */
const CODE_MS = 60_000;
/** Auth0's default idle session lifetime: 3 days (https://auth0.com/docs/manage-users/sessions/configure-session-lifetime-settings). */
const SESSION_MS = 3 * 24 * 3600_000;

interface Session {
  userKey: string;
  /** Seconds since the epoch. */
  authTime: number;
  sid: string;
}

interface CodeRecord {
  request: AuthorizeRequest;
  grant: LoginGrant;
  used: boolean;
  /** The refresh token family the code's exchange started, revoked if the code is used again. */
  family?: string;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest();
const sameSecret = (a: string, b: string) => timingSafeEqual(sha256(a), sha256(b));
const invalidGrant = (description: string) => new OAuthError(403, "invalid_grant", description);
/** RFC 7636 4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** The user as `event.user` carries it. */
function eventUser(user: TestUser): UserInfo {
  const { key, password: _p, connection, strategy, roles: _r, blocked: _b, ...profile } = user;
  return {
    ...profile,
    identities: [{ connection, provider: strategy, user_id: key, isSocial: connection !== DATABASE_CONNECTION }],
  };
}

/**
 * The user login of the local tenant: /authorize, the login form, the authorization_code and refresh_token grants,
 * /userinfo and the two logout endpoints, over the plan's web applications and the test users. The bound post-login
 * actions run in the same action runtime the client-credentials path uses (src/local-tenant/bound.ts).
 */
export class LoginFlow {
  readonly clients: Map<string, WebClient>;
  readonly corsOrigins: Set<string>;
  private readonly apis: Map<string, ApiSpec>;
  private readonly users: Map<string, TestUser>;
  private readonly usersById: Map<string, TestUser>;
  private readonly databaseUsers: Map<string, TestUser>;
  private readonly transactions: ExpiringStore<AuthorizeRequest>;
  private readonly sessions: ExpiringStore<Session>;
  private readonly codes: ExpiringStore<CodeRecord>;
  private readonly refreshTokens: RefreshTokens;
  private readonly loginsCount = new Map<string, number>();
  private readonly jwks: ReturnType<typeof createLocalJWKSet>;
  private readonly now: () => Date;

  constructor(
    private readonly plan: PlannedTenant,
    users: TestUser[],
    private readonly options: {
      signingKeys: SigningKeys;
      endpoint: TokenEndpoint;
      actionSecrets?: Record<string, string>;
      now?: () => Date;
    },
  ) {
    this.now = options.now ?? (() => new Date());
    const nowMs = () => this.now().getTime();
    this.clients = webClients(plan.spec);
    this.corsOrigins = corsOrigins(this.clients);
    this.apis = new Map(Object.values(plan.spec.apis).map((a) => [a.identifier, a]));
    this.users = new Map(users.map((u) => [u.key, u]));
    this.usersById = new Map(users.map((u) => [u.user_id, u]));
    this.databaseUsers = new Map(users.filter((u) => u.connection === DATABASE_CONNECTION).map((u) => [u.email.toLowerCase(), u]));
    this.transactions = new ExpiringStore(nowMs);
    this.sessions = new ExpiringStore(nowMs);
    this.codes = new ExpiringStore(nowMs);
    this.refreshTokens = new RefreshTokens(nowMs);
    this.jwks = createLocalJWKSet(options.signingKeys.jwks());
    options.endpoint.addGrant("authorization_code", (params, request) => this.exchangeCode(params, request.issuer));
    options.endpoint.addGrant("refresh_token", (params, request) => this.refresh(params, request.issuer));
  }

  get userCount(): number {
    return this.users.size;
  }

  // ---- /authorize and the login form ------------------------------------------------------------------------------

  async authorize(query: URLSearchParams, browser: BrowserRequest): Promise<Reply> {
    const parsed = parseAuthorize(query, this.clients, this.apis);
    if (!parsed.ok)
      return "page" in parsed
        ? { status: parsed.page.status, html: messagePage(parsed.page.title, parsed.page.message) }
        : { redirect: parsed.redirect };
    const request = parsed.request;
    let session = this.sessions.get(browser.sessionCookie);
    // max_age (OIDC Core 3.1.2.1): an older authentication must be made again.
    if (session && request.maxAge !== undefined && this.seconds() - session.authTime > request.maxAge) session = undefined;
    const user = session && this.users.get(session.userKey);
    // prompt=none (OIDC Core 3.1.2.1, 3.1.2.6): without a session, login_required goes back to the callback.
    if (request.prompt === "none" && !user) {
      return {
        redirect: callbackWith(request.redirectUri, { error: "login_required", error_description: "Login required", state: request.state }),
      };
    }
    // An existing session logs in without the form (single sign-on), unless prompt=login asks to authenticate again.
    if (user && session && request.prompt !== "login") return this.complete(request, user, session, browser);
    const transaction = this.transactions.add(request, TRANSACTION_MS);
    if (transaction === undefined) return { status: 503, html: messagePage("Try again", "Too many logins in progress; try again shortly") };
    return { status: 200, html: this.renderLogin(transaction, request) };
  }

  async submitLogin(form: URLSearchParams, browser: BrowserRequest): Promise<Reply> {
    const transaction = form.get("state") ?? undefined;
    const request = this.transactions.get(transaction);
    if (!request || transaction === undefined)
      return {
        status: 400,
        html: messagePage("Login expired", "This login has expired or was already completed: start again from the application"),
      };
    const userKey = form.get("user");
    let user: TestUser | undefined;
    if (userKey !== null) {
      const candidate = this.users.get(userKey);
      if (candidate && candidate.connection !== DATABASE_CONNECTION && this.offers(request, candidate)) user = candidate;
      if (!user) return { status: 400, html: this.renderLogin(transaction, request, { error: "That user cannot log in here" }) };
    } else {
      const email = form.get("username") ?? "";
      const candidate = this.databaseUsers.get(email.trim().toLowerCase());
      const password = form.get("password") ?? "";
      // Compared even for an unknown email, so the answer takes the same time either way.
      const matches = sameSecret(password, candidate?.password ?? "\u0000no user");
      if (candidate && matches && this.offers(request, candidate)) user = candidate;
      // Auth0's message for both an unknown email and a wrong password.
      if (!user) return { status: 401, html: this.renderLogin(transaction, request, { error: "Wrong email or password.", email }) };
    }
    this.transactions.delete(transaction);
    if (user.blocked) {
      // Auth0 sends a blocked user back with error=unauthorized and "user is blocked", before any action runs.
      return {
        redirect: callbackWith(request.redirectUri, { error: "unauthorized", error_description: "user is blocked", state: request.state }),
      };
    }
    const session: Session = { userKey: user.key, authTime: this.seconds(), sid: randomUUID() };
    const cookie = this.sessions.add(session, SESSION_MS);
    const reply = await this.complete(request, user, session, browser);
    if (cookie === undefined) return reply;
    const attributes = browser.secure ? "Secure; SameSite=None" : "SameSite=Lax";
    return { ...reply, cookies: [`${SESSION_COOKIE}=${cookie}; Path=/; HttpOnly; ${attributes}; Max-Age=${SESSION_MS / 1000}`] };
  }

  private offers(request: AuthorizeRequest, user: TestUser): boolean {
    return request.connection === undefined || request.connection === user.connection;
  }

  private renderLogin(transaction: string, request: AuthorizeRequest, extra: { error?: string; email?: string } = {}): string {
    const database = request.connection === undefined || request.connection === DATABASE_CONNECTION;
    const socialUsers = [...this.users.values()].filter((u) => u.connection !== DATABASE_CONNECTION && this.offers(request, u));
    return loginPage({
      transaction,
      appName: request.client.app.name,
      database,
      socialUsers,
      noUsers: this.users.size === 0,
      ...extra,
    });
  }

  /** After authentication: the post-login actions, then a code, or the deny back to the callback. */
  private async complete(request: AuthorizeRequest, user: TestUser, session: Session, browser: BrowserRequest): Promise<Reply> {
    const loginsCount = (this.loginsCount.get(user.key) ?? 0) + 1;
    this.loginsCount.set(user.key, loginsCount);
    const result = await this.runActions(request, user, session, loginsCount, "oidc-basic-profile", browser);
    if (result.denied) {
      // api.access.deny(reason): back to the callback with error=access_denied and the reason
      // (https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger/post-login-api-object).
      return {
        redirect: callbackWith(request.redirectUri, {
          error: "access_denied",
          error_description: result.denied.reason,
          state: request.state,
        }),
      };
    }
    const grant: LoginGrant = {
      clientId: request.client.clientId,
      user,
      scopes: request.scopes,
      ...(request.api ? { api: request.api } : {}),
      ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
      authTime: session.authTime,
      sid: session.sid,
      idTokenClaims: result.idTokenClaims,
      accessTokenClaims: result.accessTokenClaims,
    };
    const code = this.codes.add({ request, grant, used: false }, CODE_MS);
    if (code === undefined) {
      return {
        redirect: callbackWith(request.redirectUri, {
          error: "temporarily_unavailable",
          error_description: "Too many logins in progress",
          state: request.state,
        }),
      };
    }
    return { redirect: callbackWith(request.redirectUri, { code, state: request.state }) };
  }

  private runActions(
    request: Pick<AuthorizeRequest, "client" | "api" | "requestedScopes"> &
      Partial<Pick<AuthorizeRequest, "redirectUri" | "state" | "prompt">>,
    user: TestUser,
    session: Session,
    loginsCount: number,
    protocol: "oidc-basic-profile" | "oauth2-refresh-token",
    browser?: BrowserRequest,
  ) {
    return runPostLogin(
      this.plan,
      request.client.app.key,
      {
        user: eventUser(user),
        connection: { name: user.connection, strategy: user.strategy },
        ...(request.api ? { audience: request.api.identifier } : {}),
        roles: user.roles,
        loginsCount,
        scopes: request.requestedScopes,
        transaction: {
          protocol,
          ...(request.redirectUri !== undefined ? { redirect_uri: request.redirectUri, response_type: ["code"] } : {}),
          ...(request.state !== undefined ? { state: request.state } : {}),
          ...(request.prompt !== undefined ? { prompt: request.prompt } : {}),
        },
        session: { id: session.sid, authenticatedAt: new Date(session.authTime * 1000) },
        ...(browser
          ? {
              request: {
                ip: browser.ip,
                hostname: browser.hostname,
                method: browser.method,
                ...(browser.userAgent ? { user_agent: browser.userAgent } : {}),
                ...(browser.language ? { language: browser.language } : {}),
              },
            }
          : {}),
      },
      { clientId: request.client.clientId, ...(this.options.actionSecrets ? { secrets: this.options.actionSecrets } : {}) },
    );
  }

  // ---- the token endpoint's grants ---------------------------------------------------------------------------------

  /**
   * The client of a login grant: a confidential web app authenticates with private_key_jwt (the same checks as the
   * M2M apps); a public one sends only its client_id (RFC 6749 2.3, 3.2.1) and is held to PKCE instead.
   */
  private async authenticate(params: Record<string, string | undefined>, issuer: string): Promise<WebClient> {
    if (params.client_assertion !== undefined || params.client_assertion_type !== undefined || params.client_secret !== undefined) {
      const client = await this.options.endpoint.authenticateClient(params, issuer, this.now());
      const web = this.clients.get(client.clientId);
      if (!web) throw invalidClient(`${client.app.name} is not a web application: users do not log in to it`);
      return web;
    }
    const clientId = params.client_id;
    if (!clientId) throw invalidRequest("Missing required parameter: client_id");
    const client = this.clients.get(clientId);
    if (!client) throw invalidClient(`Unknown client: ${clientId}`);
    if (client.authMethod !== "none")
      throw invalidClient(`${client.app.name} authenticates with private_key_jwt: send client_assertion and client_assertion_type`);
    return client;
  }

  private async exchangeCode(params: Record<string, string | undefined>, issuer: string): Promise<TokenResponse> {
    const client = await this.authenticate(params, issuer);
    if (!params.code) throw invalidRequest("Missing required parameter: code");
    const record = this.codes.get(params.code);
    if (!record) throw invalidGrant("Invalid authorization code");
    if (record.used) {
      // RFC 6749 4.1.2: a code used twice is refused, and what it issued is revoked.
      if (record.family) this.refreshTokens.revokeFamily(record.family);
      throw invalidGrant("Invalid authorization code");
    }
    // Single-use even when the exchange fails below: a code cannot be tried again with other values.
    record.used = true;
    const { request, grant } = record;
    if (request.client.clientId !== client.clientId) throw invalidGrant("Invalid authorization code");
    // RFC 6749 4.1.3: redirect_uri must be identical to the one of the authorization request.
    if (params.redirect_uri !== request.redirectUri) throw invalidGrant("redirect_uri does not match the one of the authorization request");
    if (request.codeChallenge !== undefined) {
      // RFC 7636 4.6: BASE64URL(SHA256(code_verifier)) == code_challenge.
      const verifier = params.code_verifier;
      if (verifier === undefined || !VERIFIER.test(verifier)) throw invalidGrant("Failed to verify code verifier");
      if (createHash("sha256").update(verifier).digest("base64url") !== request.codeChallenge)
        throw invalidGrant("Failed to verify code verifier");
    } else if (params.code_verifier !== undefined) {
      throw invalidGrant("Failed to verify code verifier");
    }
    const tokens = await issueTokens(grant, issuer, this.options.signingKeys, this.now());
    if (!grant.scopes.includes("offline_access")) return tokens;
    const refresh = this.refreshTokens.issue(grant);
    if (!refresh) return tokens;
    record.family = refresh.family;
    return { ...tokens, refresh_token: refresh.token };
  }

  /** The refresh_token grant, with rotation; the post-login actions run again (protocol oauth2-refresh-token). */
  private async refresh(params: Record<string, string | undefined>, issuer: string): Promise<TokenResponse> {
    const client = await this.authenticate(params, issuer);
    if (!params.refresh_token) throw invalidRequest("Missing required parameter: refresh_token");
    const { grant, family } = this.refreshTokens.use(params.refresh_token, client.clientId);
    const asked = params.scope?.split(" ").filter((s) => s !== "");
    if (asked && asked.some((s) => !grant.scopes.includes(s)))
      throw new OAuthError(403, "invalid_scope", `scope may only narrow the login's scopes (${grant.scopes.join(" ")})`);
    const scopes = asked && asked.length > 0 ? asked : grant.scopes;
    // The post-login trigger also runs "when a Refresh Token is exchanged"
    // (https://auth0.com/docs/customize/actions/explore-triggers/signup-and-login-triggers/login-trigger).
    const result = await this.runActions(
      { client, ...(grant.api ? { api: grant.api } : {}), requestedScopes: scopes },
      grant.user,
      { userKey: grant.user.key, authTime: grant.authTime, sid: grant.sid },
      this.loginsCount.get(grant.user.key) ?? 1,
      "oauth2-refresh-token",
    );
    if (result.denied) {
      this.refreshTokens.revokeFamily(family);
      throw new OAuthError(403, "access_denied", result.denied.reason);
    }
    const next: LoginGrant = {
      ...grant,
      scopes,
      idTokenClaims: result.idTokenClaims,
      accessTokenClaims: result.accessTokenClaims,
    };
    // No nonce on a refreshed ID token (OIDC Core 12.2).
    const { nonce: _n, ...refreshed } = next;
    const tokens = await issueTokens(refreshed, issuer, this.options.signingKeys, this.now());
    const rotated = this.refreshTokens.issue({ ...grant }, family);
    return rotated ? { ...tokens, refresh_token: rotated.token } : tokens;
  }

  // ---- /userinfo ---------------------------------------------------------------------------------------------------

  /** OIDC Core 5.3: the claims of the access token's scopes, for a token whose audience includes `<issuer>userinfo`. */
  async userinfo(authorization: string | undefined, issuer: string): Promise<Record<string, unknown>> {
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization ?? "")?.[1];
    if (!token) throw new OAuthError(401, "invalid_token", "an access token is required: Authorization: Bearer <token>");
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, { issuer, audience: `${issuer}userinfo`, currentDate: this.now() }));
    } catch (e) {
      throw new OAuthError(401, "invalid_token", `the access token is not valid here: ${(e as Error).message}`);
    }
    const user = this.usersById.get(String(payload.sub));
    if (!user) throw new OAuthError(401, "invalid_token", "the token's user no longer exists");
    const scopes = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
    return { sub: user.user_id, ...profileClaims(user, scopes) };
  }

  // ---- logout ------------------------------------------------------------------------------------------------------

  private endSession(browser: BrowserRequest): string[] {
    if (browser.sessionCookie) this.sessions.delete(browser.sessionCookie);
    return [`${SESSION_COOKIE}=; Path=/; HttpOnly; Max-Age=0; ${browser.secure ? "Secure; SameSite=None" : "SameSite=Lax"}`];
  }

  /**
   * `/v2/logout` (https://auth0.com/docs/api/authentication/logout/auth-0-logout): with client_id, returnTo must be
   * one of the application's Allowed Logout URLs (default: the first of them); without, one of the tenant's, which
   * this spec does not declare. The session ends only when the request is valid.
   */
  logout(query: URLSearchParams, browser: BrowserRequest): Reply {
    const clientId = query.get("client_id") ?? undefined;
    const returnTo = query.get("returnTo") ?? undefined;
    let target: string | undefined;
    if (clientId !== undefined) {
      const client = this.clients.get(clientId);
      if (!client) return { status: 400, html: messagePage("Invalid request", `Unknown client: ${clientId}`) };
      const allowed = client.app.allowedLogoutUrls;
      if (returnTo !== undefined && !allowed.includes(returnTo))
        return { status: 400, html: messagePage("Invalid request", notAllowedLogout("returnTo", returnTo, client)) };
      target = returnTo ?? allowed[0];
    } else if (returnTo !== undefined) {
      return {
        status: 400,
        html: messagePage(
          "Invalid request",
          `The "returnTo" querystring parameter "${returnTo}" is not defined as a valid URL in the tenant's "Allowed Logout URLs" (the spec declares none): send client_id so the application's list applies`,
        ),
      };
    }
    const cookies = this.endSession(browser);
    return target ? { redirect: target, cookies } : { status: 200, html: messagePage("Logged out", "You are logged out."), cookies };
  }

  /**
   * RP-initiated logout, `/oidc/logout` (OpenID Connect RP-Initiated Logout 1.0 section 2; Auth0:
   * https://auth0.com/docs/authenticate/login/logout/log-users-out-of-auth0): post_logout_redirect_uri must be one of
   * the Allowed Logout URLs of the client named by client_id or by the id_token_hint's audience (both must agree),
   * and `state` is passed back. An expired id_token_hint is accepted (it only names the client and user).
   */
  async oidcLogout(query: URLSearchParams, browser: BrowserRequest): Promise<Reply> {
    const hint = query.get("id_token_hint") ?? undefined;
    const redirectUri = query.get("post_logout_redirect_uri") ?? undefined;
    let clientId = query.get("client_id") ?? undefined;
    if (hint !== undefined) {
      let aud: unknown;
      try {
        await compactVerify(hint, this.jwks);
        const claims = decodeJwt(hint);
        if (claims.iss !== browser.issuer) throw new Error(`iss is ${String(claims.iss)}`);
        aud = claims.aud;
      } catch (e) {
        return {
          status: 400,
          html: messagePage("Invalid request", `id_token_hint is not an ID token of this tenant (${(e as Error).message})`),
        };
      }
      const hinted = Array.isArray(aud) ? aud[0] : aud;
      if (clientId !== undefined && hinted !== clientId)
        return { status: 400, html: messagePage("Invalid request", "client_id does not match the id_token_hint's audience") };
      clientId = typeof hinted === "string" ? hinted : undefined;
    }
    let target: string | undefined;
    if (redirectUri !== undefined) {
      const client = clientId !== undefined ? this.clients.get(clientId) : undefined;
      if (!client)
        return {
          status: 400,
          html: messagePage("Invalid request", "post_logout_redirect_uri needs client_id or id_token_hint naming a web application"),
        };
      if (!client.app.allowedLogoutUrls.includes(redirectUri))
        return { status: 400, html: messagePage("Invalid request", notAllowedLogout("post_logout_redirect_uri", redirectUri, client)) };
      target = callbackWith(redirectUri, { state: query.get("state") ?? undefined });
    }
    const cookies = this.endSession(browser);
    return target ? { redirect: target, cookies } : { status: 200, html: messagePage("Logged out", "You are logged out."), cookies };
  }

  private seconds() {
    return Math.floor(this.now().getTime() / 1000);
  }
}

const notAllowedLogout = (param: string, url: string, client: WebClient) =>
  `The "${param}" querystring parameter "${url}" is not defined as a valid URL in "Allowed Logout URLs" of ${client.app.name} (allowed: ${client.app.allowedLogoutUrls.join(", ") || "none"})`;
