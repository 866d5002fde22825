import { credentialsExchangeEvent } from "../../actions/events";
import { runTrigger } from "../../actions/runtime";
import type { Plan } from "../../plan";
import type { Detector, Finding } from "../changes";

/** What each M2M app's access token carries, by running the bound credentials-exchange actions locally. */
async function m2mClaims(plan: Plan | undefined): Promise<Map<string, { claims: Record<string, unknown>; denied?: string }>> {
  const out = new Map<string, { claims: Record<string, unknown>; denied?: string }>();
  if (!plan) return out;
  const bound = plan.spec.triggers["credentials-exchange"].map((k) => ({ key: k, code: plan.spec.actions[k]!.bundle.code }));
  for (const app of Object.values(plan.spec.applications)) {
    if (app.type !== "m2m") continue;
    const api = Object.keys(app.grants)[0];
    if (!bound.length || api === undefined) {
      out.set(app.key, { claims: {} });
      continue;
    }
    const event = credentialsExchangeEvent({
      client: { client_id: app.key, name: app.name, metadata: app.metadata },
      resourceServer: { identifier: plan.spec.apis[api]!.identifier },
    });
    const r = await runTrigger(bound, "credentials-exchange", event, { timeoutMs: 2_000 }).catch((e: Error) => ({
      accessTokenClaims: {},
      denied: { reason: `the actions fail: ${e.message}` },
    }));
    out.set(app.key, { claims: r.accessTokenClaims, ...(r.denied ? { denied: r.denied.reason } : {}) });
  }
  return out;
}

/** Per application: custom claims its M2M tokens gain, lose or change, and whether its token requests are now denied. */
export const tokenClaims = async ({ base, head }: Parameters<Detector>[0]): Promise<Finding[]> => {
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
};
