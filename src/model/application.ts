import type * as auth0 from "@pulumi/auth0";
import { assertNever } from "../errors";
import { fingerprintOf, type CredentialFingerprint } from "../rotation/fingerprints";
import type { ApplicationSpec, CredentialSpec } from "../spec";
import {
  child,
  COMPONENT_TYPES,
  DEFAULT_DESCRIPTION,
  grantName,
  ref,
  RESOURCE_TYPES,
  type ComponentAddress,
  type DesiredResource,
  type Ref,
} from "./desired";
import { grantScopes, providerTime } from "./provider-form";

type WithClientId<T> = Omit<T, "clientId"> & { clientId: Ref };

export type ClientResource = DesiredResource<typeof RESOURCE_TYPES.Client, auth0.ClientArgs>;
export type CredentialsResource = DesiredResource<typeof RESOURCE_TYPES.ClientCredentials, WithClientId<auth0.ClientCredentialsArgs>>;
export type GrantResource = DesiredResource<
  typeof RESOURCE_TYPES.ClientGrant,
  Omit<WithClientId<auth0.ClientGrantArgs>, "audience" | "scopes"> & { audience: Ref; scopes: string[] }
>;

export interface ApplicationModel {
  kind: "application";
  key: string;
  appType: ApplicationSpec["type"];
  component: ComponentAddress;
  client: ClientResource;
  credentials?: CredentialsResource;
  grants: { apiKey: string; resource: GrantResource }[];
  /** What identifies each key (Auth0 never returns key material); exported as stack outputs. */
  fingerprints: CredentialFingerprint[];
}

export { DEFAULT_DESCRIPTION } from "./desired";

export { grantName } from "./desired";

/** What each application type is in Auth0: its component, client settings and grants. */
function byType(app: ApplicationSpec): { component: ComponentAddress["type"]; client: auth0.ClientArgs; grants: Record<string, string[]> } {
  switch (app.type) {
    case "m2m":
      return {
        component: COMPONENT_TYPES.PrivateKeyJwtApplication,
        client: { appType: "non_interactive", grantTypes: ["client_credentials"] },
        grants: app.grants,
      };
    case "regular_web":
      return {
        component: COMPONENT_TYPES.RegularWebApplication,
        client: {
          appType: "regular_web",
          grantTypes: ["authorization_code", "refresh_token"],
          callbacks: app.callbacks,
          allowedLogoutUrls: app.allowedLogoutUrls,
          webOrigins: app.webOrigins,
        },
        grants: {},
      };
    default:
      return assertNever(app, "application type");
  }
}

export function applicationModel(app: ApplicationSpec, protect: boolean): ApplicationModel {
  const kind = byType(app);
  const component = { type: kind.component, name: app.key };
  const clientId = ref(RESOURCE_TYPES.Client, app.key, "clientId");
  return {
    kind: "application",
    key: app.key,
    appType: app.type,
    component,
    client: child(RESOURCE_TYPES.Client, app.key, component, protect, {
      name: app.name,
      description: app.description ?? DEFAULT_DESCRIPTION,
      ...kind.client,
      oidcConformant: true,
      isFirstParty: true,
      clientMetadata: app.metadata,
      jwtConfiguration: { alg: "RS256" },
    }),
    ...(app.credentials ? { credentials: credentialsResource(app.key, app.credentials, component, protect) } : {}),
    grants: Object.entries(kind.grants).map(([apiKey, scopes]) => ({
      apiKey,
      resource: child(
        RESOURCE_TYPES.ClientGrant,
        grantName(app.key, apiKey),
        component,
        protect,
        { clientId, audience: ref(RESOURCE_TYPES.ResourceServer, apiKey, "identifier"), scopes: grantScopes(scopes) },
        // Granted scopes exist first; a grant of no scopes may be on an API without any (so without a scopes resource).
        scopes.length > 0 ? [{ type: RESOURCE_TYPES.ResourceServerScopes, name: apiKey }] : [],
      ),
    })),
    fingerprints: (app.credentials ?? []).map(fingerprintOf),
  };
}

/** All of an app's keys in one resource: Auth0 holds at most two, and rotation edits this list only. */
function credentialsResource(
  appKey: string,
  credentials: CredentialSpec[],
  component: ComponentAddress,
  protect: boolean,
): CredentialsResource {
  return child(RESOURCE_TYPES.ClientCredentials, appKey, component, protect, {
    clientId: ref(RESOURCE_TYPES.Client, appKey, "clientId"),
    authenticationMethod: "private_key_jwt",
    privateKeyJwt: {
      credentials: credentials.map((c) => ({
        name: c.name,
        credentialType: "public_key",
        pem: c.key.pem,
        algorithm: c.algorithm,
        ...(c.expiresAt !== undefined ? { expiresAt: providerTime(c.expiresAt) } : {}),
        ...(c.parseExpiryFromCert ? { parseExpiryFromCert: true } : {}),
      })),
    },
  });
}
