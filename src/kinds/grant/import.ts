import { RESOURCE_TYPES } from "../../model/desired";
import { adoptKeyOf } from "../../spec/adopt";
import { grantName } from "../../model/desired";
import type { KindImport } from "../import-context";

/**
 * Each imported application's client grants: on imported APIs they are declared (machine-to-machine applications
 * hold client grants); on Auth0's APIs or on APIs left out they are acknowledged under unmanaged:.
 */
export const grantImport: KindImport = {
  run: (ctx) => {
    const applications = ctx.sections.applications ?? {};
    for (const c of ctx.live.clients) {
      const key = ctx.keys.appByClient.get(c.clientId);
      if (key === undefined) continue;
      const app = applications[key]!;
      const declared: Record<string, string[]> = {};
      const other = [];
      for (const g of ctx.live.grants.filter((x) => x.clientId === c.clientId)) {
        const apiKey = ctx.keys.apiByIdentifier.get(g.audience);
        if (apiKey && app.type === "m2m" && g.subjectType === "client") {
          declared[apiKey] = [...g.scopes].sort();
          // The read keeps the Management API's order (client/flatten.go); the model declares scopes sorted.
          const reordered = JSON.stringify(g.scopes) !== JSON.stringify(declared[apiKey]);
          ctx.adoptWith(adoptKeyOf({ type: RESOURCE_TYPES.ClientGrant, name: grantName(key, apiKey) }), g.id, reordered ? ["scopes"] : []);
          if (reordered)
            ctx.updates.push({
              subject: `application ${key}`,
              text: `its grant on ${apiKey} is sent again with the same scopes in sorted order (${g.scopes.join(" ")} → ${declared[apiKey]!.join(" ")})`,
            });
        } else other.push(g);
      }
      if (app.type === "m2m") app.grants = declared;
      if (other.length > 0) {
        ctx.acknowledge(c.clientId, other);
        for (const g of other)
          ctx.skipped.push({
            subject: `application ${key}`,
            text: `its grant on ${g.audience} (${g.scopes.join(" ") || "no scopes"}) is not declared (acknowledged under unmanaged:)`,
          });
      }
    }
  },
};
