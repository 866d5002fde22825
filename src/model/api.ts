import type * as auth0 from "@pulumi/auth0";
import type { ApiSpec } from "../spec";
import { COMPONENT_TYPES, ref, RESOURCE_TYPES, type ComponentAddress, type DesiredResource, type Ref } from "./desired";

export interface ApiModel {
  component: ComponentAddress;
  resourceServer: DesiredResource<auth0.ResourceServerArgs & { identifier: string }>;
  scopes: DesiredResource<Omit<auth0.ResourceServerScopesArgs, "resourceServerIdentifier"> & { resourceServerIdentifier: Ref }>;
}

export function apiModel(api: ApiSpec, protect: boolean): ApiModel {
  const component = { type: COMPONENT_TYPES.Api, name: api.key };
  return {
    component,
    resourceServer: {
      type: RESOURCE_TYPES.ResourceServer,
      name: api.key,
      parent: component,
      protect,
      dependsOn: [],
      inputs: {
        identifier: api.identifier,
        name: api.name,
        signingAlg: api.signingAlg,
        tokenLifetime: api.tokenLifetime,
        allowOfflineAccess: api.allowOfflineAccess,
        skipConsentForVerifiableFirstPartyClients: api.skipConsentForVerifiableFirstPartyClients,
      },
    },
    scopes: {
      type: RESOURCE_TYPES.ResourceServerScopes,
      name: api.key,
      parent: component,
      protect,
      dependsOn: [],
      inputs: {
        resourceServerIdentifier: ref(RESOURCE_TYPES.ResourceServer, api.key, "identifier"),
        scopes: Object.entries(api.scopes).map(([name, description]) => ({ name, description })),
      },
    },
  };
}
