import { ManagementClient, ManagementError, ManagementTimeoutError } from "auth0";
import { READ_SCOPES } from "@auth0-tenant/management-api-emulator/wire";
import { TenantReadError } from "../errors";
import { z } from "zod";
import { excerpt } from "../excerpt";
import { DEFAULT_READ_LIMITS, limitReached, MAX_RESPONSE_BYTES, type ReadLimits } from "./limits";
import {
  actionRecord,
  bindingRecord,
  clientRecord,
  credentialRecord,
  grantRecord,
  pageItems,
  parseRecords,
  resourceServerRecord,
  rolePermissionRecord,
  roleRecord,
  type ActionRecord,
  type BindingRecord,
  type ClientRecord,
  type CredentialRecord,
  type GrantRecord,
  type ResourceServerRecord,
  type RolePermissionRecord,
  type RoleRecord,
} from "./records";
import type { ReaderSettings } from "./settings";

/**
 * The Management API reader: the official `auth0` SDK's ManagementClient (v7), authenticating with private_key_jwt,
 * with read scopes only. It pages through every list (100 a page), lets the SDK retry 429s and 5xx with its own
 * backoff (Retry-After, else X-RateLimit-Reset, else 1 s·2^n; `maxRetries` retries per request), bounds how many
 * per-client calls run at once, counts every call by endpoint, and turns Auth0's refusals into messages that say
 * what to do.
 */

/** The Management API scopes the reader needs, and nothing more (the one list the local Management API also serves). */
export const READER_SCOPES: readonly string[] = READ_SCOPES;

export interface ReaderOptions {
  /** Per-client calls (credentials) in flight at once; at most 4 (default 4). */
  concurrency?: number;
  /** Items per page (Auth0's maximum, 100, by default). */
  perPage?: number;
  /** Retries the SDK makes on 408, 429 and 5xx before giving up (its default, 2). */
  maxRetries?: number;
  /** Time limit of each request, seconds (default 20). */
  timeoutSeconds?: number;
  /** A progress line sink (e.g. stderr when it is a TTY); called at most every 100 ms. */
  progress?: (line: string) => void;
  /** A fetch to call through (tests: one that trusts the local tenant's CA). Default: the global fetch. */
  fetch?: typeof fetch;
  /** Cancels every request (a preview's overall time limit). */
  signal?: AbortSignal;
  /** Bounds of the whole read (calls, pages of a list, seconds); defaults DEFAULT_READ_LIMITS. */
  limits?: Partial<ReadLimits>;
}

export const MAX_CONCURRENCY = 4;
export const DEFAULT_PER_PAGE = 100;

/** What the reader did: calls by endpoint (method and path with ids replaced), statuses, and time with a call in flight. */
export interface CallStats {
  total: number;
  byEndpoint: Record<string, number>;
  byStatus: Record<string, number>;
  /** Milliseconds during which at least one call (response body included) was in flight. */
  busyMs: number;
}

/** A path as an endpoint: `/api/v2/clients/abc/credentials` → `GET /api/v2/clients/{id}/credentials`. */
export function endpointOf(method: string, url: string): string {
  const { pathname } = new URL(url);
  const path = pathname
    .replace(/^(\/api\/v2\/clients\/)[^/]+/, "$1{id}")
    .replace(/^(\/api\/v2\/clients\/\{id\}\/credentials\/)[^/]+/, "$1{id}")
    .replace(/^(\/api\/v2\/(client-grants|resource-servers|actions\/actions|roles)\/)[^/]+/, "$1{id}")
    .replace(/^(\/api\/v2\/actions\/triggers\/)[^/]+/, "$1{trigger}");
  return `${method.toUpperCase()} ${path}`;
}

export type {
  ActionRecord,
  BindingRecord,
  ClientRecord,
  CredentialRecord,
  GrantRecord,
  ResourceServerRecord,
  RolePermissionRecord,
  RoleRecord,
} from "./records";

type Page = { response: unknown; hasNextPage(): boolean; getNextPage(): Promise<Page> };

export class TenantReader {
  readonly stats: CallStats = { total: 0, byEndpoint: {}, byStatus: {}, busyMs: 0 };
  readonly settings: ReaderSettings;
  readonly limits: ReadLimits;
  private readonly client: ManagementClient;
  private readonly options: Required<Pick<ReaderOptions, "concurrency" | "perPage" | "maxRetries" | "timeoutSeconds">> & ReaderOptions;
  private readonly origin: string;
  /** Aborts every request once the read has run out of time (or the caller's signal fires). */
  private readonly stop = new AbortController();
  private deadline: NodeJS.Timeout | undefined;
  /** The error that ended the read inside the SDK's fetch (the SDK wraps what a fetch throws; this is what it was). */
  private fatal: TenantReadError | undefined;
  private inFlight = 0;
  private busySince = 0;
  private lastProgress = 0;

  constructor(settings: ReaderSettings, options: ReaderOptions = {}) {
    this.settings = settings;
    this.origin = `https://${settings.domain}`;
    this.limits = { ...DEFAULT_READ_LIMITS, ...options.limits };
    this.options = {
      ...options,
      concurrency: Math.max(1, Math.min(MAX_CONCURRENCY, options.concurrency ?? MAX_CONCURRENCY)),
      perPage: Math.max(1, Math.min(100, options.perPage ?? DEFAULT_PER_PAGE)),
      maxRetries: options.maxRetries ?? 2,
      timeoutSeconds: options.timeoutSeconds ?? 20,
    };
    if (options.signal) options.signal.addEventListener("abort", () => this.stop.abort(options.signal!.reason), { once: true });
    this.client = new ManagementClient({
      domain: settings.domain,
      clientId: settings.clientId,
      clientAssertionSigningKey: settings.privateKey,
      clientAssertionSigningAlg: settings.alg,
      maxRetries: this.options.maxRetries,
      timeoutInSeconds: this.options.timeoutSeconds,
      fetch: this.guardedFetch(options.fetch ?? globalThis.fetch),
    });
  }

  /** Every client (paged), the legacy global client ("All Applications") left out; `fields` limits what each carries. */
  async clients(fields?: string[]): Promise<ClientRecord[]> {
    const select = fields ? { fields: fields.join(","), include_fields: true } : {};
    return this.list("GET /api/v2/clients", "clients", clientRecord, () =>
      this.client.clients.list({ per_page: this.options.perPage, is_global: false, ...select }),
    );
  }

  /** One client's credentials (one call: the endpoint answers every credential in a bare array, unpaged). */
  async credentials(clientId: string): Promise<CredentialRecord[]> {
    const endpoint = "GET /api/v2/clients/{id}/credentials";
    return this.call(endpoint, async () =>
      parseRecords(endpoint, credentialRecord, pageItems(endpoint, undefined, await this.client.clients.credentials.list(clientId))),
    );
  }

  /** The credentials of many clients, at most `concurrency` calls in flight; a client that no longer exists is left out. */
  async credentialsOf(clientIds: string[]): Promise<Map<string, CredentialRecord[]>> {
    const out = new Map<string, CredentialRecord[]>();
    await this.each(clientIds, async (id) => {
      const found = await this.credentials(id).catch((e: unknown) => {
        if ((e as { cause?: unknown }).cause instanceof ManagementError && (e as { cause: ManagementError }).cause.statusCode === 404)
          return undefined;
        throw e;
      });
      if (found) out.set(id, found);
      this.tick(`credentials ${out.size}/${clientIds.length}`);
    });
    return out;
  }

  /** The bindings of many triggers, at most `concurrency` calls in flight. */
  async bindingsOf(triggers: string[]): Promise<Map<string, BindingRecord[]>> {
    const out = new Map<string, BindingRecord[]>();
    await this.each(triggers, async (trigger) => void out.set(trigger, await this.bindings(trigger)));
    return out;
  }

  /** `work` for each item, at most `concurrency` at once. */
  private async each<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await work(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, items.length) }, worker));
  }

  /** Every client grant (checkpoint paging, as the SDK does it). */
  async grants(): Promise<GrantRecord[]> {
    return this.list("GET /api/v2/client-grants", "client_grants", grantRecord, () =>
      this.client.clientGrants.list({ take: this.options.perPage }),
    );
  }

  async resourceServers(): Promise<ResourceServerRecord[]> {
    return this.list("GET /api/v2/resource-servers", "resource_servers", resourceServerRecord, () =>
      this.client.resourceServers.list({ per_page: this.options.perPage }),
    );
  }

  async actions(): Promise<ActionRecord[]> {
    return this.list("GET /api/v2/actions/actions", "actions", actionRecord, () =>
      this.client.actions.list({ per_page: this.options.perPage }),
    );
  }

  /** Every role (paged by offset). */
  async roles(): Promise<RoleRecord[]> {
    return this.list("GET /api/v2/roles", "roles", roleRecord, () => this.client.roles.list({ per_page: this.options.perPage }));
  }

  /** A role's permissions (paged by offset): each a scope of one API. */
  async rolePermissions(roleId: string): Promise<RolePermissionRecord[]> {
    return this.list("GET /api/v2/roles/{id}/permissions", "permissions", rolePermissionRecord, () =>
      this.client.roles.permissions.list(roleId, { per_page: this.options.perPage }),
    );
  }

  /** The permissions of many roles, at most `concurrency` calls in flight. */
  async rolePermissionsOf(roleIds: string[]): Promise<Map<string, RolePermissionRecord[]>> {
    const out = new Map<string, RolePermissionRecord[]>();
    await this.each(roleIds, async (id) => void out.set(id, await this.rolePermissions(id)));
    return out;
  }

  /** A trigger's bindings, in execution order. */
  async bindings(trigger: string): Promise<BindingRecord[]> {
    return this.list("GET /api/v2/actions/triggers/{trigger}/bindings", "bindings", bindingRecord, () =>
      this.client.actions.triggers.bindings.list(trigger as never, { per_page: this.options.perPage }),
    );
  }

  /** Ends the progress line (if one was drawn) and the read's clock. */
  done(): void {
    if (this.lastProgress > 0) this.options.progress?.("");
    this.lastProgress = 0;
    clearTimeout(this.deadline);
  }

  /**
   * Every page of a list, each checked at the edge: the page is the object the Management API answers with the
   * records under `key`, each record fits `schema`, and the pages end within the page limit.
   */
  private async list<S extends z.ZodType>(endpoint: string, key: string, schema: S, first: () => Promise<unknown>): Promise<z.infer<S>[]> {
    return this.call(endpoint, async () => {
      const out: z.infer<S>[] = [];
      let page = (await first()) as Page;
      for (let n = 1; ; n++) {
        out.push(...parseRecords(endpoint, schema, pageItems(endpoint, key, page.response), out.length));
        this.tick(`${key.replace(/_/g, " ")} ${out.length}`);
        if (!page.hasNextPage()) return out;
        if (n >= this.limits.maxPages)
          throw limitReached("maxPages", this.limits.maxPages, `${endpoint} still had more after ${n} pages (${out.length} records)`);
        page = await page.getNextPage();
      }
    });
  }

  private tick(what: string) {
    const now = Date.now();
    if (!this.options.progress || now - this.lastProgress < 100) return;
    this.lastProgress = now;
    this.options.progress(`reading ${this.settings.domain}: ${what} (${this.stats.total} calls)`);
  }

  /** Ends the read: every request in flight is aborted, and the read fails with `error` (the first such error wins). */
  private end(error: TenantReadError): void {
    this.fatal ??= error;
    this.stop.abort(error);
  }

  private fail(error: TenantReadError): never {
    this.end(error);
    throw error;
  }

  /**
   * The fetch the SDK calls (token requests included). Each call stays on the tenant's origin over HTTPS, follows no
   * redirect (a 3xx is an error naming where it pointed: the signed client assertion is never sent anywhere else),
   * counts against the call and time limits, reads at most MAX_RESPONSE_BYTES, and must answer JSON when it succeeds.
   */
  private guardedFetch(inner: typeof fetch): typeof fetch {
    return async (input, init) => {
      const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      const method = init?.method ?? (typeof input === "object" && "method" in input ? input.method : "GET");
      const endpoint = endpointOf(method, url.href);
      if (url.origin !== this.origin)
        this.fail(new TenantReadError(`refused to call ${url.origin} (${endpoint}): the reader talks to ${this.origin} only`));
      if (this.fatal) throw this.fatal;
      if (this.stats.total >= this.limits.maxCalls)
        this.fail(
          limitReached(
            "maxCalls",
            this.limits.maxCalls,
            `${this.stats.total} Management API calls made, and ${endpoint} would be one more`,
          ),
        );
      this.deadline ??= setTimeout(
        () => this.end(limitReached("maxSeconds", this.limits.maxSeconds, `the read took longer than ${this.limits.maxSeconds} s`)),
        this.limits.maxSeconds * 1000,
      ).unref();
      this.stats.total++;
      this.stats.byEndpoint[endpoint] = (this.stats.byEndpoint[endpoint] ?? 0) + 1;
      if (this.inFlight++ === 0) this.busySince = performance.now();
      try {
        const signal = init?.signal ? AbortSignal.any([init.signal, this.stop.signal]) : this.stop.signal;
        const response = await inner(input, { ...init, redirect: "manual", signal });
        this.stats.byStatus[response.status] = (this.stats.byStatus[response.status] ?? 0) + 1;
        if (response.status >= 300 && response.status < 400) {
          const location = response.headers.get("location");
          let where = "nowhere (no Location)";
          try {
            if (location) where = new URL(location, url).origin;
          } catch {
            where = "an address that is not a URL";
          }
          this.fail(
            new TenantReadError(
              `${endpoint} answered ${response.status}, a redirect to ${where}: the reader follows no redirect (it talks to ${this.origin} only, and never sends its client assertion or token anywhere else); check the domain`,
            ),
          );
        }
        const body = await this.boundedBody(response, endpoint);
        if (response.ok) this.checkJson(endpoint, response, body);
        return new Response(response.status === 204 ? null : body, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      } catch (e) {
        if (this.fatal) throw this.fatal;
        throw e;
      } finally {
        if (--this.inFlight === 0) this.stats.busyMs += performance.now() - this.busySince;
      }
    };
  }

  /** The body, read up to MAX_RESPONSE_BYTES (a tenant answering without end is cut off, not buffered). */
  private async boundedBody(response: Response, endpoint: string): Promise<Uint8Array> {
    if (!response.body) return new Uint8Array();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > MAX_RESPONSE_BYTES)
        this.fail(new TenantReadError(`${endpoint} answered more than ${MAX_RESPONSE_BYTES} bytes in one response; the reader refuses it`));
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  /** A successful answer is JSON (an HTML page, a captive portal, an empty body is never read as "no records"). */
  private checkJson(endpoint: string, response: Response, body: Uint8Array) {
    const text = Buffer.from(body).toString("utf8");
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.fail(
        new TenantReadError(
          `${endpoint} answered ${response.status} with ${response.headers.get("content-type") ?? "no content type"}, not JSON (${text.length === 0 ? "an empty body" : `it begins ${excerpt(JSON.stringify(text.slice(0, 60)))}`}): is ${this.origin} the tenant's Management API?`,
        ),
      );
    }
    if (endpoint === "POST /oauth/token") {
      const token = tokenAnswer.safeParse(value);
      if (!token.success)
        this.fail(
          new TenantReadError(
            `${endpoint}: the token endpoint's answer has no usable access_token and expires_in (${token.error.issues[0]!.path.join(".")}: ${token.error.issues[0]!.message})`,
          ),
        );
    }
  }

  /** Runs one SDK operation, turning its failures into a TenantReadError that says what to do. */
  private async call<T>(endpoint: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      const error = this.fatal ?? readError(e, endpoint, this.settings, this.options.maxRetries);
      // One failed call fails the read: the calls still in flight are aborted (a client gone since the list is not a failure).
      if (!(e instanceof ManagementError && e.statusCode === 404)) this.end(error);
      throw error;
    }
  }
}

const tokenAnswer = z.object({
  access_token: z
    .string()
    .min(1)
    .max(16 * 1024),
  expires_in: z.number().int().positive(),
});

/** A `.cause` chain's first errno-style code (ECONNREFUSED, ENOTFOUND, a TLS verification code…). */
function causeCode(e: unknown): string | undefined {
  for (let c: unknown = e, depth = 0; c && depth < 6; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

const TLS_CODES = [
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
];

/** A clear, actionable message for each way a read can fail. */
export function readError(e: unknown, endpoint: string, settings: ReaderSettings, maxRetries: number): TenantReadError {
  if (e instanceof TenantReadError) return e;
  const origin = `https://${settings.domain}`;
  const body =
    e instanceof ManagementError
      ? (e.body as { message?: unknown; error?: unknown; error_description?: unknown; errorCode?: unknown } | undefined)
      : undefined;
  const said =
    typeof body === "object" && body
      ? String(body.message ?? body.error_description ?? body.error ?? "")
      : typeof body === "string"
        ? body
        : "";
  const isToken = e instanceof Error && e.message.startsWith("ManagementClient: token request");
  const status = e instanceof ManagementError ? e.statusCode : undefined;
  const scopes = READER_SCOPES.join(" ");
  const opts = { cause: e };
  if (
    e instanceof ManagementTimeoutError ||
    status === 408 ||
    (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError"))
  )
    return new TenantReadError(
      `no answer from ${origin} for ${isToken ? "the token request" : endpoint} in time: check the network, or try again`,
      opts,
    );
  if (isToken && status !== undefined) {
    if (status === 401 || status === 400)
      return new TenantReadError(
        `Auth0 refused the reader's client assertion at ${origin}/oauth/token (${status}${said ? `: ${excerpt(said)}` : ""}): check that ${settings.clientId} is the application's client id and that the private key's public half is one of its credentials (with algorithm ${settings.alg})`,
        opts,
      );
    if (status === 403)
      return new TenantReadError(
        `Auth0 will not give ${settings.clientId} a Management API token (403${said ? `: ${excerpt(said)}` : ""}): authorise the application for the Auth0 Management API (Dashboard → Applications → APIs → Auth0 Management API → Machine to Machine Applications) with the read scopes ${scopes}`,
        opts,
      );
    if (status === 429)
      return new TenantReadError(
        `${origin}/oauth/token answered 429 Too Many Requests: the tenant's token quota is spent; try again later`,
        opts,
      );
    return new TenantReadError(`${origin}/oauth/token answered ${status}${said ? ` (${excerpt(said)})` : ""}`, opts);
  }
  if (status === 401)
    return new TenantReadError(
      `Auth0 refused the reader's token for ${endpoint} (401${said ? `: ${excerpt(said)}` : ""}): the token is not valid for ${origin}/api/v2/; check the domain`,
      opts,
    );
  if (status === 403) {
    const wanted =
      /expected any of: ([\w:, ]+)/.exec(said)?.[1]?.split(",")[0]?.trim() ??
      READER_SCOPES.find((s) => endpoint.includes(s.split(":")[1]!.replace(/_/g, "-"))) ??
      "a read scope";
    return new TenantReadError(
      `the reader's application ${settings.clientId} lacks the Management API scope ${wanted} (${endpoint} answered 403${said ? `: ${excerpt(said)}` : ""}). Grant it: Dashboard → Applications → APIs → Auth0 Management API → Machine to Machine Applications → ${settings.clientId} → ${wanted}. The reader needs only ${scopes}`,
      opts,
    );
  }
  if (status === 429)
    return new TenantReadError(
      `Auth0 kept answering 429 Too Many Requests for ${endpoint} after ${maxRetries} retries (the SDK waited as Retry-After / X-RateLimit-Reset asked): the tenant's Management API rate limit is spent by other clients too; try again later, or lower --concurrency`,
      opts,
    );
  if (status !== undefined && status >= 500)
    return new TenantReadError(
      `${endpoint} answered ${status}${said ? ` (${excerpt(said)})` : ""} after ${maxRetries} retries: Auth0 is failing; try again later`,
      opts,
    );
  if (status !== undefined) return new TenantReadError(`${endpoint} answered ${status}${said ? `: ${excerpt(said)}` : ""}`, opts);
  const code = causeCode(e);
  if (code === "ECONNREFUSED")
    return new TenantReadError(
      `cannot connect to ${origin} (connection refused): is the tenant's domain right${settings.domain.startsWith("localhost") || settings.domain.startsWith("127.") ? ", and is `npm run tenant:local` running" : ""}?`,
      opts,
    );
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return new TenantReadError(`cannot resolve ${settings.domain} (${code}): check the domain (auth0:domain or --domain)`, opts);
  if (code && TLS_CODES.includes(code))
    return new TenantReadError(
      `${origin} presented a certificate this process does not trust (${code})${settings.domain.startsWith("localhost") || settings.domain.startsWith("127.") ? ": for the local tenant, start the command with NODE_EXTRA_CA_CERTS=<the local CA> (the import and drift commands do this for --local)" : ""}`,
      opts,
    );
  return new TenantReadError(
    `reading ${endpoint} from ${origin} failed: ${e instanceof Error ? e.message : String(e)}${code ? ` (${code})` : ""}`,
    opts,
  );
}
