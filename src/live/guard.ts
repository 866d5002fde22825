import { TenantReadError } from "../errors";
import { dict } from "../dict";
import type { PreviousCredentials } from "../rotation/fingerprints";
import type { ReaderOptions } from "./reader";
import { ASSERTION_ALGS, pkcs8, type AssertionAlg, type ReaderSettings } from "./settings";

/**
 * The live rotation guard: what each application's credentials are in Auth0 right now (by kid, Auth0's RFC 7638
 * thumbprint of the key), as the PreviousCredentials the rotation rules check a step against. Used by the program
 * during preview/up when the provider's own settings are at hand, and by `npm run plan -- --live`.
 */

/** Which source the rotation guard checked against. */
export interface GuardSource {
  kind: "live" | "outputs" | "off";
  /** For people: e.g. "the credentials acme.eu.auth0.com holds (3 applications)". */
  description: string;
}

/** The whole live read is cut off after this long: a preview must not hang on a network problem. */
export const LIVE_GUARD_TIMEOUT_MS = 30_000;

/**
 * The provider's settings, if the program can reach the Management API with them: `auth0:domain` (or AUTH0_DOMAIN),
 * `auth0:clientId` (or AUTH0_CLIENT_ID) and the private key (AUTH0_CLIENT_ASSERTION_PRIVATE_KEY, or the secret
 * config auth0:clientAssertionPrivateKey). Undefined when any is missing (the outputs guard applies then).
 */
export function providerSettings(
  config: (key: string) => string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ReaderSettings | undefined {
  const domain = config("auth0:domain") ?? env.AUTH0_DOMAIN;
  const clientId = env.AUTH0_CLIENT_ID ?? config("auth0:clientId");
  const key = env.AUTH0_CLIENT_ASSERTION_PRIVATE_KEY ?? config("auth0:clientAssertionPrivateKey");
  if (!domain || !clientId || !key) return undefined;
  const alg = env.AUTH0_CLIENT_ASSERTION_SIGNING_ALG ?? config("auth0:clientAssertionSigningAlg") ?? "RS256";
  if (!(ASSERTION_ALGS as readonly string[]).includes(alg))
    throw new TenantReadError(`client assertion signing algorithm ${JSON.stringify(alg)} (allowed: ${ASSERTION_ALGS.join(", ")})`);
  return { domain, clientId, privateKey: pkcs8(key, "the provider's private key"), alg: alg as AssertionAlg };
}

/**
 * The attached credentials Auth0 holds for each application whose client id is known (from the last deployment's
 * outputs or the spec's adopt:): one paged list of clients (only their attached credential ids) and one credentials
 * call per application, all within LIVE_GUARD_TIMEOUT_MS. An application whose client no longer exists has none.
 */
export async function liveCredentials(
  settings: ReaderSettings,
  clientIds: Record<string, string>,
  options: ReaderOptions & { timeoutMs?: number } = {},
): Promise<PreviousCredentials> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? LIVE_GUARD_TIMEOUT_MS);
  // The SDK is loaded only when the guard reads live: programs checked against outputs do not pay for it.
  const { TenantReader } = await import("./reader");
  const reader = new TenantReader(settings, { maxRetries: 1, timeoutSeconds: 10, ...options, signal: abort.signal });
  try {
    const wanted = new Set(Object.values(clientIds));
    const clients = (await reader.clients(["client_id", "client_authentication_methods"])).filter((c) => wanted.has(c.client_id));
    const attached = new Map(
      clients.map((c) => [c.client_id, new Set((c.client_authentication_methods?.private_key_jwt?.credentials ?? []).map((x) => x.id))]),
    );
    const credentials = await reader.credentialsOf([...attached.keys()]);
    const previous: PreviousCredentials = dict();
    for (const [app, clientId] of Object.entries(clientIds)) {
      const ids = attached.get(clientId);
      previous[app] = (credentials.get(clientId) ?? [])
        .filter((c) => ids?.has(c.id))
        .map((c) => ({
          name: c.name ?? "",
          thumbprint: c.kid ?? "",
          expiresAt: c.expires_at ? new Date(c.expires_at).toISOString() : null,
          algorithm: c.alg ?? "RS256",
        }));
    }
    return previous;
  } catch (e) {
    if (abort.signal.aborted)
      throw new TenantReadError(
        `no complete answer from https://${settings.domain} within ${Math.round((options.timeoutMs ?? LIVE_GUARD_TIMEOUT_MS) / 1000)} s`,
        { cause: e },
      );
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** Client ids of the stack's applications: the last deployment's outputs first (what is deployed), then the spec's adopt:. */
export function knownClientIds(apps: string[], adopt: Record<string, string>, deployed: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = dict();
  for (const app of apps) {
    const id = Object.hasOwn(deployed, app) ? deployed[app] : Object.hasOwn(adopt, `client/${app}`) ? adopt[`client/${app}`] : undefined;
    if (id !== undefined) out[app] = id;
  }
  return out;
}

/** Client ids by application key from `pulumi stack output --json` (its `applications` output). */
export function clientIdsFromOutputs(outputs: unknown): Record<string, string> {
  const apps = (outputs as { applications?: Record<string, { clientId?: unknown }> } | null)?.applications ?? {};
  return Object.fromEntries(Object.entries(apps).flatMap(([k, v]) => (typeof v?.clientId === "string" ? [[k, v.clientId]] : [])));
}
