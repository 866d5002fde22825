import { adoptKeyOf } from "../../spec/adopt";
import { API_SIGNING_ALGS, SCOPE_PATTERN } from "../../spec/schema";
import { RESOURCE_TYPES } from "../../model/desired";
import { dict } from "../../dict";
import { keyFor, type KindImport } from "../import-context";
import { API_SETTINGS } from "./fields";
import type { LiveApi } from "./live";

function apiProblem(api: LiveApi): string | undefined {
  if (!(API_SIGNING_ALGS as readonly string[]).includes(api.signingAlg))
    return `it signs tokens with ${api.signingAlg} (the spec allows ${API_SIGNING_ALGS.join(", ")})`;
  const bad = api.scopes.find((s) => !SCOPE_PATTERN.test(s.name) || s.description.length > 500);
  if (bad) return `its scope ${JSON.stringify(bad.name)} is not one the spec can declare`;
  if (api.tokenLifetimeForWeb > api.tokenLifetime) return "its browser-flow token lifetime exceeds its token lifetime";
  return undefined;
}

/** An API's spec entry: its identifier, every setting that differs from the spec's default, its scopes. */
export function apiSpec(api: LiveApi): Record<string, unknown> {
  const out: Record<string, unknown> = { identifier: api.identifier };
  for (const s of API_SETTINGS) {
    const value = api[s.name];
    if (!("specDefault" in s) || value !== s.specDefault(api)) out[s.name] = value;
  }
  out.scopes = Object.fromEntries(api.scopes.map((s) => [s.name, s.description]));
  return out;
}

/** The tenant's APIs (not Auth0's own), each with its scopes. */
export const apiImport: KindImport = {
  section: { key: "apis", title: ["APIs (resource servers) and their scopes, as in the tenant."] },
  run: (ctx) => {
    const used = new Set<string>();
    const apis = (ctx.sections.apis = dict());
    for (const api of ctx.live.apis) {
      if (api.system) continue;
      const problem = apiProblem(api);
      if (problem) {
        ctx.skipped.push({
          subject: `API ${api.identifier}`,
          text: `${problem}; it is left unmanaged (grants on it are acknowledged under unmanaged:)`,
        });
        continue;
      }
      const key = keyFor(api.name, "api", used);
      ctx.keys.apiByIdentifier.set(api.identifier, key);
      apis[key] = apiSpec(api);
      ctx.adoptWith(adoptKeyOf({ type: RESOURCE_TYPES.ResourceServer, name: key }), api.id);
      if (api.scopes.length > 0) ctx.adoptWith(adoptKeyOf({ type: RESOURCE_TYPES.ResourceServerScopes, name: key }), api.identifier);
    }
  },
};
