import type { ServerResponse } from "node:http";
import { Router, type Handler, type RequestContext } from "../router";
import { requireScope, verifyBearer, type BearerToken, type ManagementAuth } from "./auth";
import { invalidQuery, ManagementApiError, notFound, notServedLocally, tooManyRequests } from "./errors";
import { faultError, type Faults, type RateLimiter } from "./faults";
import { booleanParam, checkpointPage, isCheckpoint, offsetPage, offsetParams, protoPage } from "./paging";
import type { ManagementScope } from "./scopes";
import { globalClient, globalClientReadOnly, isGlobalClient } from "./global-client";
import { TRIGGER_VERSIONS } from "./store";
import { tenantSettingsView, updateTenantSettings } from "./tenant-settings";
import { unservedEndpointScope } from "./unserved";
import { actionView, bindingView, clientView, credentialView, deployedView, grantView, resourceServerView, selectFields } from "./views";
import { parseJsonBody } from "./validate";

/** Auth0: "All endpoints accept a payload of up to 1 megabyte." */
export const MANAGEMENT_BODY_LIMIT = 1024 * 1024;
export const MANAGEMENT_BASE_PATH = "/api/v2";

export interface RequestLogEntry {
  method: string;
  /** Path and query, e.g. /api/v2/clients?page=0&per_page=50&include_totals=true */
  path: string;
  status: number;
  at: Date;
}

export interface RouteContext extends ManagementAuth {
  faults: Faults;
  rateLimit: RateLimiter;
  log: (entry: RequestLogEntry) => void;
}

interface Call {
  ctx: RequestContext;
  query: URLSearchParams;
  token: BearerToken;
  json: () => unknown;
}

type Result = { status: number; body?: unknown };
type Operation = (call: Call) => Result | Promise<Result>;

export interface EndpointDescription {
  method: string;
  path: string;
  scopes: readonly ManagementScope[];
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>) {
  if (body === undefined) {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    return void res.end();
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Unknown query parameters are refused, as Auth0 does (`Additional properties not allowed`). */
function checkQuery(query: URLSearchParams, allowed: readonly string[]) {
  const unknown = [...new Set(query.keys())].filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw invalidQuery(`'Additional properties not allowed: ${unknown.join(",")}'.`);
}

const list = (query: URLSearchParams, name: string): string[] | undefined => {
  const values = query.getAll(name).flatMap((v) => v.split(","));
  return values.length > 0 ? values.filter((v) => v !== "") : undefined;
};

/**
 * A sub-router whose every answer is the Management API's: unknown paths get Auth0's 404 body and a wrong method a
 * 405 in the same shape, instead of the token endpoint's OAuth errors.
 */
class ManagementRouter extends Router {
  constructor(
    private readonly respond: (ctx: RequestContext, error: ManagementApiError, headers?: Record<string, string>) => void,
    private readonly auth: ManagementAuth,
  ) {
    super();
  }

  override resolve(method: string, pathname: string): ReturnType<Router["resolve"]> {
    const found = super.resolve(method, pathname);
    if (found && "handler" in found) return found;
    if (found && "allow" in found) {
      const allow = found.allow.join(", ");
      return {
        params: {},
        handler: (ctx) =>
          this.respond(ctx, new ManagementApiError(405, `${method} is not allowed on this path (allowed: ${allow})`), { allow }),
      };
    }
    // `pathname` is the path under the mount point (/users for /api/v2/users).
    const scope = unservedEndpointScope(method, pathname);
    if (scope) return { params: {}, handler: (ctx) => this.unserved(ctx, method, ctx.url.pathname, scope) };
    // Recorded for unknown paths: {"statusCode":404,"error":"Not Found","message":"Not Found"}.
    return { params: {}, handler: (ctx) => this.respond(ctx, notFound("Not Found")) };
  }

  /** An Auth0 endpoint with no local model: the caller's token decides between 401, 403 and a plain "not served". */
  private async unserved(ctx: RequestContext, method: string, pathname: string, scope: string) {
    try {
      const token = await verifyBearer(ctx.req.headers.authorization, ctx.origin, this.auth);
      requireScope(token, [scope]);
      this.respond(ctx, notServedLocally(method, pathname));
    } catch (e) {
      if (!(e instanceof ManagementApiError)) throw e;
      this.respond(ctx, e);
    }
  }
}

/** The /api/v2 routes (mounted by startLocalTenant), each with the scopes it accepts. */
export function managementRouter(rc: RouteContext): { router: Router; endpoints: EndpointDescription[] } {
  const { store } = rc;
  const endpoints: EndpointDescription[] = [];

  const respond = (ctx: RequestContext, answer: ManagementApiError, headers: Record<string, string> = {}) => {
    const limit = rc.rateLimit.take(rc.now().getTime());
    // The limit is the tenant's, whatever the path: an enforced one refuses unknown and unserved paths too.
    const error = limit.limited ? tooManyRequests({ "retry-after": String(limit.retryAfter) }) : answer;
    send(ctx.res, error.status, error.toJSON(), { ...limit.headers, ...(limit.limited ? {} : headers), ...error.headers });
    rc.log({ method: ctx.req.method ?? "GET", path: `${ctx.url.pathname}${ctx.url.search}`, status: error.status, at: rc.now() });
  };
  const router = new ManagementRouter(respond, rc);

  const route = (method: string, path: string, scopes: readonly ManagementScope[], queryParams: readonly string[], op: Operation) => {
    endpoints.push({ method, path: `${MANAGEMENT_BASE_PATH}${path}`, scopes });
    const handler: Handler = async (ctx) => {
      const nowMs = rc.now().getTime();
      const limit = rc.rateLimit.take(nowMs);
      let status = 500;
      let headers = limit.headers;
      try {
        const fault = rc.faults.take(ctx.req.method ?? method, ctx.url.pathname, MANAGEMENT_BASE_PATH);
        if (fault) {
          const { error, body } = faultError(fault, nowMs);
          status = error.status;
          return send(ctx.res, status, body ?? error.toJSON(), { ...headers, ...error.headers });
        }
        if (limit.limited) throw tooManyRequests({ "retry-after": String(limit.retryAfter) });
        const token = await verifyBearer(ctx.req.headers.authorization, ctx.origin, rc);
        requireScope(token, scopes);
        checkQuery(ctx.url.searchParams, queryParams);
        const result = await op({ ctx, query: ctx.url.searchParams, token, json: () => parseJsonBody(ctx.body) });
        status = result.status;
        send(ctx.res, status, result.body, headers);
      } catch (e) {
        const error =
          e instanceof ManagementApiError ? e : new ManagementApiError(500, `An internal server error occurred (${(e as Error).message})`);
        status = error.status;
        headers = { ...headers, ...error.headers };
        send(ctx.res, status, error.toJSON(), headers);
      } finally {
        rc.log({ method: ctx.req.method ?? method, path: `${ctx.url.pathname}${ctx.url.search}`, status, at: rc.now() });
      }
    };
    router.on(method, path, handler, method === "GET" || method === "DELETE" ? {} : { maxBodyBytes: MANAGEMENT_BODY_LIMIT });
  };

  // ---- clients ----
  route(
    "GET",
    "/clients",
    ["read:clients"],
    ["fields", "include_fields", "page", "per_page", "include_totals", "is_global", "is_first_party", "app_type", "q"],
    ({ query }) => {
      if (query.has("q")) throw invalidQuery("'q (Lucene queries) is not supported by the local tenant' on property q.");
      const paging = offsetParams(query);
      const appTypes = list(query, "app_type");
      const firstParty = booleanParam(query, "is_first_party");
      const global = booleanParam(query, "is_global");
      const fields = list(query, "fields");
      const include = booleanParam(query, "include_fields") ?? true;
      const clients = [globalClient(store), ...store.clients.values()]
        .filter((c) => !appTypes || appTypes.includes(String(c.app_type)))
        .filter((c) => firstParty === undefined || c.is_first_party === firstParty)
        .filter((c) => global === undefined || (c.global === true) === global)
        .map((c) => selectFields(clientView(c), fields, include));
      return { status: 200, body: offsetPage(clients, "clients", paging) };
    },
  );
  route("POST", "/clients", ["create:clients"], [], async ({ json }) => ({
    status: 201,
    body: clientView(await store.createClient(json())),
  }));
  route("GET", "/clients/:id", ["read:clients"], ["fields", "include_fields"], ({ ctx, query }) => {
    const id = ctx.params.id!;
    const client = isGlobalClient(store, id) ? globalClient(store) : store.client(id);
    return { status: 200, body: selectFields(clientView(client), list(query, "fields"), booleanParam(query, "include_fields") ?? true) };
  });
  route("PATCH", "/clients/:id", ["update:clients"], [], ({ ctx, json }) => {
    if (isGlobalClient(store, ctx.params.id!)) throw globalClientReadOnly();
    return { status: 200, body: clientView(store.updateClient(ctx.params.id!, json())) };
  });
  route("DELETE", "/clients/:id", ["delete:clients"], [], ({ ctx }) => {
    if (isGlobalClient(store, ctx.params.id!)) throw globalClientReadOnly();
    store.deleteClient(ctx.params.id!);
    return { status: 204 };
  });

  // ---- client credentials: a bare array, whatever paging parameters are sent (recorded) ----
  route("GET", "/clients/:id/credentials", ["read:client_credentials"], ["page", "per_page", "include_totals"], ({ ctx }) => ({
    status: 200,
    body: store.credentialsOf(ctx.params.id!).map(credentialView),
  }));
  route("POST", "/clients/:id/credentials", ["create:client_credentials"], [], async ({ ctx, json }) => ({
    status: 201,
    body: credentialView(await store.createCredential(ctx.params.id!, json())),
  }));
  route("GET", "/clients/:id/credentials/:credentialId", ["read:client_credentials"], [], ({ ctx }) => ({
    status: 200,
    body: credentialView(store.credential(ctx.params.id!, ctx.params.credentialId!)),
  }));
  route("PATCH", "/clients/:id/credentials/:credentialId", ["update:client_credentials"], [], ({ ctx, json }) => ({
    status: 200,
    body: credentialView(store.updateCredential(ctx.params.id!, ctx.params.credentialId!, json())),
  }));
  route("DELETE", "/clients/:id/credentials/:credentialId", ["delete:client_credentials"], [], ({ ctx }) => {
    store.deleteCredential(ctx.params.id!, ctx.params.credentialId!);
    return { status: 204 };
  });

  // ---- client grants ----
  route(
    "GET",
    "/client-grants",
    ["read:client_grants"],
    [
      "per_page",
      "page",
      "include_totals",
      "from",
      "take",
      "audience",
      "client_id",
      "allow_any_organization",
      "subject_type",
      "default_for",
    ],
    ({ query }) => {
      const audience = query.get("audience");
      const clientId = query.get("client_id");
      const subjectType = query.get("subject_type");
      const items = store
        .grantsInOrder()
        .filter(({ record: g }) => audience === null || g.audience === audience)
        .filter(({ record: g }) => clientId === null || g.client_id === clientId)
        .filter(({ record: g }) => subjectType === null || (g.subject_type ?? "client") === subjectType)
        .map(({ record, seq }) => ({ record: grantView(record), seq }));
      if (isCheckpoint(query)) return { status: 200, body: checkpointPage(items, "client_grants", query) };
      return {
        status: 200,
        body: offsetPage(
          items.map((i) => i.record),
          "client_grants",
          offsetParams(query),
        ),
      };
    },
  );
  route("POST", "/client-grants", ["create:client_grants"], [], ({ json }) => ({
    status: 201,
    body: grantView(store.createGrant(json())),
  }));
  route("GET", "/client-grants/:id", ["read:client_grants"], [], ({ ctx }) => ({
    status: 200,
    body: grantView(store.grant(ctx.params.id!)),
  }));
  route("PATCH", "/client-grants/:id", ["update:client_grants"], [], ({ ctx, json }) => ({
    status: 200,
    body: grantView(store.updateGrant(ctx.params.id!, json())),
  }));
  route("DELETE", "/client-grants/:id", ["delete:client_grants"], [], ({ ctx }) => {
    store.deleteGrant(ctx.params.id!);
    return { status: 204 };
  });

  // ---- resource servers (by id or identifier) ----
  route(
    "GET",
    "/resource-servers",
    ["read:resource_servers"],
    ["identifiers", "page", "per_page", "include_totals", "include_fields"],
    ({ query }) => {
      const identifiers = query.getAll("identifiers");
      const items = [...store.resourceServers.values()]
        .filter((rs) => identifiers.length === 0 || identifiers.includes(rs.identifier))
        .map(resourceServerView);
      return { status: 200, body: offsetPage(items, "resource_servers", offsetParams(query)) };
    },
  );
  route("POST", "/resource-servers", ["create:resource_servers"], [], ({ json }) => ({
    status: 201,
    body: resourceServerView(store.createResourceServer(json())),
  }));
  route("GET", "/resource-servers/:id", ["read:resource_servers"], ["include_fields"], ({ ctx }) => ({
    status: 200,
    body: resourceServerView(store.resourceServer(ctx.params.id!)),
  }));
  route("PATCH", "/resource-servers/:id", ["update:resource_servers"], [], ({ ctx, json }) => ({
    status: 200,
    body: resourceServerView(store.updateResourceServer(ctx.params.id!, json())),
  }));
  route("DELETE", "/resource-servers/:id", ["delete:resource_servers"], [], ({ ctx }) => {
    store.deleteResourceServer(ctx.params.id!);
    return { status: 204 };
  });

  // ---- actions ----
  route(
    "GET",
    "/actions/actions",
    ["read:actions"],
    ["triggerId", "actionName", "deployed", "page", "per_page", "installed"],
    ({ query }) => {
      const trigger = query.get("triggerId");
      const name = query.get("actionName");
      const deployed = booleanParam(query, "deployed");
      const installed = booleanParam(query, "installed");
      const items = [...store.actions.values()]
        .filter((a) => trigger === null || a.supported_triggers.some((t) => t.id === trigger))
        .filter((a) => name === null || a.name === name)
        .filter((a) => deployed === undefined || (a.deployedVersionId !== undefined) === deployed)
        // Every local action is a custom one (none comes from the marketplace).
        .filter(() => installed !== true)
        .map((a) => actionView(a));
      return { status: 200, body: protoPage(items, "actions", query) };
    },
  );
  // Auth0 builds a new action asynchronously: the POST answers "pending", reads then say "built" (recorded).
  route("POST", "/actions/actions", ["create:actions"], [], ({ json }) => ({
    status: 201,
    body: actionView(store.createAction(json()), { status: "pending" }),
  }));
  route("GET", "/actions/actions/:id", ["read:actions"], [], ({ ctx }) => ({
    status: 200,
    body: actionView(store.action(ctx.params.id!)),
  }));
  route("PATCH", "/actions/actions/:id", ["update:actions"], [], ({ ctx, json }) => ({
    status: 200,
    body: actionView(store.updateAction(ctx.params.id!, json())),
  }));
  route("DELETE", "/actions/actions/:id", ["delete:actions"], ["force"], ({ ctx, query }) => {
    store.deleteAction(ctx.params.id!, { force: booleanParam(query, "force") ?? false });
    return { status: 204 };
  });
  route("POST", "/actions/actions/:id/deploy", ["create:actions"], [], ({ ctx }) => {
    const version = store.deployAction(ctx.params.id!);
    return { status: 200, body: deployedView(store.action(ctx.params.id!), version) };
  });
  route("GET", "/actions/triggers", ["read:actions"], [], () => ({
    status: 200,
    body: {
      triggers: Object.entries(TRIGGER_VERSIONS).map(([id, version]) => ({
        id,
        version,
        status: "CURRENT",
        runtimes: ["node18", "node22"],
        default_runtime: "node22",
        compatible_triggers: [],
        binding_policy: "trigger-bound",
      })),
    },
  }));
  route("GET", "/actions/triggers/:triggerId/bindings", ["read:actions"], ["page", "per_page"], ({ ctx, query }) => ({
    status: 200,
    body: protoPage(
      store.bindingsOf(ctx.params.triggerId!).map((b) => bindingView(store, b)),
      "bindings",
      query,
    ),
  }));
  // The PATCH answer has no paging members (recorded).
  route("PATCH", "/actions/triggers/:triggerId/bindings", ["update:actions"], [], ({ ctx, json }) => ({
    status: 200,
    body: { bindings: store.setBindings(ctx.params.triggerId!, json()).map((b) => bindingView(store, b)) },
  }));

  // ---- tenant settings (default_audience only: tenant-settings.ts) ----
  route("GET", "/tenants/settings", ["read:tenant_settings"], ["fields", "include_fields"], () => ({
    status: 200,
    body: tenantSettingsView(store.settings),
  }));
  route("PATCH", "/tenants/settings", ["update:tenant_settings"], [], ({ json }) => ({
    status: 200,
    body: tenantSettingsView(updateTenantSettings(store.settings, json())),
  }));

  return { router, endpoints };
}
