import type * as auth0 from "@pulumi/auth0";
import type { ApiSpec } from "../spec";
import { child, COMPONENT_TYPES, ref, RESOURCE_TYPES, type ComponentAddress, type DesiredResource, type Ref } from "./desired";

export interface ApiModel {
  kind: "api";
  key: string;
  component: ComponentAddress;
  resourceServer: DesiredResource<typeof RESOURCE_TYPES.ResourceServer, auth0.ResourceServerArgs & { identifier: string }>;
  /** All scopes of the API in one resource, so scope edits never race. */
  scopes: DesiredResource<
    typeof RESOURCE_TYPES.ResourceServerScopes,
    Omit<auth0.ResourceServerScopesArgs, "resourceServerIdentifier" | "scopes"> & {
      resourceServerIdentifier: Ref;
      scopes: { name: string; description: string }[];
    }
  >;
}

export function apiModel(api: ApiSpec, protect: boolean): ApiModel {
  const component = { type: COMPONENT_TYPES.Api, name: api.key };
  return {
    kind: "api",
    key: api.key,
    component,
    resourceServer: child(RESOURCE_TYPES.ResourceServer, api.key, component, protect, {
      identifier: api.identifier,
      name: api.name,
      signingAlg: api.signingAlg,
      tokenLifetime: api.tokenLifetime,
      tokenLifetimeForWeb: api.tokenLifetimeForWeb,
      allowOfflineAccess: api.allowOfflineAccess,
      skipConsentForVerifiableFirstPartyClients: api.skipConsentForVerifiableFirstPartyClients,
    }),
    scopes: child(RESOURCE_TYPES.ResourceServerScopes, api.key, component, protect, {
      resourceServerIdentifier: ref(RESOURCE_TYPES.ResourceServer, api.key, "identifier"),
      scopes: Object.entries(api.scopes).map(([name, description]) => ({ name, description })),
    }),
  };
}
