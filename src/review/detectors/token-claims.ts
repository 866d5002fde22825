import { RESOURCE_TYPES } from "../../model";
import { runCredentialsExchange } from "../../local-tenant/bound";
import { CommandLimitError } from "../../errors";
import type { Plan } from "../../plan";
import type { Detector, Finding } from "../changes";

type TokenClaims = Map<string, { claims: Record<string, unknown>; denied?: string }>;

/**
 * What each M2M app's access token carries, by running the bound credentials-exchange actions for it. A failure
 * (an action that throws or exceeds its time limit) stands for every app of that revision, so a broken action
 * costs one time limit, not one per application.
 */
async function m2mClaims(plan: Plan | undefined): Promise<TokenClaims> {
  const out: TokenClaims = new Map();
  if (!plan) return out;
  const bound = plan.model.bindings["credentials-exchange"].length > 0;
  let failure: string | undefined;
  for (const app of Object.values(plan.model.applications)) {
    if (app.appType !== "m2m") continue;
    const first = app.grants[0];
    if (!bound || first === undefined) {
      out.set(app.key, { claims: {} });
      continue;
    }
    if (failure === undefined) {
      try {
        const audience = plan.model.apis[first.apiKey]!.resourceServer.inputs.identifier;
        const r = await runCredentialsExchange(plan, app.key, { audience, scopes: [] });
        out.set(app.key, { claims: r.accessTokenClaims, ...(r.denied ? { denied: r.denied.reason } : {}) });
        continue;
      } catch (e) {
        // The command's own limit is not the actions' answer: the review stops instead of reporting a deny.
        if (e instanceof CommandLimitError) throw e;
        failure = `the actions fail: ${(e as Error).message}`;
      }
    }
    out.set(app.key, { claims: {}, denied: failure });
  }
  return out;
}

/** Per application: custom claims its M2M tokens gain, lose or change, and whether its token requests are now denied. */
export const tokenClaims: Detector = {
  covers: [RESOURCE_TYPES.Action, RESOURCE_TYPES.TriggerActions, RESOURCE_TYPES.Client],
  detect: async ({ base, head }) => {
    const before = await m2mClaims(base);
    const after = await m2mClaims(head);
    const out: Finding[] = [];
    for (const [app, a] of after) {
      const b = before.get(app);
      if (!b) continue; // a new app: its grants and claims are in the other sections
      if (a.denied && !b.denied)
        out.push({
          section: "actions",
          kind: "action.deny-changed",
          subject: app,
          text: `${app}: token requests are now denied: ${a.denied}`,
        });
      if (!a.denied && b.denied)
        out.push({ section: "actions", kind: "action.deny-changed", subject: app, text: `${app}: token requests are no longer denied` });
      for (const name of [...new Set([...Object.keys(b.claims), ...Object.keys(a.claims)])].sort()) {
        const was = JSON.stringify(b.claims[name]);
        const now = JSON.stringify(a.claims[name]);
        if (was === now) continue;
        const kind = was === undefined ? "claim.added" : now === undefined ? "claim.removed" : "claim.changed";
        const text =
          was === undefined
            ? `${app}: access tokens gain ${name} = ${now}`
            : now === undefined
              ? `${app}: access tokens lose ${name} (was ${was})`
              : `${app}: access tokens change ${name} ${was} → ${now}`;
        out.push({ section: "actions", kind, subject: app, text });
      }
    }
    return out;
  },
};
