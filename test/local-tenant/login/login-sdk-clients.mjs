// A confidential web application's login code, two ways, each SDK used as its documentation shows: authorization code
// with PKCE, the application authenticating at the token endpoint with private_key_jwt, then a refresh. The only
// local-tenant inputs are the domain (localhost:<port>) and NODE_EXTRA_CA_CERTS in this process's environment. The
// user's part (redirects, login form) is browse.mjs. Run by login-sdk-clients.test.ts; prints one JSON line per SDK.
import { readFileSync } from "node:fs";
import * as oidc from "openid-client";
import { AuthClient } from "@auth0/auth0-auth-js";
import { importPKCS8 } from "jose";
import { browse } from "./browse.mjs";

const { domain, clientId, keyFile, audience, redirectUri, login, logoutUrl } = JSON.parse(process.argv[2]);
const pem = readFileSync(keyFile, "utf8");
const scope = "openid profile email offline_access orders:read";

const sdks = {
  "openid-client": async () => {
    const config = await oidc.discovery(
      new URL(`https://${domain}`),
      clientId,
      undefined,
      oidc.PrivateKeyJwt(await importPKCS8(pem, "RS256")),
    );
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope,
      audience,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const { callback } = await browse(url.toString(), login);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims().sub);
    return { idToken: tokens.claims(), refreshed: Boolean(refreshed.access_token && refreshed.refresh_token), userinfo };
  },
  "@auth0/auth0-auth-js": async () => {
    const auth = new AuthClient({
      domain,
      clientId,
      clientAssertionSigningKey: pem,
      clientAssertionSigningAlg: "RS256",
      authorizationParams: { redirect_uri: redirectUri, scope, audience },
    });
    const { authorizationUrl, codeVerifier } = await auth.buildAuthorizationUrl();
    const { callback } = await browse(authorizationUrl.toString(), login);
    const tokens = await auth.getTokenByCode(callback, { codeVerifier });
    const refreshed = await auth.getTokenByRefreshToken({ refreshToken: tokens.refreshToken });
    const logout = await auth.buildLogoutUrl({ returnTo: logoutUrl });
    const bye = await fetch(logout, { redirect: "manual" });
    return {
      idToken: tokens.claims,
      refreshed: Boolean(refreshed.accessToken),
      logout: { status: bye.status, location: bye.headers.get("location") },
    };
  },
};

for (const [sdk, run] of Object.entries(sdks)) {
  try {
    console.log(JSON.stringify({ sdk, ok: true, ...(await run()) }));
  } catch (e) {
    console.log(
      JSON.stringify({
        sdk,
        ok: false,
        error: `${e?.name}: ${e?.message}${e?.cause ? ` (cause: ${e.cause?.code ?? e.cause?.message ?? JSON.stringify(e.cause)})` : ""}`,
      }),
    );
  }
}
