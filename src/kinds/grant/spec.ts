import { checkScopeRefs } from "../../spec/cross-checks";
import type { KindSpec } from "../kind-spec";
import { declaredScopes, type ApiSpec } from "../api/spec";
import { grantsOf, m2mApplicationSchema, type ApplicationSpec } from "../application/spec";

/** A client grant: written inside its application's entry, checked against the APIs the spec declares. */
export const grantSpec = {
  at: "applications.<key>.grants",
  schema: m2mApplicationSchema.shape.grants,
  envelope: {},
  /** Each scope an application is granted names a declared API and a scope that API declares. */
  check: (tenant: { apis: Record<string, ApiSpec>; applications: Record<string, ApplicationSpec> }, { given, errors }) => {
    const apiScopes = declaredScopes(given, tenant.apis);
    for (const app of Object.values(tenant.applications))
      checkScopeRefs(["applications", app.key, "grants"], grantsOf(app), apiScopes, errors);
  },
} satisfies KindSpec;
