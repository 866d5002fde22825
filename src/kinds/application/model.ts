import type * as auth0 from "@pulumi/auth0";
import { dict } from "../../dict";
import { assertNever } from "../../errors";
import { fingerprintOf, type CredentialFingerprint } from "../../rotation/fingerprints";
import type { CredentialSpec } from "../../spec/credentials";
import type { KindModel, ModelInput } from "../kind-model";
import type { ApplicationSpec } from "./spec";
import {
  afterDeploy,
  child,
  COMPONENT_TYPES,
  DEFAULT_DESCRIPTION,
  ref,
  RESOURCE_TYPES,
  type AfterDeploy,
  type ComponentAddress,
  type DesiredResource,
  type Ref,
} from "../../model/desired";
import { providerTime } from "../../model/provider-form";
import { grantResource, type GrantResource } from "../grant/model";

type WithClientId<T> = Omit<T, "clientId"> & { clientId: Ref };

export type ClientResource = DesiredResource<typeof RESOURCE_TYPES.Client, auth0.ClientArgs>;
export type CredentialsResource = DesiredResource<typeof RESOURCE_TYPES.ClientCredentials, WithClientId<auth0.ClientCredentialsArgs>>;

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

export { DEFAULT_DESCRIPTION } from "../../model/desired";

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
      resource: grantResource(app.key, clientId, apiKey, scopes, component, protect),
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

export const applicationKindModel = {
  build: (spec: { applications: Record<string, ApplicationSpec> }, { protect }: ModelInput) => ({
    applications: dict(Object.values(spec.applications).map((a) => [a.key, applicationModel(a, protect)])),
  }),
  components: (m) => Object.values(m.applications),
  resources: (c) => {
    const out: DesiredResource[] = [c.client];
    if (c.credentials) out.push(c.credentials);
    for (const g of c.grants) out.push(g.resource);
    return out;
  },
  /**
   * The rotation guard reads `credentials` back on the next deployment as "what is deployed", so it is written only
   * once the app's ClientCredentials resource was deployed (AfterDeploy).
   */
  outputs: (m) => ({
    applications: dict(
      Object.values(m.applications).map((a) => [
        a.key,
        {
          type: a.appType as string,
          clientId: ref(RESOURCE_TYPES.Client, a.key, "clientId"),
          credentials: a.credentials ? afterDeploy(ref(RESOURCE_TYPES.ClientCredentials, a.key, "id"), a.fingerprints) : [],
        } as { type: string; clientId: Ref; credentials: CredentialFingerprint[] | AfterDeploy },
      ]),
    ),
  }),
} satisfies KindModel<ApplicationModel, { applications: Record<string, ApplicationModel> }>;
