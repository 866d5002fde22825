import { ManagementClient, ManagementError, ManagementTimeoutError } from "auth0";
import { TenantReadError } from "../errors";
import { excerpt } from "../excerpt";
import type { ReaderSettings } from "./settings";

/**
 * The Management API reader: the official `auth0` SDK's ManagementClient (v7), authenticating with private_key_jwt,
 * with read scopes only. It pages through every list (100 a page), lets the SDK retry 429s and 5xx with its own
 * backoff (Retry-After, else X-RateLimit-Reset, else 1 s·2^n; `maxRetries` retries per request), bounds how many
 * per-client calls run at once, counts every call by endpoint, and turns Auth0's refusals into messages that say
 * what to do.
 */

/** The Management API scopes the reader needs, and nothing more. */
export const READER_SCOPES = [
  "read:clients",
  "read:client_credentials",
  "read:client_grants",
  "read:resource_servers",
  "read:actions",
] as const;

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
    .replace(/^(\/api\/v2\/(client-grants|resource-servers|actions\/actions)\/)[^/]+/, "$1{id}")
    .replace(/^(\/api\/v2\/actions\/triggers\/)[^/]+/, "$1{trigger}");
  return `${method.toUpperCase()} ${path}`;
}

/** Live Management API records, as the SDK returns them (only the fields this project reads are typed). */
export interface ClientRecord {
  client_id: string;
  name?: string;
  description?: string;
  app_type?: string;
  is_global?: boolean;
  is_first_party?: boolean;
  oidc_conformant?: boolean;
  grant_types?: string[];
  callbacks?: string[];
  allowed_logout_urls?: string[];
  web_origins?: string[];
  client_metadata?: Record<string, unknown>;
  jwt_configuration?: { alg?: string };
  token_endpoint_auth_method?: string;
  client_authentication_methods?: { private_key_jwt?: { credentials?: { id: string }[] } } | null;
  [k: string]: unknown;
}
export interface CredentialRecord {
  id: string;
  name?: string;
  kid?: string;
  alg?: string;
  credential_type?: string;
  created_at?: string;
  expires_at?: string;
}
export interface GrantRecord {
  id: string;
  client_id?: string;
  audience: string;
  scope?: string[];
  subject_type?: string;
}
export interface ResourceServerRecord {
  id: string;
  identifier: string;
  name?: string;
  is_system?: boolean;
  signing_alg?: string;
  token_lifetime?: number;
  token_lifetime_for_web?: number;
  allow_offline_access?: boolean;
  skip_consent_for_verifiable_first_party_clients?: boolean;
  scopes?: { value: string; description?: string }[];
}
export interface ActionRecord {
  id: string;
  name: string;
  code?: string;
  runtime?: string;
  supported_triggers?: { id: string; version?: string }[];
  dependencies?: { name: string; version?: string }[];
  secrets?: { name: string }[];
  deployed_version?: {
    id?: string;
    code?: string;
    runtime?: string;
    deployed?: boolean;
    dependencies?: { name: string; version?: string }[];
  };
  all_changes_deployed?: boolean;
  integration?: unknown;
  installed_integration_id?: string;
}
export interface BindingRecord {
  id?: string;
  trigger_id?: string;
  display_name?: string;
  action?: { id?: string; name?: string };
}

export class TenantReader {
  readonly stats: CallStats = { total: 0, byEndpoint: {}, byStatus: {}, busyMs: 0 };
  readonly settings: ReaderSettings;
  private readonly client: ManagementClient;
  private readonly options: Required<Pick<ReaderOptions, "concurrency" | "perPage" | "maxRetries" | "timeoutSeconds">> & ReaderOptions;
  private inFlight = 0;
  private busySince = 0;
  private lastProgress = 0;

  constructor(settings: ReaderSettings, options: ReaderOptions = {}) {
    this.settings = settings;
    this.options = {
      ...options,
      concurrency: Math.max(1, Math.min(MAX_CONCURRENCY, options.concurrency ?? MAX_CONCURRENCY)),
      perPage: Math.max(1, Math.min(100, options.perPage ?? DEFAULT_PER_PAGE)),
      maxRetries: options.maxRetries ?? 2,
      timeoutSeconds: options.timeoutSeconds ?? 20,
    };
    this.client = new ManagementClient({
      domain: settings.domain,
      clientId: settings.clientId,
      clientAssertionSigningKey: settings.privateKey,
      clientAssertionSigningAlg: settings.alg,
      maxRetries: this.options.maxRetries,
      timeoutInSeconds: this.options.timeoutSeconds,
      fetch: this.countingFetch(options.fetch ?? globalThis.fetch),
    });
  }

  /** Every client (paged), the legacy global client ("All Applications") left out; `fields` limits what each carries. */
  async clients(fields?: string[]): Promise<ClientRecord[]> {
    const out: ClientRecord[] = [];
    const select = fields ? { fields: fields.join(","), include_fields: true } : {};
    await this.call("GET /api/v2/clients", async () => {
      for await (const c of await this.client.clients.list(
        { per_page: this.options.perPage, is_global: false, ...select },
        this.request(),
      )) {
        out.push(c as ClientRecord);
        this.tick(`clients ${out.length}`);
      }
    });
    return out;
  }

  /** One client's credentials (one call: the endpoint answers every credential in a bare array, unpaged). */
  async credentials(clientId: string): Promise<CredentialRecord[]> {
    return this.call(
      "GET /api/v2/clients/{id}/credentials",
      async () => (await this.client.clients.credentials.list(clientId, this.request())) as CredentialRecord[],
    );
  }

  /** The credentials of many clients, at most `concurrency` calls in flight; a client that no longer exists is left out. */
  async credentialsOf(clientIds: string[]): Promise<Map<string, CredentialRecord[]>> {
    const out = new Map<string, CredentialRecord[]>();
    let next = 0;
    const worker = async () => {
      while (next < clientIds.length) {
        const id = clientIds[next++]!;
        const found = await this.credentials(id).catch((e: unknown) => {
          if ((e as { cause?: unknown }).cause instanceof ManagementError && (e as { cause: ManagementError }).cause.statusCode === 404)
            return undefined;
          throw e;
        });
        if (found) out.set(id, found);
        this.tick(`credentials ${out.size}/${clientIds.length}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, clientIds.length) }, worker));
    return out;
  }

  /** Every client grant (checkpoint paging, as the SDK does it). */
  async grants(): Promise<GrantRecord[]> {
    const out: GrantRecord[] = [];
    await this.call("GET /api/v2/client-grants", async () => {
      for await (const g of await this.client.clientGrants.list({ take: this.options.perPage }, this.request())) {
        out.push(g as GrantRecord);
        this.tick(`grants ${out.length}`);
      }
    });
    return out;
  }

  async resourceServers(): Promise<ResourceServerRecord[]> {
    const out: ResourceServerRecord[] = [];
    await this.call("GET /api/v2/resource-servers", async () => {
      for await (const rs of await this.client.resourceServers.list({ per_page: this.options.perPage }, this.request()))
        out.push(rs as ResourceServerRecord);
    });
    return out;
  }

  async actions(): Promise<ActionRecord[]> {
    const out: ActionRecord[] = [];
    await this.call("GET /api/v2/actions/actions", async () => {
      for await (const a of await this.client.actions.list({ per_page: this.options.perPage }, this.request())) out.push(a as ActionRecord);
    });
    return out;
  }

  /** A trigger's bindings, in execution order. */
  async bindings(trigger: string): Promise<BindingRecord[]> {
    const out: BindingRecord[] = [];
    await this.call(`GET /api/v2/actions/triggers/{trigger}/bindings`, async () => {
      const page = await this.client.actions.triggers.bindings.list(trigger as never, { per_page: this.options.perPage }, this.request());
      for await (const b of page) out.push(b as BindingRecord);
    });
    return out;
  }

  /** Ends the progress line (if one was drawn). */
  done(): void {
    if (this.lastProgress > 0) this.options.progress?.("");
    this.lastProgress = 0;
  }

  private request() {
    return this.options.signal ? { abortSignal: this.options.signal } : {};
  }

  private tick(what: string) {
    const now = Date.now();
    if (!this.options.progress || now - this.lastProgress < 100) return;
    this.lastProgress = now;
    this.options.progress(`reading ${this.settings.domain}: ${what} (${this.stats.total} calls)`);
  }

  /** The fetch the SDK calls (token requests included): counts each call and reads the body inside the call's time. */
  private countingFetch(inner: typeof fetch): typeof fetch {
    return async (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      const method = init?.method ?? (typeof input === "object" && "method" in input ? input.method : "GET");
      const endpoint = endpointOf(method, url);
      this.stats.total++;
      this.stats.byEndpoint[endpoint] = (this.stats.byEndpoint[endpoint] ?? 0) + 1;
      if (this.inFlight++ === 0) this.busySince = performance.now();
      try {
        const response = await inner(input, init);
        const body = await response.arrayBuffer();
        this.stats.byStatus[response.status] = (this.stats.byStatus[response.status] ?? 0) + 1;
        return new Response(response.status === 204 ? null : body, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
      } finally {
        if (--this.inFlight === 0) this.stats.busyMs += performance.now() - this.busySince;
      }
    };
  }

  /** Runs one SDK operation, turning its failures into a TenantReadError that says what to do. */
  private async call<T>(endpoint: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      throw readError(e, endpoint, this.settings, this.options.maxRetries);
    }
  }
}

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
