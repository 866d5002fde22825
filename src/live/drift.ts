import { TRIGGER_IDS, type Trigger } from "../spec/triggers";
import type { Plan } from "../plan";
import { RISK_ORDER, type Change, type ChangeKind, type Finding, type Risk } from "../review/changes";
import { runtimeText } from "../review/detectors/actions";
import { metadataFindings, urlFindings } from "../review/detectors/applications";
import { expiryText } from "../review/detectors/credentials";
import { byRisk, type ReviewReport } from "../review/review";
import { riskOf, SENSITIVE_SCOPE } from "../review/risk";
import type { ApplicationSpec } from "../spec";
import { grantsOf } from "../spec/grants";
import type { LiveAction, LiveApi, LiveClient, LiveTenant } from "./snapshot";

/**
 * Drift: the live tenant against the stack's plan, in the review's terms (change kinds, risk rules, renderer), so a
 * scheduled job can fail on it like a pull request fails on its review. Reported: fields changed by hand on managed
 * resources; managed resources gone; and what exists outside the spec — applications, APIs, scopes, grants, keys
 * (and client secrets), actions and bindings — except what `unmanaged:` acknowledges.
 */

/** How a managed resource of the plan was found in the tenant. */
export interface Correspondence {
  apis: Map<string, LiveApi>;
  apps: Map<string, LiveClient>;
  actions: Map<string, LiveAction>;
  /** Where each app's client id came from. */
  appSource: Map<string, "adopt" | "last deployment" | "name">;
}

/**
 * Finds each declared resource in the tenant: applications by the client id `adopt:` or the last deployment gives,
 * else by their (unique) name; APIs by identifier; actions by the id `adopt:` gives, else by name.
 */
export function correspond(plan: Plan, live: LiveTenant, deployedClientIds: Record<string, string> = {}): Correspondence {
  const { spec } = plan;
  const apis = new Map<string, LiveApi>();
  for (const api of Object.values(spec.apis)) {
    const byId = spec.adopt[`resourceServer/${api.key}`];
    const found = live.apis.find((a) => (byId !== undefined && a.id === byId) || a.identifier === api.identifier);
    if (found) apis.set(api.key, found);
  }
  const apps = new Map<string, LiveClient>();
  const appSource = new Map<string, "adopt" | "last deployment" | "name">();
  for (const app of Object.values(spec.applications)) {
    const adopted = spec.adopt[`client/${app.key}`];
    const deployed = deployedClientIds[app.key];
    const id = adopted ?? deployed;
    const byName = live.clients.filter((c) => c.name === app.name);
    const found = id !== undefined ? live.clients.find((c) => c.clientId === id) : byName.length === 1 ? byName[0] : undefined;
    if (found) {
      apps.set(app.key, found);
      appSource.set(app.key, adopted !== undefined ? "adopt" : deployed !== undefined ? "last deployment" : "name");
    }
  }
  const actions = new Map<string, LiveAction>();
  for (const action of Object.values(spec.actions)) {
    const id = spec.adopt[`action/${action.key}`];
    const found = live.actions.find((a) => (id !== undefined ? a.id === id : a.name === action.name));
    if (found) actions.set(action.key, found);
  }
  return { apis, apps, actions, appSource };
}

const list = (xs: readonly string[]) => xs.join(", ") || "(none)";
const sensitive = (scopes: string[]) => scopes.find((s) => SENSITIVE_SCOPE.test(s)) ?? scopes[0];

/** Every drift finding for one stack: the review's change kinds and words, made by hand in the tenant (origin "live"). */
export function driftFindings(plan: Plan, live: LiveTenant, deployedClientIds: Record<string, string> = {}): Finding[] {
  const { spec, model } = plan;
  const match = correspond(plan, live, deployedClientIds);
  const out: Finding[] = [];
  const apiKeyByAudience = new Map<string, string>();
  for (const [key, api] of match.apis) apiKeyByAudience.set(api.identifier, key);
  for (const api of Object.values(spec.apis)) apiKeyByAudience.set(api.identifier, api.key);
  const managedClients = new Map([...match.apps].map(([key, c]) => [c.clientId, key]));

  // ---- APIs and their scopes ----
  for (const api of Object.values(spec.apis)) {
    const l = match.apis.get(api.key);
    if (!l) {
      out.push({
        section: "apis",
        kind: "api.removed",
        subject: api.key,
        text: `API ${api.key} (${api.identifier}) is not in the tenant (deleted by hand?); pulumi up recreates it`,
      });
      continue;
    }
    const fields: [string, unknown, unknown][] = [
      ["name", api.name, l.name],
      ["signingAlg", api.signingAlg, l.signingAlg],
      ["tokenLifetime", api.tokenLifetime, l.tokenLifetime],
      ["tokenLifetimeForWeb", api.tokenLifetimeForWeb, l.tokenLifetimeForWeb],
      ["allowOfflineAccess", api.allowOfflineAccess, l.allowOfflineAccess],
      [
        "skipConsentForVerifiableFirstPartyClients",
        api.skipConsentForVerifiableFirstPartyClients,
        l.skipConsentForVerifiableFirstPartyClients,
      ],
    ];
    for (const [field, want, have] of fields)
      if (want !== have)
        out.push({
          section: "apis",
          kind: "api.setting-changed",
          subject: api.key,
          text: `API ${api.key}: ${field} is ${JSON.stringify(have)} in the tenant (the spec says ${JSON.stringify(want)})`,
        });
    const liveScopes = new Map(l.scopes.map((s) => [s.name, s.description]));
    for (const [scope, description] of Object.entries(api.scopes)) {
      if (!liveScopes.has(scope))
        out.push({
          section: "apis",
          kind: "api.scope-removed",
          subject: api.key,
          scope,
          text: `API ${api.key}: scope ${scope} is gone from the tenant (grants that ask for it fail)`,
        });
      else if (liveScopes.get(scope) !== description)
        out.push({
          section: "apis",
          kind: "api.setting-changed",
          subject: api.key,
          scope,
          text: `API ${api.key}: scope ${scope} is described ${JSON.stringify(liveScopes.get(scope))} in the tenant (the spec says ${JSON.stringify(description)})`,
        });
    }
    for (const scope of liveScopes.keys())
      if (!Object.hasOwn(api.scopes, scope))
        out.push({
          section: "apis",
          kind: "api.scope-added",
          subject: api.key,
          scope,
          text: `API ${api.key} has scope ${scope}, which the spec does not declare`,
        });
  }
  for (const l of live.apis) {
    if (l.system || apiKeyByAudience.has(l.identifier)) continue;
    out.push({
      section: "apis",
      kind: "api.added",
      subject: l.identifier,
      text: `API ${l.name} (${l.identifier}) is not managed by this stack`,
      details: [`scopes: ${list(l.scopes.map((s) => s.name))}`],
    });
  }

  // ---- applications, their keys and grants ----
  const grantsByClient = new Map<string, typeof live.grants>();
  for (const g of live.grants) grantsByClient.set(g.clientId, [...(grantsByClient.get(g.clientId) ?? []), g]);
  const audienceName = (audience: string) => apiKeyByAudience.get(audience) ?? audience;
  const extraGrants = (who: string, clientId: string, expected: Map<string, string[]>) => {
    for (const g of grantsByClient.get(clientId) ?? []) {
      const want = expected.get(g.audience);
      if (!want) {
        out.push({
          section: "access",
          kind: "grant.scope-gained",
          subject: who,
          ...(g.scopes.length ? { scope: sensitive(g.scopes)! } : {}),
          text: `${who} may get ${g.subjectType === "user" ? "user access tokens" : "tokens"} for ${audienceName(g.audience)} with ${g.scopes.join(" ") || "no scopes"}: a grant the spec does not declare`,
          details: [`grant ${g.id}`],
        });
        continue;
      }
      for (const scope of g.scopes.filter((s) => !want.includes(s)))
        out.push({
          section: "access",
          kind: "grant.scope-gained",
          subject: who,
          scope,
          text: `${who} gains ${scope} on ${audienceName(g.audience)} in the tenant (not in the spec)`,
        });
    }
  };
  for (const app of Object.values(spec.applications)) {
    const l = match.apps.get(app.key);
    if (!l) {
      out.push({
        section: "applications",
        kind: "app.removed",
        subject: app.key,
        text: `application ${app.key} (${app.name}) is not in the tenant (deleted by hand?)`,
      });
      continue;
    }
    out.push(...clientFieldDrift(app, l, model.applications[app.key]!.client.inputs as Record<string, unknown>));
    // Keys: the spec's, by thumbprint (Auth0's kid); a key or a client secret beyond them is access made by hand.
    const declared = new Map((app.credentials ?? []).map((c) => [c.key.thumbprint, c]));
    const attached = l.credentials.filter((c) => c.attached);
    if (declared.size > 0 && l.authMethod !== "private_key_jwt")
      out.push({
        section: "access",
        kind: "credential.method-reverted",
        subject: app.key,
        text: `${app.key} authenticates with its client secret (${l.authMethod}) in the tenant, not with its keys: anyone holding the secret can get its tokens`,
      });
    for (const c of attached.filter((c) => !declared.has(c.kid)))
      out.push({
        section: "access",
        kind: "credential.added",
        subject: app.key,
        text: `${app.key} has a key the spec does not declare: ${c.name || c.id} (${c.alg}, kid ${c.kid}${c.expiresAt ? `, expires ${c.expiresAt.slice(0, 10)}` : ""})`,
      });
    for (const c of declared.values()) {
      const found = attached.find((x) => x.kid === c.key.thumbprint);
      if (!found)
        out.push({
          section: "credentials",
          kind: "credential.retired",
          subject: app.key,
          text: `${app.key}: key ${c.name} (thumbprint ${c.key.thumbprint}) is no longer attached in the tenant: clients signing with it are refused`,
        });
      else if ((found.expiresAt ?? null) !== (c.effectiveExpiresAt ? new Date(c.effectiveExpiresAt).toISOString() : null))
        out.push({
          section: "credentials",
          kind: "credential.expiry-changed",
          subject: app.key,
          text: `${expiryText(app.key, c.name, c.effectiveExpiresAt, found.expiresAt)} in the tenant`,
        });
    }
    // Grants: on declared APIs as the spec says; on others only as acknowledged under unmanaged:.
    const expected = new Map<string, string[]>();
    const grants = grantsOf(app);
    for (const [apiKey, scopes] of Object.entries(grants)) expected.set(spec.apis[apiKey]!.identifier, scopes);
    for (const [audience, scopes] of Object.entries(spec.unmanaged[l.clientId]?.grants ?? {})) expected.set(audience, scopes);
    extraGrants(app.key, l.clientId, expected);
    for (const [apiKey, scopes] of Object.entries(grants)) {
      const g = (grantsByClient.get(l.clientId) ?? []).find((x) => x.audience === spec.apis[apiKey]!.identifier);
      if (!g)
        out.push({
          section: "grants",
          kind: "grant.scope-lost",
          subject: app.key,
          text: `${app.key}'s grant on ${apiKey} is gone from the tenant: its token requests for ${apiKey} fail`,
        });
      else
        for (const scope of scopes.filter((s) => !g.scopes.includes(s)))
          out.push({
            section: "grants",
            kind: "grant.scope-lost",
            subject: app.key,
            scope,
            text: `${app.key} lost ${scope} on ${apiKey} in the tenant`,
          });
    }
  }
  for (const c of live.clients) {
    if (managedClients.has(c.clientId)) continue;
    const ack = spec.unmanaged[c.clientId];
    const who = `${c.name} (${c.clientId})`;
    if (ack) {
      extraGrants(who, c.clientId, new Map(Object.entries(ack.grants)));
      for (const k of c.credentials.filter((x) => x.attached && !ack.credentials.includes(x.kid)))
        out.push({
          section: "access",
          kind: "credential.added",
          subject: who,
          text: `${who}, acknowledged under unmanaged:, has a key not listed there: ${k.name || k.id} (${k.alg}, kid ${k.kid})`,
        });
      continue;
    }
    out.push({
      section: "applications",
      kind: "app.added",
      subject: who,
      text: `${who}, a ${c.appType ?? "generic"} application, is not managed by this stack (declare it, or acknowledge it under unmanaged:)`,
      details: [
        `authenticates with ${c.authMethod}${
          c.credentials.some((x) => x.attached)
            ? ` (keys: ${c.credentials
                .filter((x) => x.attached)
                .map((x) => x.kid)
                .join(", ")})`
            : ""
        }`,
      ],
    });
    extraGrants(who, c.clientId, new Map());
  }

  // ---- actions and bindings ----
  const ours = new Map([...match.actions].map(([key, a]) => [a.id, key]));
  for (const action of Object.values(spec.actions)) {
    const l = match.actions.get(action.key);
    if (!l) {
      out.push({
        section: "actions",
        kind: "action.removed",
        subject: action.key,
        text: `action ${action.key} is not in the tenant (deleted by hand?)`,
      });
      continue;
    }
    const bundle = model.actions[action.key]!.bundle;
    if (l.deployedCode !== bundle.code)
      out.push({
        section: "actions",
        kind: "action.code-changed",
        subject: action.key,
        text: `action ${action.key}: the code Auth0 runs is not the plan's (${l.deployedCode === undefined ? "no version deployed" : "deployed by hand"}): sha256 ${bundle.sha256.slice(0, 16)} in the plan`,
      });
    else if (l.undeployedChanges)
      out.push({
        section: "actions",
        kind: "action.undeployed-edit",
        subject: action.key,
        text: `action ${action.key} has undeployed edits in the dashboard (pulumi up overwrites them)`,
      });
    if (l.runtime !== action.runtime)
      out.push({
        section: "actions",
        kind: "action.runtime-changed",
        subject: action.key,
        text: `${runtimeText(action.key, action.runtime, l.runtime)} in the tenant`,
      });
    const secrets = action.secrets.map((s) => s.name).sort();
    if (JSON.stringify(secrets) !== JSON.stringify(l.secrets))
      out.push({
        section: "actions",
        kind: "action.secrets-changed",
        subject: action.key,
        text: `action ${action.key}: secrets ${list(l.secrets)} in the tenant (the spec names ${list(secrets)})`,
      });
  }
  const bound = new Set(Object.values(live.bindings).flatMap((bs) => bs.map((b) => b.actionId)));
  for (const l of live.actions)
    if (!ours.has(l.id) && !bound.has(l.id))
      out.push({
        section: "actions",
        kind: "action.unbound",
        subject: l.name,
        text: `action ${l.name} (${l.trigger}) is not managed by this stack; it is bound to no trigger, so it never runs`,
      });
  const triggers = [...new Set([...TRIGGER_IDS, ...Object.keys(live.bindings)])];
  for (const trigger of triggers) {
    const want = (spec.triggers[trigger as Trigger] ?? []).map((k) => match.actions.get(k)?.id ?? `(missing ${k})`);
    const have = live.bindings[trigger] ?? [];
    for (const b of have.filter((b) => !ours.has(b.actionId))) {
      const a = live.actions.find((x) => x.id === b.actionId);
      out.push({
        section: "actions",
        kind: "action.added",
        subject: trigger,
        text: `${trigger} runs ${b.displayName || b.actionName}, an action this stack does not manage${a?.marketplace ? " (a marketplace integration)" : ""}${want.length === 0 ? " (the spec binds nothing to this trigger, so pulumi up leaves it)" : " (pulumi up unbinds it)"}`,
      });
    }
    const haveOurs = have.filter((b) => ours.has(b.actionId)).map((b) => b.actionId);
    const wantPresent = want.filter((id) => haveOurs.includes(id));
    for (const key of spec.triggers[trigger as Trigger] ?? []) {
      const id = match.actions.get(key)?.id;
      if (id && !haveOurs.includes(id))
        out.push({
          section: "actions",
          kind: "binding.order-changed",
          subject: trigger,
          text: `${key} is no longer bound to ${trigger} in the tenant`,
        });
    }
    if (JSON.stringify(haveOurs.filter((id) => want.includes(id))) !== JSON.stringify(wantPresent))
      out.push({
        section: "actions",
        kind: "binding.order-changed",
        subject: trigger,
        text: `${trigger} runs this stack's actions in another order in the tenant: ${haveOurs.map((id) => ours.get(id)).join(" → ")} (the spec: ${(spec.triggers[trigger as Trigger] ?? []).join(" → ")})`,
      });
    for (const b of have.filter((b) => ours.has(b.actionId))) {
      const key = ours.get(b.actionId)!;
      if (!(spec.triggers[trigger as Trigger] ?? []).includes(key))
        out.push({
          section: "actions",
          kind: "binding.order-changed",
          subject: trigger,
          text: `${trigger} runs ${key}, which the spec does not bind there`,
        });
    }
  }
  return out.map((f) => ({ ...f, origin: "live" }));
}

/** Client settings the model declares, compared with the tenant's, in the review's words (the tenant as "after"). */
function clientFieldDrift(app: ApplicationSpec, l: LiveClient, inputs: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  const changed = (field: string, have: unknown, want: unknown, kind: ChangeKind = "app.setting-changed") =>
    out.push({
      section: "applications",
      kind,
      subject: app.key,
      text: `${app.key}: ${field} is ${JSON.stringify(have)} in the tenant (the spec says ${JSON.stringify(want)})`,
    });
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (l.name !== inputs.name) changed("name", l.name, inputs.name);
  if ((l.description ?? "") !== inputs.description) changed("description", l.description ?? "", inputs.description);
  if (l.appType !== inputs.appType) changed("type", l.appType, inputs.appType, "app.type-changed");
  if (!same(l.grantTypes, inputs.grantTypes)) changed("grant types", l.grantTypes, inputs.grantTypes);
  if (l.oidcConformant !== inputs.oidcConformant) changed("oidcConformant", l.oidcConformant, inputs.oidcConformant);
  if (l.isFirstParty !== inputs.isFirstParty) changed("isFirstParty", l.isFirstParty, inputs.isFirstParty);
  if (l.jwtAlg !== (inputs.jwtConfiguration as { alg?: string } | undefined)?.alg) changed("ID token signing algorithm", l.jwtAlg, "RS256");
  const declared = (field: "callbacks" | "allowedLogoutUrls" | "webOrigins") => (inputs[field] as string[] | undefined) ?? [];
  out.push(
    ...urlFindings(
      app.key,
      { callbacks: declared("callbacks"), allowedLogoutUrls: declared("allowedLogoutUrls"), webOrigins: declared("webOrigins") },
      { callbacks: l.callbacks, allowedLogoutUrls: l.allowedLogoutUrls, webOrigins: l.webOrigins },
    ),
  );
  out.push(...metadataFindings(app.key, app.metadata, l.metadata));
  return out;
}

/** The drift report of one stack, shaped like the review's, so renderMarkdown, renderJson and --fail-on work as for a review. */
export function driftReport(
  plan: Plan,
  live: LiveTenant,
  options: { deployedClientIds?: Record<string, string>; readAt?: Date } = {},
): ReviewReport {
  const stack = plan.stack;
  const changes: Change[] = driftFindings(plan, live, options.deployedClientIds)
    .map((f) => ({ ...f, stack, risk: riskOf(f, stack) }))
    .sort(byRisk);
  const counts = Object.fromEntries(RISK_ORDER.map((r) => [r, 0])) as Record<Risk, number>;
  for (const c of changes) counts[c.risk]++;
  const base = `tenant ${live.domain} (live${options.readAt ? `, read ${options.readAt.toISOString()}` : ""})`;
  const head = `Pulumi.${stack}.yaml (the plan)`;
  return {
    title: `Auth0 drift: ${base} against ${head}`,
    base,
    head,
    stacks: [{ stack, status: changes.length > 0 ? "changed" : "unchanged", changes }],
    counts,
  };
}
