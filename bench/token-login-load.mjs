// The login load generator of bench/token.ts, in a worker thread (the clients' HTTP, TLS and hashing stay off the
// server's event loop). Each login is what a browser and a SPA do: GET /authorize (PKCE S256, state, nonce) -> the
// login page -> POST the form -> 302 to the callback with a code -> POST /oauth/token (authorization_code with the
// verifier) -> 200. Plain JS, node: modules only; `concurrency` logins at a time for `ms`.
//
// workerData: { origin, ca?, concurrency, ms, clientId, redirectUri, audience, username, password }
// Posts { ok, errors, statuses, latencies (Float64Array, ms per complete login), elapsed }.
import { createHash, randomBytes } from "node:crypto";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { parentPort, workerData } from "node:worker_threads";

const { origin, ca, concurrency, ms, clientId, redirectUri, audience, username, password } = workerData;
const https = origin.startsWith("https:");
const agent = https
  ? new HttpsAgent({ keepAlive: true, maxSockets: concurrency, ca })
  : new HttpAgent({ keepAlive: true, maxSockets: concurrency });
const send = https ? httpsRequest : httpRequest;

function call(method, path, body) {
  return new Promise((resolve) => {
    const headers =
      body === undefined ? {} : { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) };
    const req = send(`${origin}${path}`, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, text: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", () => resolve({ status: 0, text: "" }));
    req.end(body);
  });
}

async function login() {
  const verifier = randomBytes(32).toString("base64url");
  const query = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    scope: "openid profile email orders:read",
    audience,
    state: randomBytes(8).toString("base64url"),
    nonce: randomBytes(8).toString("base64url"),
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  });
  const page = await call("GET", `/authorize?${query}`);
  const state = /name="state" value="([^"]+)"/.exec(page.text)?.[1];
  if (page.status !== 200 || !state) return page.status || -1;
  const posted = await call("POST", "/u/login", new URLSearchParams({ state, username, password }).toString());
  const code = posted.location ? new URL(posted.location).searchParams.get("code") : null;
  if (posted.status !== 302 || !code) return posted.status || -2;
  const token = await call(
    "POST",
    "/oauth/token",
    new URLSearchParams({
      grant_type: "authorization_code",
      client_id: clientId,
      code,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }).toString(),
  );
  return token.status === 200 && token.text.includes('"id_token"') ? 200 : token.status || -3;
}

const latencies = [];
const statuses = {};
let ok = 0;
let errors = 0;
const started = performance.now();
const stopAt = started + ms;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < stopAt) {
      const t0 = performance.now();
      const status = await login();
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200) {
        ok++;
        latencies.push(performance.now() - t0);
      } else errors++;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
agent.destroy();
parentPort.postMessage({ ok, errors, statuses, latencies: Float64Array.from(latencies), elapsed });
