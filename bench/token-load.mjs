// The load generator of bench/token.ts, in a worker thread so that the clients' HTTP, TLS and signing work does not
// run on the server's event loop (in real life clients are other processes). Plain JS, node: modules only.
//
// workerData: { url, ca?, keepAlive, concurrency, ms, assertions?: string[], sign?: { clientId, keyPem, aud, lifetime },
//               params?: more form fields (the peer of `bench:token --peer` names the API with `resource`),
//               distinctScopes?: string[] (each request asks for another non-empty subset of them as its scope, so
//               no two tokens of a run have the same payload) }
// Posts { ok, errors, statuses, latencies (Float64Array), used (count of assertions sent, presigned mode),
//         usedSample (some of the assertions sent, signing mode), elapsed }.
import { createPrivateKey, randomUUID, sign as rsaSign } from "node:crypto";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { parentPort, workerData } from "node:worker_threads";

const { url, ca, keepAlive, concurrency, ms, assertions, sign, params, distinctScopes } = workerData;
const https = url.startsWith("https:");
const agent = https ? new HttpsAgent({ keepAlive, maxSockets: concurrency, ca }) : new HttpAgent({ keepAlive, maxSockets: concurrency });
const send = https ? httpsRequest : httpRequest;

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const key = sign ? createPrivateKey(sign.keyPem) : undefined;
/** An RS256 client assertion, signed now (what a service does before each token request). */
function freshAssertion() {
  const iat = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ iss: sign.clientId, sub: sign.clientId, aud: sign.aud, iat, exp: iat + sign.lifetime, jti: randomUUID() })}`;
  return `${input}.${rsaSign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

let requests = 0;
/** The n-th non-empty subset of distinctScopes (n counted from 0, wrapping after 2^length - 1). */
function scopeSet(n) {
  const bits = (n % (2 ** distinctScopes.length - 1)) + 1;
  return distinctScopes.filter((_, i) => bits & (1 << i)).join(" ");
}

const form = (assertion) =>
  new URLSearchParams({
    grant_type: "client_credentials",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
    audience: "https://orders.bench",
    ...params,
    ...(distinctScopes ? { scope: scopeSet(requests++) } : {}),
  }).toString();

function post(body) {
  return new Promise((resolve) => {
    const req = send(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

const latencies = [];
const statuses = {};
const usedSample = [];
let ok = 0;
let errors = 0;
let next = 0;
const started = performance.now();
const stopAt = started + ms;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < stopAt) {
      let assertion;
      if (assertions) {
        if (next >= assertions.length) break;
        assertion = assertions[next++];
      } else {
        assertion = freshAssertion();
        if (next++ % 50 === 0) usedSample.push(assertion);
      }
      const t0 = performance.now();
      const status = await post(form(assertion));
      latencies.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200) ok++;
      else errors++;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
agent.destroy();
parentPort.postMessage({ ok, errors, statuses, latencies: Float64Array.from(latencies), used: next, usedSample, elapsed });
