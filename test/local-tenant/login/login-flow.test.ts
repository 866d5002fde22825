import { createHash, randomBytes } from "node:crypto";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browse, CALLBACK, startLoginTenant, type LoginFixture } from "./fixture";

/**
 * The user login of the local tenant, driven by openid-client (authorization code + PKCE, as a SPA's public client)
 * without a browser: the redirects are followed and the login form posted as a browser would. Plus each rule Auth0
 * documents for the flow's failures: deny, PKCE mismatch, wrong redirect_uri, code reuse, refresh reuse, logout.
 */

let f: LoginFixture;
let config: oidc.Configuration;
const AUDIENCE = "https://orders.login.test";
const ALICE = { username: "alice@acme.example", password: "correct horse battery staple" };

beforeAll(async () => {
  f = await startLoginTenant();
  config = await oidc.discovery(new URL(f.tenant.url), f.spaClientId, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
});
afterAll(async () => f?.cleanup());

const verifierAndChallenge = () => {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};

function authorizeUrl(params: Record<string, string> = {}, challenge = verifierAndChallenge().challenge) {
  const url = new URL("/authorize", f.tenant.url);
  url.search = new URLSearchParams({
    client_id: f.spaClientId,
    redirect_uri: CALLBACK,
    response_type: "code",
    scope: "openid profile email offline_access orders:read",
    audience: AUDIENCE,
    state: "st-1",
    nonce: "nonce-1",
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...params,
  }).toString();
  return url.toString();
}

const tokenRequest = (params: Record<string, string>) =>
  fetch(new URL("/oauth/token", f.tenant.url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));

async function codeFor(login: Parameters<typeof browse>[1] = ALICE, params: Record<string, string> = {}) {
  const { verifier, challenge } = verifierAndChallenge();
  const { callback, jar } = await browse(authorizeUrl(params, challenge), login);
  return { code: callback.searchParams.get("code")!, verifier, callback, jar };
}

describe("openid-client logs a test user in with the authorization code flow and PKCE", () => {
  it("gets an ID token with nonce, auth_time, sid, profile and the post-login action's claims; an access token for the API and /userinfo", async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: "openid profile email offline_access orders:read",
      audience: AUDIENCE,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state: "s-42",
      nonce: "n-42",
    });
    const { callback } = await browse(url.toString(), ALICE);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: "s-42",
      expectedNonce: "n-42",
    });
    const id = tokens.claims()!;
    expect(id).toMatchObject({
      sub: "auth0|alice",
      aud: f.spaClientId,
      nonce: "n-42",
      email: "alice@acme.example",
      email_verified: true,
      name: "Alice Example",
      "https://acme.example/connection": "Username-Password-Authentication",
      "https://acme.example/roles": ["admin", "billing"],
      "https://acme.example/plan": "gold",
    });
    expect(typeof id.auth_time).toBe("number");
    expect(typeof id.sid).toBe("string");

    const jwks = createRemoteJWKSet(new URL("/.well-known/jwks.json", f.tenant.url));
    const { payload: access } = await jwtVerify(tokens.access_token, jwks, { issuer: f.tenant.issuer, audience: AUDIENCE });
    expect(access.aud).toEqual([AUDIENCE, `${f.tenant.issuer}userinfo`]);
    expect(access.scope).toBe("openid profile email offline_access orders:read");
    expect(access["https://acme.example/roles"]).toEqual(["admin", "billing"]);
    // tokens: id only
    expect(access["https://acme.example/plan"]).toBeUndefined();

    const info = await oidc.fetchUserInfo(config, tokens.access_token, "auth0|alice");
    expect(info).toMatchObject({ sub: "auth0|alice", email: "alice@acme.example", name: "Alice Example" });

    // Rotation: the refresh token gives new tokens and a new refresh token.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(decodeJwt(refreshed.id_token!)["https://acme.example/roles"]).toEqual(["admin", "billing"]);
  });

  it("a social connection's user logs in with the button; the event carries the connection and stats.logins_count", async () => {
    const first = await codeFor({ user: "bob" });
    const second = await codeFor({ user: "bob" });
    const ids = [];
    for (const c of [first, second]) {
      const { body } = await tokenRequest({
        grant_type: "authorization_code",
        client_id: f.spaClientId,
        code: c.code,
        redirect_uri: CALLBACK,
        code_verifier: c.verifier,
      });
      ids.push(decodeJwt(body.id_token!));
    }
    expect(ids[0]).toMatchObject({ sub: "google-oauth2|bob", "https://acme.example/connection": "google-oauth2" });
    expect(ids[1]!["https://acme.example/logins"]).toBe((ids[0]!["https://acme.example/logins"] as number) + 1);
  });

  it("discovery lists the login endpoints", async () => {
    const doc = config.serverMetadata();
    expect(doc.authorization_endpoint).toBe(`${f.tenant.url}/authorize`);
    expect(doc.response_types_supported).toEqual(["code"]);
    expect(doc.code_challenge_methods_supported).toEqual(["S256"]);
    expect(doc.grant_types_supported).toEqual(expect.arrayContaining(["authorization_code", "refresh_token", "client_credentials"]));
    expect(doc.end_session_endpoint).toBe(`${f.tenant.url}/oidc/logout`);
  });
});

describe("what Auth0 does when a login fails", () => {
  it("api.access.deny(reason) sends the user back with error=access_denied, the reason and the state", async () => {
    const { callback } = await browse(authorizeUrl({ state: "deny-state" }), {
      username: "carol@acme.example",
      password: "carol-password-1",
    });
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(Object.fromEntries(callback.searchParams)).toEqual({
      error: "access_denied",
      error_description: "Your account is disabled",
      state: "deny-state",
    });
  });

  it("a blocked user gets error=unauthorized, 'user is blocked'", async () => {
    const { callback } = await browse(authorizeUrl(), { username: "dave@acme.example", password: "dave-password-1" });
    expect(callback.searchParams.get("error")).toBe("unauthorized");
    expect(callback.searchParams.get("error_description")).toBe("user is blocked");
  });

  it("a wrong password re-renders the form with Auth0's message (401), the email kept and escaped", async () => {
    const res = await fetch(authorizeUrl());
    const state = /name="state" value="([^"]+)"/.exec(await res.text())![1]!;
    const wrong = await fetch(new URL("/u/login", f.tenant.url), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ state, username: `"><script>x</script>`, password: "nope" }),
    });
    expect(wrong.status).toBe(401);
    const html = await wrong.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain("Wrong email or password.");
    expect(html).toContain("&quot;&gt;&lt;script&gt;x&lt;/script&gt;");
    expect(html).not.toContain("<script>");
    // The app's name, from the spec, is escaped too.
    expect(html).toContain("Log in to Orders &lt;SPA&gt; &amp; &quot;friends&quot;</h1>");
  });

  it("PKCE: a verifier that does not hash to the challenge is refused (invalid_grant), and a public client must send a challenge", async () => {
    const { code } = await codeFor();
    const other = verifierAndChallenge().verifier;
    const res = await tokenRequest({
      grant_type: "authorization_code",
      client_id: f.spaClientId,
      code,
      redirect_uri: CALLBACK,
      code_verifier: other,
    });
    expect(res).toEqual({ status: 403, body: { error: "invalid_grant", error_description: "Failed to verify code verifier" } });

    const noPkce = new URL(authorizeUrl());
    noPkce.searchParams.delete("code_challenge");
    noPkce.searchParams.delete("code_challenge_method");
    const back = await fetch(noPkce, { redirect: "manual" });
    const location = new URL(back.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("error_description")).toMatch(/code_challenge.*required/);

    const plain = await fetch(authorizeUrl({ code_challenge_method: "plain" }), { redirect: "manual" });
    expect(new URL(plain.headers.get("location")!).searchParams.get("error_description")).toMatch(/S256/);
  });

  it("a redirect_uri that is not one of the app's callbacks gets an error page, never a redirect; at the token endpoint it must match the authorize request's", async () => {
    for (const uri of ["http://localhost:3000/callback/", "http://localhost:3000/callback?x=1", "https://evil.example/callback"]) {
      const res = await fetch(authorizeUrl({ redirect_uri: uri }), { redirect: "manual" });
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(await res.text()).toContain("Callback URL mismatch");
    }
    const unknownClient = await fetch(authorizeUrl({ client_id: "not-a-client" }), { redirect: "manual" });
    expect(unknownClient.status).toBe(400);
    expect(unknownClient.headers.get("location")).toBeNull();
    const { code, verifier } = await codeFor();
    const res = await tokenRequest({
      grant_type: "authorization_code",
      client_id: f.spaClientId,
      code,
      redirect_uri: "http://localhost:3000/other",
      code_verifier: verifier,
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe("invalid_grant");
  });

  it("a code is single-use: the second exchange fails and revokes the refresh token the first one issued", async () => {
    const { code, verifier } = await codeFor();
    const params = { grant_type: "authorization_code", client_id: f.spaClientId, code, redirect_uri: CALLBACK, code_verifier: verifier };
    const first = await tokenRequest(params);
    expect(first.status).toBe(200);
    const again = await tokenRequest(params);
    expect(again).toEqual({ status: 403, body: { error: "invalid_grant", error_description: "Invalid authorization code" } });
    const refresh = await tokenRequest({ grant_type: "refresh_token", client_id: f.spaClientId, refresh_token: first.body.refresh_token! });
    expect(refresh.body.error).toBe("invalid_grant");
  });

  it("a code is bound to its client", async () => {
    const { code, verifier } = await codeFor();
    const res = await tokenRequest({
      grant_type: "authorization_code",
      client_id: f.portalClientId,
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    expect(res.body.error).toBe("invalid_client"); // the portal is confidential: it must authenticate first
  });

  it("refresh token reuse: presenting a rotated token revokes the whole family", async () => {
    const { code, verifier } = await codeFor();
    const { body } = await tokenRequest({
      grant_type: "authorization_code",
      client_id: f.spaClientId,
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    const r1 = body.refresh_token!;
    const second = await tokenRequest({ grant_type: "refresh_token", client_id: f.spaClientId, refresh_token: r1 });
    expect(second.status).toBe(200);
    const r2 = second.body.refresh_token!;
    const reuse = await tokenRequest({ grant_type: "refresh_token", client_id: f.spaClientId, refresh_token: r1 });
    expect(reuse).toEqual({ status: 403, body: { error: "invalid_grant", error_description: "Unknown or invalid refresh token." } });
    const afterReuse = await tokenRequest({ grant_type: "refresh_token", client_id: f.spaClientId, refresh_token: r2 });
    expect(afterReuse.body.error).toBe("invalid_grant");
  });

  it("no refresh token without offline_access", async () => {
    const { code, verifier } = await codeFor(ALICE, { scope: "openid" });
    const { body } = await tokenRequest({
      grant_type: "authorization_code",
      client_id: f.spaClientId,
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    expect(body.refresh_token).toBeUndefined();
    expect(body.scope).toBe("openid");
  });

  it("an unknown audience goes back as access_denied 'Service not found'", async () => {
    const res = await fetch(authorizeUrl({ audience: "https://nope.test" }), { redirect: "manual" });
    const back = new URL(res.headers.get("location")!);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_description")).toBe("Service not found: https://nope.test");
  });
});

describe("CORS for SPAs", () => {
  it("the token endpoint answers preflights and requests from a callback's origin, and gives no CORS headers to others", async () => {
    const preflight = (origin: string) =>
      fetch(new URL("/oauth/token", f.tenant.url), {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type,auth0-client" },
      });
    const ok = await preflight("http://localhost:3000");
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(ok.headers.get("access-control-allow-headers")).toBe("content-type,auth0-client");
    const evil = await preflight("https://evil.example");
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    const error = await fetch(new URL("/oauth/token", f.tenant.url), {
      method: "POST",
      headers: { origin: "http://localhost:3000", "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=authorization_code&client_id=nope",
    });
    // A SPA reads the error too.
    expect(error.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(((await error.json()) as { error: string }).error).toBe("invalid_client");
  });
});

describe("sessions: prompt=none, prompt=login and logout", () => {
  it("prompt=none without a session answers login_required; with the session cookie a code comes back without the form", async () => {
    const none = await fetch(authorizeUrl({ prompt: "none", state: "pn" }), { redirect: "manual" });
    expect(Object.fromEntries(new URL(none.headers.get("location")!).searchParams)).toEqual({
      error: "login_required",
      error_description: "Login required",
      state: "pn",
    });
    const { jar } = await codeFor();
    expect(jar.get("auth0")).toBeDefined();
    const silent = await browse(authorizeUrl({ prompt: "none" }), undefined, jar);
    expect(silent.callback.searchParams.get("code")).toBeTruthy();
    // prompt=login shows the form again despite the session.
    await expect(browse(authorizeUrl({ prompt: "login" }), undefined, jar)).rejects.toThrow(/Log in to/);
  });

  it("/v2/logout: returnTo must be an Allowed Logout URL of the client; the session ends", async () => {
    const { jar } = await codeFor();
    const cookie = `auth0=${jar.get("auth0")}`;
    const bad = await fetch(
      new URL(`/v2/logout?client_id=${f.spaClientId}&returnTo=${encodeURIComponent("https://evil.example/")}`, f.tenant.url),
      {
        redirect: "manual",
        headers: { cookie },
      },
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Allowed Logout URLs");
    const noClient = await fetch(new URL(`/v2/logout?returnTo=${encodeURIComponent("http://localhost:3000/bye")}`, f.tenant.url), {
      redirect: "manual",
    });
    expect(noClient.status).toBe(400);

    const ok = await fetch(
      new URL(`/v2/logout?client_id=${f.spaClientId}&returnTo=${encodeURIComponent("http://localhost:3000/bye")}`, f.tenant.url),
      {
        redirect: "manual",
        headers: { cookie },
      },
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("http://localhost:3000/bye");
    expect(ok.headers.getSetCookie()[0]).toMatch(/^auth0=;.*Max-Age=0/);
    const after = await fetch(authorizeUrl({ prompt: "none" }), { redirect: "manual", headers: { cookie } });
    expect(new URL(after.headers.get("location")!).searchParams.get("error")).toBe("login_required");
  });

  it("/oidc/logout (openid-client's end-session URL): post_logout_redirect_uri checked, state passed back", async () => {
    const { code, verifier } = await codeFor();
    const { body } = await tokenRequest({
      grant_type: "authorization_code",
      client_id: f.spaClientId,
      code,
      redirect_uri: CALLBACK,
      code_verifier: verifier,
    });
    const good = oidc.buildEndSessionUrl(config, {
      id_token_hint: body.id_token!,
      post_logout_redirect_uri: "http://localhost:3000/bye",
      state: "bye-1",
    });
    const res = await fetch(good, { redirect: "manual" });
    expect(res.headers.get("location")).toBe("http://localhost:3000/bye?state=bye-1");
    const evil = oidc.buildEndSessionUrl(config, { id_token_hint: body.id_token!, post_logout_redirect_uri: "https://evil.example/" });
    expect((await fetch(evil, { redirect: "manual" })).status).toBe(400);
  });
});
