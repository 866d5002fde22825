import type * as auth0 from "@pulumi/auth0";
import type { ApplicationSpec, CredentialSpec } from "../spec";
import { child, COMPONENT_TYPES, ref, RESOURCE_TYPES, type ComponentAddress, type DesiredResource, type Ref } from "./desired";

type WithClientId<T> = Omit<T, "clientId"> & { clientId: Ref };

export interface ApplicationModel {
  component: ComponentAddress;
  client: DesiredResource<auth0.ClientArgs>;
  credentials?: DesiredResource<WithClientId<auth0.ClientCredentialsArgs>>;
  grants: { apiKey: string; resource: DesiredResource<Omit<WithClientId<auth0.ClientGrantArgs>, "audience"> & { audience: Ref }> }[];
}

/** The provider fills in "Managed by Pulumi" when no description is given; we say it ourselves so the plan shows it. */
export const DEFAULT_DESCRIPTION = "Managed by Pulumi";

/** Logical name of an app's grant on one API; `/` cannot appear in keys, so names never collide. */
export const grantName = (appKey: string, apiKey: string) => `${appKey}/${apiKey}`;

export function applicationModel(app: ApplicationSpec, protect: boolean): ApplicationModel {
  const component = {
    type: app.type === "m2m" ? COMPONENT_TYPES.PrivateKeyJwtApplication : COMPONENT_TYPES.RegularWebApplication,
    name: app.key,
  };
  const byType: auth0.ClientArgs =
    app.type === "m2m"
      ? { appType: "non_interactive", grantTypes: ["client_credentials"] }
      : {
          appType: "regular_web",
          grantTypes: ["authorization_code", "refresh_token"],
          callbacks: app.callbacks,
          allowedLogoutUrls: app.allowedLogoutUrls,
          webOrigins: app.webOrigins,
        };
  const clientId = ref(RESOURCE_TYPES.Client, app.key, "clientId");
  return {
    component,
    client: child(RESOURCE_TYPES.Client, app.key, component, protect, {
      name: app.name,
      description: app.description ?? DEFAULT_DESCRIPTION,
      ...byType,
      oidcConformant: true,
      isFirstParty: true,
      clientMetadata: app.metadata,
      jwtConfiguration: { alg: "RS256" },
    }),
    ...(app.credentials ? { credentials: credentialsResource(app.key, app.credentials, component, protect) } : {}),
    grants:
      app.type === "m2m"
        ? Object.entries(app.grants).map(([apiKey, scopes]) => ({
            apiKey,
            resource: child(
              RESOURCE_TYPES.ClientGrant,
              grantName(app.key, apiKey),
              component,
              protect,
              { clientId, audience: ref(RESOURCE_TYPES.ResourceServer, apiKey, "identifier"), scopes },
              [{ type: RESOURCE_TYPES.ResourceServerScopes, name: apiKey }],
            ),
          }))
        : [],
  };
}

/** All of an app's keys in one resource: Auth0 holds at most two, and rotation edits this list only. */
function credentialsResource(
  appKey: string,
  credentials: CredentialSpec[],
  component: ComponentAddress,
  protect: boolean,
): DesiredResource<WithClientId<auth0.ClientCredentialsArgs>> {
  return child(RESOURCE_TYPES.ClientCredentials, appKey, component, protect, {
    clientId: ref(RESOURCE_TYPES.Client, appKey, "clientId"),
    authenticationMethod: "private_key_jwt",
    privateKeyJwt: {
      credentials: credentials.map((c) => ({
        name: c.name,
        credentialType: "public_key",
        pem: c.key.pem,
        algorithm: c.algorithm,
        ...(c.expiresAt !== undefined ? { expiresAt: c.expiresAt } : {}),
        ...(c.parseExpiryFromCert ? { parseExpiryFromCert: true } : {}),
      })),
    },
  });
}
