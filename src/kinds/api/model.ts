import type * as auth0 from "@pulumi/auth0";
import { dict } from "../../dict";
import { child, COMPONENT_TYPES, ref, RESOURCE_TYPES, type ComponentAddress, type DesiredResource, type Ref } from "../../model/desired";
import type { KindModel, ModelInput } from "../kind-model";
import { API_SETTINGS } from "./fields";
import type { ApiSpec } from "./spec";

export interface ApiModel {
  kind: "api";
  key: string;
  component: ComponentAddress;
  resourceServer: DesiredResource<typeof RESOURCE_TYPES.ResourceServer, auth0.ResourceServerArgs & { identifier: string }>;
  /**
   * All scopes of the API in one resource, so scope edits never race; absent for an API without scopes: `scopes` is a
   * Required block set, so an empty one is refused (terraform-provider-auth0 v1.53.0
   * internal/auth0/resourceserver/resource_scopes.go; Required means at least one item in terraform-plugin-sdk
   * helper/schema/core_schema.go), as for a trigger's empty binding list.
   */
  scopes?: DesiredResource<
    typeof RESOURCE_TYPES.ResourceServerScopes,
    Omit<auth0.ResourceServerScopesArgs, "resourceServerIdentifier" | "scopes"> & {
      resourceServerIdentifier: Ref;
      scopes: { name: string; description: string }[];
    }
  >;
}

export function apiModel(api: ApiSpec, protect: boolean): ApiModel {
  const component = { type: COMPONENT_TYPES.Api, name: api.key };
  const scopes = Object.entries(api.scopes).map(([name, description]) => ({ name, description }));
  return {
    kind: "api",
    key: api.key,
    component,
    resourceServer: child(RESOURCE_TYPES.ResourceServer, api.key, component, protect, settingsOf(api)),
    ...(scopes.length > 0
      ? {
          scopes: child(RESOURCE_TYPES.ResourceServerScopes, api.key, component, protect, {
            resourceServerIdentifier: ref(RESOURCE_TYPES.ResourceServer, api.key, "identifier"),
            scopes,
          }),
        }
      : {}),
  };
}

/** The provider's inputs of an API: its identifier and each setting of the field table, in the table's order. */
function settingsOf(api: ApiSpec): auth0.ResourceServerArgs & { identifier: string } {
  const inputs: Record<string, unknown> = { identifier: api.identifier };
  for (const s of API_SETTINGS) if (!("optional" in s) || api[s.name] !== undefined) inputs[s.name] = api[s.name];
  return inputs as unknown as auth0.ResourceServerArgs & { identifier: string };
}

export const apiKindModel = {
  build: (spec: { apis: Record<string, ApiSpec> }, { protect }: ModelInput) => ({
    apis: dict(Object.values(spec.apis).map((a) => [a.key, apiModel(a, protect)])),
  }),
  components: (m) => Object.values(m.apis),
  resources: (c) => [c.resourceServer, ...(c.scopes ? [c.scopes] : [])],
  outputs: (_m, spec: { apis: Record<string, ApiSpec> }) => ({
    apis: dict(
      Object.values(spec.apis).map((a) => [
        a.key,
        { identifier: ref(RESOURCE_TYPES.ResourceServer, a.key, "identifier"), scopes: Object.keys(a.scopes) },
      ]),
    ),
  }),
} satisfies KindModel<ApiModel, { apis: Record<string, ApiModel> }>;
