import type { Server } from "node:http";
import { planStack, renderErrors, type Plan } from "../plan";
import type { Router } from "./router";
import { LocalManagementApi, type ManagementClientOption, type RateLimitOptions } from "./management";
import { listen, localServer, tenantRouter } from "./server";
import { LoginFlow } from "./login/flow";
import { corsHeaders, loginRoutes } from "./login/routes";
import type { TestUser } from "./login/users";
import { SigningKeys } from "./signing-keys";
import { ensureLocalTls, type LocalTls } from "./tls";
import { actionsHook, type CredentialsExchangeHook, type TokenEndpoint } from "./token-endpoint";

export { localClientId, localKid } from "./clients";
export { defaultTlsDir } from "./tls";

export interface LocalTenant {
  /** The origin to reach it on, e.g. `https://localhost:4010` (127.0.0.1 works too; the issuer follows the host). */
  url: string;
  /** The issuer a client reaching `url` sees: `url` with a trailing slash. */
  issuer: string;
  protocol: "https" | "http";
  /** The CA and certificate (HTTPS only): `tls.caPath` is what NODE_EXTRA_CA_CERTS points at. */
  tls?: LocalTls;
  plan: Plan;
  endpoint: TokenEndpoint;
  /** The user login (authorize, login form, code and refresh grants, userinfo, logout). */
  login: LoginFlow;
  /** The routes, so more (a local Management API) can be mounted. */
  router: Router;
  /** The Management API at `/api/v2` (its store, fault injection, rate limits, request log). */
  management: LocalManagementApi;
  close: () => Promise<void>;
}

/** Plans a stack (the same plan `pulumi up` would apply) and serves it as a token endpoint on 127.0.0.1. */
export async function startLocalTenant(options: {
  dir: string;
  stack: string;
  port?: number;
  customDomain?: string;
  /** "https" (default) with the cached local CA, or plain "http". */
  protocol?: "https" | "http";
  /** Where the CA and certificate are cached (default: defaultTlsDir(), in the user's cache directory). */
  tlsDir?: string;
  /** Replaces the bound credentials-exchange actions (tests); by default they run in the local action runtime. */
  hook?: CredentialsExchangeHook;
  actionSecrets?: Record<string, string>;
  /** Clients that may get a Management API token (private_key_jwt) with the scopes given. */
  managementClients?: readonly ManagementClientOption[];
  /** The Management API's rate limit; `enforce: true` answers 429 past it (tenant local --rate-limit). */
  rateLimit?: RateLimitOptions;
  now?: () => Date;
  /** The stack's plan, when the caller has it already (the command line plans first to report spec errors). */
  plan?: Plan;
  /** Test users who can log in to the stack's web applications (src/local-tenant/login/users.ts). */
  users?: TestUser[];
  /** Token signing keys being generated already (the command line starts them before it plans). */
  signingKeys?: Promise<SigningKeys>;
}): Promise<LocalTenant> {
  const protocol = options.protocol ?? "https";
  // Key generation and the certificate run in the thread pool while the stack is planned.
  const ready = Promise.all([
    options.signingKeys ?? SigningKeys.generate(),
    protocol === "https" ? ensureLocalTls(options.tlsDir) : Promise.resolve(undefined),
  ]);
  ready.catch(() => undefined); // awaited below; a plan error must not leave it unhandled
  const plan = options.plan ?? (await planned(options.dir, options.stack, options.now?.() ?? new Date()));
  if (!plan.domain)
    throw new Error(
      `Pulumi.${options.stack}.yaml: auth0:domain is not set (the local tenant also accepts assertions for https://<domain>/)`,
    );
  const [signingKeys, tls] = await ready;
  const management = await LocalManagementApi.create(plan, {
    domain: plan.domain,
    signingKeys,
    ...(options.managementClients ? { managementClients: options.managementClients } : {}),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const endpoint = management.tokenEndpoint(plan.spec, {
    domain: plan.domain,
    ...(options.customDomain ? { customDomain: options.customDomain } : {}),
    signingKeys,
    hook: options.hook ?? actionsHook(plan, options.actionSecrets),
    ...(options.now ? { now: options.now } : {}),
  });
  const login = new LoginFlow(plan, options.users ?? [], {
    signingKeys,
    endpoint,
    ...(options.actionSecrets ? { actionSecrets: options.actionSecrets } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const router = loginRoutes(
    tenantRouter(endpoint, (req) => corsHeaders(login, req)),
    login,
  ).mount(management.basePath, management.router);
  const server: Server = localServer(router, tls ? { tls: { key: tls.keyPem, cert: tls.certPem } } : {});
  const port = await listen(server, options.port ?? 0);
  const url = `${protocol}://localhost:${port}`;
  return {
    url,
    issuer: `${url}/`,
    protocol,
    ...(tls ? { tls } : {}),
    plan,
    endpoint,
    login,
    router,
    management,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function planned(dir: string, stack: string, now: Date): Promise<Plan> {
  const result = await planStack(dir, stack, now);
  if (!result.ok) throw new Error(renderErrors(result.source, result.errors));
  return result.plan;
}
