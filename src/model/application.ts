import type * as auth0 from "@pulumi/auth0";
import type { ApplicationSpec, CredentialSpec, M2MApplicationSpec, WebApplicationSpec } from "../spec";
import { COMPONENT_TYPES, ref, RESOURCE_TYPES, type ComponentAddress, type DesiredResource, type Ref } from "./desired";

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
  return app.type === "m2m" ? m2mModel(app, protect) : webModel(app, protect);
}

function m2mModel(app: M2MApplicationSpec, protect: boolean): ApplicationModel {
  const component = { type: COMPONENT_TYPES.PrivateKeyJwtApplication, name: app.key };
  const clientId = ref(RESOURCE_TYPES.Client, app.key, "clientId");
  return {
    component,
    client: {
      type: RESOURCE_TYPES.Client,
      name: app.key,
      parent: component,
      protect,
      dependsOn: [],
      inputs: {
        name: app.name,
        description: app.description ?? DEFAULT_DESCRIPTION,
        appType: "non_interactive",
        grantTypes: ["client_credentials"],
        oidcConformant: true,
        isFirstParty: true,
        clientMetadata: app.metadata,
        jwtConfiguration: { alg: "RS256" },
      },
    },
    credentials: credentialsResource(app.key, app.credentials, component, protect),
    grants: Object.entries(app.grants).map(([apiKey, scopes]) => ({
      apiKey,
      resource: {
        type: RESOURCE_TYPES.ClientGrant,
        name: grantName(app.key, apiKey),
        parent: component,
        protect,
        dependsOn: [{ type: RESOURCE_TYPES.ResourceServerScopes, name: apiKey }],
        inputs: { clientId, audience: ref(RESOURCE_TYPES.ResourceServer, apiKey, "identifier"), scopes },
      },
    })),
  };
}

function webModel(app: WebApplicationSpec, protect: boolean): ApplicationModel {
  const component = { type: COMPONENT_TYPES.RegularWebApplication, name: app.key };
  return {
    component,
    client: {
      type: RESOURCE_TYPES.Client,
      name: app.key,
      parent: component,
      protect,
      dependsOn: [],
      inputs: {
        name: app.name,
        description: app.description ?? DEFAULT_DESCRIPTION,
        appType: "regular_web",
        grantTypes: ["authorization_code", "refresh_token"],
        oidcConformant: true,
        isFirstParty: true,
        callbacks: app.callbacks,
        allowedLogoutUrls: app.allowedLogoutUrls,
        webOrigins: app.webOrigins,
        clientMetadata: app.metadata,
        jwtConfiguration: { alg: "RS256" },
      },
    },
    ...(app.credentials ? { credentials: credentialsResource(app.key, app.credentials, component, protect) } : {}),
    grants: [],
  };
}

/** All of an app's keys in one resource: Auth0 holds at most two, and rotation edits this list only. */
function credentialsResource(
  appKey: string,
  credentials: CredentialSpec[],
  component: ComponentAddress,
  protect: boolean,
): DesiredResource<WithClientId<auth0.ClientCredentialsArgs>> {
  return {
    type: RESOURCE_TYPES.ClientCredentials,
    name: appKey,
    parent: component,
    protect,
    dependsOn: [],
    inputs: {
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
    },
  };
}
