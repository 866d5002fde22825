import { X509Certificate } from "node:crypto";
import { RESOURCE_TYPES } from "../../src/model";
import type { TenantStore } from "../../src/local-tenant/management";

/**
 * What terraform-provider-auth0 v1.53.0 reads for a resource imported by id (its importers and Read/flatten
 * functions; /work/notes/provider-facts.md A2), in the provider's input names, from the local tenant's store. Never
 * read back: a credential's PEM (Auth0 does not return key material), an action's secret values and its `deploy`
 * flag (flattenAction sets neither).
 */
export function importedState(store: TenantStore, type: string, id: string): Record<string, unknown> | undefined {
  switch (type) {
    case RESOURCE_TYPES.Client: {
      const c = store.clients.get(id);
      if (!c) return undefined;
      const jwt = (c.jwt_configuration ?? {}) as { alg?: string; lifetime_in_seconds?: number; secret_encoded?: boolean };
      return {
        clientId: c.client_id,
        name: c.name,
        description: (c.description as string | undefined) ?? "",
        appType: c.app_type,
        isFirstParty: c.is_first_party,
        oidcConformant: c.oidc_conformant,
        grantTypes: c.grant_types,
        callbacks: c.callbacks ?? [],
        allowedLogoutUrls: c.allowed_logout_urls ?? [],
        webOrigins: c.web_origins ?? [],
        clientMetadata: c.client_metadata ?? {},
        jwtConfiguration: { alg: jwt.alg, lifetimeInSeconds: jwt.lifetime_in_seconds, secretEncoded: jwt.secret_encoded },
      };
    }
    case RESOURCE_TYPES.ClientCredentials: {
      if (!store.clients.has(id)) return undefined;
      const attached = store.privateKeyJwtCredentials(id);
      return {
        clientId: id,
        authenticationMethod: attached.length > 0 ? "private_key_jwt" : store.clients.get(id)!.token_endpoint_auth_method,
        privateKeyJwt: {
          credentials: attached.map((c) => ({
            id: c.record.id,
            name: c.record.name,
            keyId: c.record.kid,
            credentialType: c.record.credential_type,
            algorithm: c.record.alg,
            pem: "",
            ...(c.record.expires_at ? { expiresAt: c.record.expires_at } : {}),
            configured: c.record.expires_at ? ["expiresAt"] : [],
          })),
        },
      };
    }
    case RESOURCE_TYPES.ClientGrant: {
      const g = store.grants.get(id);
      return g && { clientId: g.client_id, audience: g.audience, scopes: [...(g.scope ?? [])].sort() };
    }
    case RESOURCE_TYPES.ResourceServer: {
      const rs = store.resourceServers.get(id);
      return (
        rs && {
          identifier: rs.identifier,
          name: rs.name,
          signingAlg: rs.signing_alg,
          tokenLifetime: rs.token_lifetime,
          tokenLifetimeForWeb: rs.token_lifetime_for_web,
          allowOfflineAccess: rs.allow_offline_access,
          skipConsentForVerifiableFirstPartyClients: rs.skip_consent_for_verifiable_first_party_clients,
        }
      );
    }
    case RESOURCE_TYPES.ResourceServerScopes: {
      const rs = store.resourceServerByIdentifier(id);
      return (
        rs && {
          resourceServerIdentifier: rs.identifier,
          scopes: (rs.scopes ?? []).map((s) => ({ name: s.value, description: s.description ?? "" })),
        }
      );
    }
    case RESOURCE_TYPES.Action: {
      const a = store.actions.get(id);
      const t = a?.supported_triggers[0];
      return (
        a &&
        t && {
          name: a.name,
          code: a.code,
          runtime: a.runtime,
          supportedTriggers: { id: t.id, version: t.version },
          deploy: false,
          versionId: a.deployedVersionId,
        }
      );
    }
    case RESOURCE_TYPES.TriggerActions: {
      const bindings = store.bindings.get(id);
      return bindings && bindings.length > 0
        ? { trigger: id, actions: bindings.map((b) => ({ displayName: b.display_name, id: b.action_id })) }
        : undefined;
    }
    default:
      return undefined;
  }
}

/** A credential's PEM → its certificate's notAfter, for comparing effective expiries. */
export const certificateNotAfter = (pem: string) =>
  pem.includes("CERTIFICATE") ? new Date(new X509Certificate(pem).validTo).toISOString() : undefined;
