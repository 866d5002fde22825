import { ManagementError, ManagementTimeoutError } from "auth0";
import { describe, expect, it } from "vitest";
import { TenantReadError } from "../../src/errors";
import { endpointOf, readError } from "../../src/live/reader";
import type { ReaderSettings } from "../../src/live/settings";

// Each way a read can fail, one message each: every branch of readError with the exact words a user reads, and the
// endpoint names the reader counts calls by. In process, no server: the errors are built as the SDK builds them.

const TENANT: ReaderSettings = { domain: "acme.eu.auth0.com", clientId: "cid_reader", privateKey: "", alg: "RS256" };
const LOCAL: ReaderSettings = { ...TENANT, domain: "localhost:4443" };
const EP = "GET /api/v2/clients";
const SCOPES = "read:clients read:client_credentials read:client_grants read:resource_servers read:actions read:roles";
const api = (statusCode: number, body?: unknown) => new ManagementError({ message: "x", statusCode, body });
const token = (statusCode: number, body?: unknown) =>
  Object.assign(new ManagementError({ message: "ManagementClient: token request failed", statusCode, body }), {
    message: "ManagementClient: token request failed",
  });
const coded = (code: string, depth = 1) => {
  let cause: unknown = Object.assign(new Error("low"), { code });
  for (let n = 1; n < depth; n++) cause = new Error("wrapped", { cause });
  return new TypeError("fetch failed", { cause });
};
const message = (e: unknown, settings = TENANT, endpoint = EP) => readError(e, endpoint, settings, 3).message;

describe("readError", () => {
  it("passes a TenantReadError through as it is", () => {
    const e = new TenantReadError("already clear");
    expect(readError(e, EP, TENANT, 3)).toBe(e);
  });

  it("keeps the original error as the cause", () => {
    const e = api(500);
    expect(readError(e, EP, TENANT, 3).cause).toBe(e);
  });

  it.each([
    ["the SDK's timeout", new ManagementTimeoutError("t")],
    ["a 408", api(408)],
    ["a TimeoutError", Object.assign(new Error("t"), { name: "TimeoutError" })],
    ["an AbortError", Object.assign(new Error("t"), { name: "AbortError" })],
  ])("no answer in time (%s) names the endpoint", (_, e) => {
    expect(message(e)).toBe(`no answer from https://acme.eu.auth0.com for ${EP} in time: check the network, or try again`);
  });

  it("no answer in time to the token request says so", () => {
    expect(message(token(408))).toBe(
      "no answer from https://acme.eu.auth0.com for the token request in time: check the network, or try again",
    );
  });

  it.each([401, 400])("the token endpoint refusing the assertion (%i) says what to check", (status) => {
    expect(message(token(status, { error: "invalid_client", error_description: "Invalid assertion" }))).toBe(
      `Auth0 refused the reader's client assertion at https://acme.eu.auth0.com/oauth/token (${status}: Invalid assertion): check that cid_reader is the application's client id and that the private key's public half is one of its credentials (with algorithm RS256)`,
    );
    expect(message(token(status))).toContain(`/oauth/token (${status}): check that`);
  });

  it("the token endpoint's 403 says how to authorise the application, with the read scopes", () => {
    expect(message(token(403, { error: "access_denied" }))).toBe(
      `Auth0 will not give cid_reader a Management API token (403: access_denied): authorise the application for the Auth0 Management API (Dashboard → Applications → APIs → Auth0 Management API → Machine to Machine Applications) with the read scopes ${SCOPES}`,
    );
  });

  it("the token endpoint's 429 and any other status", () => {
    expect(message(token(429))).toBe(
      "https://acme.eu.auth0.com/oauth/token answered 429 Too Many Requests: the tenant's token quota is spent; try again later",
    );
    expect(message(token(502, "Bad gateway"))).toBe("https://acme.eu.auth0.com/oauth/token answered 502 (Bad gateway)");
    expect(message(token(502))).toBe("https://acme.eu.auth0.com/oauth/token answered 502");
  });

  it("an API 401: the token is not for this domain", () => {
    expect(message(api(401, { message: "Bad audience" }))).toBe(
      `Auth0 refused the reader's token for ${EP} (401: Bad audience): the token is not valid for https://acme.eu.auth0.com/api/v2/; check the domain`,
    );
  });

  it.each([
    ["the scope Auth0 names", EP, "Insufficient scope, expected any of: read:clients, read:users", "read:clients"],
    ["the endpoint's scope", "GET /api/v2/client-grants", "Insufficient scope", "read:client_grants"],
    ["the endpoint's scope", "GET /api/v2/resource-servers", "", "read:resource_servers"],
    ["the endpoint's scope", "GET /api/v2/actions/actions", "", "read:actions"],
    ["the endpoint's scope", "GET /api/v2/roles", "", "read:roles"],
    ["the endpoint's scope", "GET /api/v2/roles/{id}/permissions", "", "read:roles"],
    ["no scope known", "GET /api/v2/tenants/settings", "", "a read scope"],
  ])("an API 403 names the missing scope (%s)", (_, endpoint, said, wanted) => {
    expect(message(api(403, said ? { message: said } : undefined), TENANT, endpoint)).toBe(
      `the reader's application cid_reader lacks the Management API scope ${wanted} (${endpoint} answered 403${said ? `: ${said}` : ""}). Grant it: Dashboard → Applications → APIs → Auth0 Management API → Machine to Machine Applications → cid_reader → ${wanted}. The reader needs only ${SCOPES}`,
    );
  });

  it("429s that outlast the retries, a 5xx that persists, and any other status", () => {
    expect(message(api(429))).toBe(
      `Auth0 kept answering 429 Too Many Requests for ${EP} after 3 retries (the SDK waited as Retry-After / X-RateLimit-Reset asked): the tenant's Management API rate limit is spent by other clients too; try again later, or lower --concurrency`,
    );
    expect(message(api(500, { message: "boom" }))).toBe(`${EP} answered 500 (boom) after 3 retries: Auth0 is failing; try again later`);
    expect(message(api(503))).toBe(`${EP} answered 503 after 3 retries: Auth0 is failing; try again later`);
    expect(message(api(499, { message: "odd" }))).toBe(`${EP} answered 499: odd`);
    expect(message(api(404))).toBe(`${EP} answered 404`);
    // a body with nothing to say, or not an object or a string, adds nothing
    expect(message(api(499, {}))).toBe(`${EP} answered 499`);
    expect(message(api(499, 7))).toBe(`${EP} answered 499`);
  });

  it("without a body, the token endpoint's 403 and an API 401 still say what to do", () => {
    expect(message(token(403))).toContain("a Management API token (403): authorise the application");
    expect(message(api(401))).toBe(
      `Auth0 refused the reader's token for ${EP} (401): the token is not valid for https://acme.eu.auth0.com/api/v2/; check the domain`,
    );
  });

  it("a token request that fails below HTTP is named by its cause, not as a status", () => {
    const e = new Error("ManagementClient: token request failed", { cause: Object.assign(new Error("c"), { code: "ECONNREFUSED" }) });
    expect(message(e)).toBe("cannot connect to https://acme.eu.auth0.com (connection refused): is the tenant's domain right?");
  });

  it("the scope Auth0 names wins over the endpoint's, first of several, trimmed", () => {
    const endpoint = "GET /api/v2/clients/{id}/credentials";
    const said = "Insufficient scope, expected any of: read:client_credentials , read:clients";
    expect(message(api(403, { message: said }), TENANT, endpoint)).toContain("lacks the Management API scope read:client_credentials (");
  });

  it("connection refused: on localhost it asks whether the local tenant runs", () => {
    expect(message(coded("ECONNREFUSED"))).toBe(
      "cannot connect to https://acme.eu.auth0.com (connection refused): is the tenant's domain right?",
    );
    expect(message(coded("ECONNREFUSED"), LOCAL)).toBe(
      "cannot connect to https://localhost:4443 (connection refused): is the tenant's domain right, and is `npm run tenant:local` running?",
    );
    expect(message(coded("ECONNREFUSED"), { ...TENANT, domain: "127.0.0.1:4443" })).toContain("npm run tenant:local");
  });

  it.each(["ENOTFOUND", "EAI_AGAIN"])("a name that does not resolve (%s)", (code) => {
    expect(message(coded(code))).toBe(`cannot resolve acme.eu.auth0.com (${code}): check the domain (auth0:domain or --domain)`);
  });

  it("a certificate not trusted: on localhost it says how to trust the local CA", () => {
    expect(message(coded("SELF_SIGNED_CERT_IN_CHAIN"))).toBe(
      "https://acme.eu.auth0.com presented a certificate this process does not trust (SELF_SIGNED_CERT_IN_CHAIN)",
    );
    expect(message(coded("UNABLE_TO_VERIFY_LEAF_SIGNATURE", 3), { ...TENANT, domain: "127.0.0.1:4443" })).toBe(
      "https://127.0.0.1:4443 presented a certificate this process does not trust (UNABLE_TO_VERIFY_LEAF_SIGNATURE): for the local tenant, start the command with NODE_EXTRA_CA_CERTS=<the local CA> (the import and drift commands do this for --local)",
    );
    for (const code of [
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
      "CERT_HAS_EXPIRED",
      "ERR_TLS_CERT_ALTNAME_INVALID",
    ])
      expect(message(coded(code), LOCAL)).toContain(`does not trust (${code}): for the local tenant`);
  });

  it("anything else names the endpoint, the origin, the error and its code", () => {
    expect(message(coded("ECONNRESET"))).toBe(`reading ${EP} from https://acme.eu.auth0.com failed: fetch failed (ECONNRESET)`);
    expect(message(new Error("odd"))).toBe(`reading ${EP} from https://acme.eu.auth0.com failed: odd`);
    expect(message("a string")).toBe(`reading ${EP} from https://acme.eu.auth0.com failed: a string`);
    // a code deeper than the chain is followed (6 links) is not looked for
    expect(message(coded("ECONNREFUSED", 6))).toBe(`reading ${EP} from https://acme.eu.auth0.com failed: fetch failed`);
    expect(message(coded("ECONNREFUSED", 5))).toContain("(connection refused)");
  });
});

describe("endpointOf", () => {
  it.each([
    ["get", "/api/v2/clients?page=0", "GET /api/v2/clients"],
    ["GET", "/api/v2/clients/abc", "GET /api/v2/clients/{id}"],
    ["GET", "/api/v2/clients/abc/credentials", "GET /api/v2/clients/{id}/credentials"],
    ["GET", "/api/v2/clients/abc/credentials/cred_1", "GET /api/v2/clients/{id}/credentials/{id}"],
    ["GET", "/api/v2/client-grants/cgr_1", "GET /api/v2/client-grants/{id}"],
    ["GET", "/api/v2/resource-servers/rs_1", "GET /api/v2/resource-servers/{id}"],
    ["GET", "/api/v2/actions/actions/act_1", "GET /api/v2/actions/actions/{id}"],
    ["GET", "/api/v2/actions/triggers/post-login/bindings", "GET /api/v2/actions/triggers/{trigger}/bindings"],
    ["GET", "/other/api/v2/clients/abc", "GET /other/api/v2/clients/abc"],
    ["GET", "/other/api/v2/client-grants/cgr_1", "GET /other/api/v2/client-grants/cgr_1"],
    ["GET", "/other/api/v2/actions/triggers/post-login", "GET /other/api/v2/actions/triggers/post-login"],
  ])("%s %s is %s", (method, url, endpoint) => {
    expect(endpointOf(method, `https://acme.eu.auth0.com${url}`)).toBe(endpoint);
  });
});
