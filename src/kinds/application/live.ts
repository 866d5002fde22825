import { dict } from "../../dict";
import type { ClientRecord, CredentialRecord } from "../../live/records";

export interface LiveCredential {
  id: string;
  name: string;
  /** Auth0's key id: the public key's RFC 7638 thumbprint unless a kid was chosen when it was uploaded. */
  kid: string;
  alg: string;
  type: string;
  createdAt?: string;
  expiresAt?: string;
  /** Listed in the client's private_key_jwt credentials: only an attached credential can authenticate. */
  attached: boolean;
}

export interface LiveClient {
  clientId: string;
  name: string;
  description?: string;
  appType?: string;
  isFirstParty: boolean;
  oidcConformant: boolean;
  grantTypes: string[];
  callbacks: string[];
  allowedLogoutUrls: string[];
  webOrigins: string[];
  metadata: Record<string, string>;
  jwtAlg?: string;
  /** How it authenticates at the token endpoint: private_key_jwt, or a secret method, or none. */
  authMethod: string;
  credentials: LiveCredential[];
}

export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export function liveClient(c: ClientRecord, credentials: CredentialRecord[]): LiveClient {
  const attached = new Set((c.client_authentication_methods?.private_key_jwt?.credentials ?? []).map((x) => x.id));
  const metadata = dict(Object.entries(c.client_metadata ?? {}));
  return {
    clientId: c.client_id,
    name: c.name ?? "",
    ...(c.description !== undefined && c.description !== "" ? { description: c.description } : {}),
    ...(c.app_type ? { appType: c.app_type } : {}),
    isFirstParty: c.is_first_party ?? true,
    oidcConformant: c.oidc_conformant ?? false,
    grantTypes: strings(c.grant_types),
    callbacks: strings(c.callbacks),
    allowedLogoutUrls: strings(c.allowed_logout_urls),
    webOrigins: strings(c.web_origins),
    metadata,
    ...(c.jwt_configuration?.alg ? { jwtAlg: c.jwt_configuration.alg } : {}),
    authMethod: attached.size > 0 ? "private_key_jwt" : (c.token_endpoint_auth_method ?? "client_secret_post"),
    credentials: credentials.map((r) => ({
      id: r.id,
      name: r.name ?? "",
      kid: r.kid ?? "",
      alg: r.alg ?? "RS256",
      type: r.credential_type ?? "public_key",
      ...(r.created_at ? { createdAt: r.created_at } : {}),
      ...(r.expires_at ? { expiresAt: new Date(r.expires_at).toISOString() } : {}),
      attached: attached.has(r.id),
    })),
  };
}
