// A service's token code, three ways, each SDK used as its documentation shows and nothing else: no custom fetch, no
// insecure-request switch, no CA option. The only local-tenant-specific inputs are the domain (localhost:<port>) and
// NODE_EXTRA_CA_CERTS in the environment this process was started with. Run by sdk-clients.test.ts; prints one JSON
// line per SDK.
//
//   NODE_EXTRA_CA_CERTS=<ca.pem> node sdk-clients.mjs '{"domain":"localhost:4010","clientId":"…","keyFile":"…","alg":"RS256","audiences":{…}}'
import { readFileSync } from "node:fs";
import * as oidc from "openid-client";
import { AuthClient } from "@auth0/auth0-auth-js";
import { AuthenticationClient } from "auth0/legacy";
import { createRemoteJWKSet, importPKCS8, jwtVerify } from "jose";

const { domain, clientId, keyFile, alg, audiences } = JSON.parse(process.argv[2]);
const pem = readFileSync(keyFile, "utf8");

const sdks = {
  // openid-client v6: discovery from the issuer URL, private_key_jwt with a CryptoKey.
  "openid-client": async (audience) => {
    const config = await oidc.discovery(new URL(`https://${domain}`), clientId, undefined, oidc.PrivateKeyJwt(await importPKCS8(pem, alg)));
    const tokens = await oidc.clientCredentialsGrant(config, { audience });
    return tokens.access_token;
  },
  // @auth0/auth0-auth-js: the client Auth0 points to for authentication (it runs openid-client underneath).
  "@auth0/auth0-auth-js": async (audience) => {
    const auth = new AuthClient({ domain, clientId, clientAssertionSigningKey: pem, clientAssertionSigningAlg: alg });
    const token = await auth.getTokenByClientCredentials({ audience });
    return token.accessToken;
  },
  // auth0 (node-auth0): its AuthenticationClient, `auth0/legacy` since v7 (the main entry of v4 to v6).
  "auth0 AuthenticationClient": async (audience) => {
    const auth = new AuthenticationClient({ domain, clientId, clientAssertionSigningKey: pem, clientAssertionSigningAlg: alg });
    const { data } = await auth.oauth.clientCredentialsGrant({ audience });
    return data.access_token;
  },
};

// How a resource server checks the token: the issuer's JWKS, issuer and audience verified.
const issuer = `https://${domain}/`;
const jwks = createRemoteJWKSet(new URL(`${issuer}.well-known/jwks.json`));

for (const [sdk, run] of Object.entries(sdks)) {
  const audience = audiences[sdk];
  try {
    const accessToken = await run(audience);
    const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, { issuer, audience });
    console.log(JSON.stringify({ sdk, ok: true, alg: protectedHeader.alg, payload }));
  } catch (e) {
    console.log(
      JSON.stringify({
        sdk,
        ok: false,
        error: `${e?.name}: ${e?.message}${e?.cause ? ` (cause: ${e.cause?.code ?? e.cause?.message ?? e.cause})` : ""}`,
      }),
    );
  }
}
