import type * as auth0 from "@pulumi/auth0";
import { child, grantName, ref, RESOURCE_TYPES, type ComponentAddress, type DesiredResource, type Ref } from "../../model/desired";
import { grantScopes } from "../../model/provider-form";
import type { KindModel } from "../kind-model";

export type GrantResource = DesiredResource<
  typeof RESOURCE_TYPES.ClientGrant,
  Omit<auth0.ClientGrantArgs, "clientId" | "audience" | "scopes"> & { clientId: Ref; audience: Ref; scopes: string[] }
>;

/** One client grant: the scopes of one API an application may ask for, declared inside the application's component. */
export function grantResource(
  appKey: string,
  clientId: Ref,
  apiKey: string,
  scopes: string[],
  component: ComponentAddress,
  protect: boolean,
): GrantResource {
  return child(
    RESOURCE_TYPES.ClientGrant,
    grantName(appKey, apiKey),
    component,
    protect,
    { clientId, audience: ref(RESOURCE_TYPES.ResourceServer, apiKey, "identifier"), scopes: grantScopes(scopes) },
    // Granted scopes exist first; a grant of no scopes may be on an API without any (so without a scopes resource).
    scopes.length > 0 ? [{ type: RESOURCE_TYPES.ResourceServerScopes, name: apiKey }] : [],
  );
}

/** Grants have no component of their own: each application's component declares its grants (../application/model.ts). */
export const grantKindModel = {
  build: () => ({}),
  components: () => [],
  resources: () => [],
} satisfies KindModel<never, object>;
