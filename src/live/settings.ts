import { createPrivateKey } from "node:crypto";
import { readRegularFile } from "../config/regular-file";
import { TenantReadError } from "../errors";

/** Algorithms a private_key_jwt credential can have (and so the reader's assertion). */
export { CREDENTIAL_ALGORITHMS as ASSERTION_ALGS, type CredentialAlgorithm as AssertionAlg } from "../algorithms";
import { CREDENTIAL_ALGORITHMS as ASSERTION_ALGS, type CredentialAlgorithm as AssertionAlg } from "../algorithms";

/**
 * How the reader authenticates: the same settings the provider uses (private_key_jwt), so a previewer or deployer
 * configured for `pulumi preview` can read the tenant too. No client secret is ever accepted.
 */
export interface ReaderSettings {
  /** The tenant's domain (`auth0:domain`), or `localhost:<port>` for the local tenant. */
  domain: string;
  clientId: string;
  /** PKCS#8 PEM (a PKCS#1 key is converted; the `auth0` SDK imports PKCS#8 only). */
  privateKey: string;
  alg: AssertionAlg;
}

export interface SettingSources {
  /** `--domain`, else `auth0:domain` of the stack. */
  domain?: string;
  /** `--client-id`, else AUTH0_CLIENT_ID, else the stack's `auth0:clientId`. */
  clientId?: string;
  /** `--key-file <pem>`, else AUTH0_CLIENT_ASSERTION_PRIVATE_KEY (the PEM itself). */
  keyFile?: string;
  /** Stack config values (`auth0:domain`, `auth0:clientId`, `auth0:clientAssertionSigningAlg`). */
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
}

const configString = (config: Record<string, unknown> | undefined, key: string) =>
  typeof config?.[key] === "string" ? (config[key] as string) : undefined;

/** Resolves the reader's settings from flags, the environment and the stack's config; names what is missing. */
export async function readerSettings(sources: SettingSources): Promise<ReaderSettings> {
  const env = sources.env ?? process.env;
  const domain = sources.domain ?? configString(sources.config, "auth0:domain") ?? env.AUTH0_DOMAIN;
  const clientId = sources.clientId ?? env.AUTH0_CLIENT_ID ?? configString(sources.config, "auth0:clientId");
  let pem: string | undefined;
  if (sources.keyFile) {
    try {
      pem = await readRegularFile(sources.keyFile);
    } catch (e) {
      throw new TenantReadError(`--key-file ${sources.keyFile}: ${(e as Error).message}`);
    }
  } else pem = env.AUTH0_CLIENT_ASSERTION_PRIVATE_KEY;
  const missing = [
    ...(domain ? [] : ["the tenant's domain (--domain, or auth0:domain in the stack file)"]),
    ...(clientId ? [] : ["the reader's client id (--client-id, AUTH0_CLIENT_ID, or auth0:clientId)"]),
    ...(pem ? [] : ["its private key (--key-file <pem>, or AUTH0_CLIENT_ASSERTION_PRIVATE_KEY)"]),
  ];
  if (missing.length > 0) throw new TenantReadError(`cannot read the tenant: missing ${missing.join("; ")}`);
  const alg = env.AUTH0_CLIENT_ASSERTION_SIGNING_ALG ?? configString(sources.config, "auth0:clientAssertionSigningAlg") ?? "RS256";
  if (!(ASSERTION_ALGS as readonly string[]).includes(alg))
    throw new TenantReadError(`client assertion signing algorithm ${JSON.stringify(alg)} (allowed: ${ASSERTION_ALGS.join(", ")})`);
  return {
    domain: domain!,
    clientId: clientId!,
    privateKey: pkcs8(pem!, sources.keyFile ?? "AUTH0_CLIENT_ASSERTION_PRIVATE_KEY"),
    alg: alg as AssertionAlg,
  };
}

/** The key as PKCS#8 PEM (what the SDK's jose importPKCS8 takes); a public key or anything else is refused by name. */
export function pkcs8(pem: string, where: string): string {
  if (!/-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/.test(pem)) {
    throw new TenantReadError(
      `${where}: not a PEM private key (the reader signs its client assertions with the private key of its credential)`,
    );
  }
  try {
    return createPrivateKey(pem).export({ type: "pkcs8", format: "pem" }).toString();
  } catch (e) {
    throw new TenantReadError(`${where}: the private key cannot be read (${(e as Error).message})`);
  }
}
