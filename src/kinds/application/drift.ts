import type { ApplicationSpec } from "../specs";
import type { DriftContext } from "../live";
import { same, type Finding } from "../vocabulary";
import { expiryText, type CredentialChange } from "./credentials-review";
import { CLIENT_FIELDS, URL_FIELDS, type ClientField } from "./fields";
import type { LiveClient } from "./live";
import { metadataFindings, urlFindings, type ApplicationChange } from "./review";

type Found = Finding<ApplicationChange | CredentialChange>;

/**
 * How drift compares each client setting the model declares with the tenant's, in the review's words (the tenant as
 * "after"): one entry per field of the table, so a field without a comparison does not compile.
 */
const COMPARE: Record<ClientField, (app: ApplicationSpec, l: LiveClient, inputs: Record<string, unknown>) => Found[]> = {
  name: (app, l, inputs) => setting(app, "name", l.name, inputs.name),
  description: (app, l, inputs) => setting(app, "description", l.description ?? "", inputs.description),
  appType: (app, l, inputs) => setting(app, "appType", l.appType, inputs.appType, "app.type-changed"),
  grantTypes: (app, l, inputs) => setting(app, "grantTypes", l.grantTypes, inputs.grantTypes),
  oidcConformant: (app, l, inputs) => setting(app, "oidcConformant", l.oidcConformant, inputs.oidcConformant),
  isFirstParty: (app, l, inputs) => setting(app, "isFirstParty", l.isFirstParty, inputs.isFirstParty),
  jwtConfiguration: (app, l, inputs) =>
    setting(app, "jwtConfiguration", l.jwtAlg, (inputs.jwtConfiguration as { alg?: string } | undefined)?.alg),
  callbacks: () => [], // the three URL lists are compared together below, one finding per URL
  allowedLogoutUrls: () => [],
  webOrigins: (app, l, inputs) =>
    urlFindings(
      app.key,
      Object.fromEntries(URL_FIELDS.map((f) => [f, (inputs[f] as string[] | undefined) ?? []])),
      Object.fromEntries(URL_FIELDS.map((f) => [f, l[f]])),
    ),
  clientMetadata: (app, l) => metadataFindings(app.key, app.metadata, l.metadata),
};

function setting(
  app: ApplicationSpec,
  field: ClientField,
  have: unknown,
  want: unknown,
  kind: ApplicationChange = "app.setting-changed",
): Found[] {
  if (same(have, want)) return [];
  return [
    {
      section: "applications",
      kind,
      subject: app.key,
      text: `${app.key}: ${CLIENT_FIELDS[field].label} is ${JSON.stringify(have)} in the tenant (the spec says ${JSON.stringify(want)})`,
    },
  ];
}

/** Keys: the spec's, by thumbprint (Auth0's kid); a key or a client secret beyond them is access made by hand. */
function credentialDrift(app: ApplicationSpec, l: LiveClient): Found[] {
  const out: Found[] = [];
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
  return out;
}

/** Each declared application and its keys against the tenant's, and the clients the tenant has beyond the spec. */
export function applicationDrift({ plan, live, match, managedClients }: DriftContext): Found[] {
  const { spec, model } = plan;
  const out: Found[] = [];
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
    const inputs = model.applications[app.key]!.client.inputs as Record<string, unknown>;
    for (const compare of Object.values(COMPARE)) out.push(...compare(app, l, inputs));
    out.push(...credentialDrift(app, l));
  }
  for (const c of live.clients) {
    if (managedClients.has(c.clientId)) continue;
    const ack = spec.unmanaged[c.clientId];
    const who = `${c.name} (${c.clientId})`;
    if (ack) {
      for (const k of c.credentials.filter((x) => x.attached && !ack.credentials.includes(x.kid)))
        out.push({
          section: "access",
          kind: "credential.added",
          subject: who,
          text: `${who}, acknowledged under unmanaged:, has a key not listed there: ${k.name || k.id} (${k.alg}, kid ${k.kid})`,
        });
      continue;
    }
    const keys = c.credentials.filter((x) => x.attached).map((x) => x.kid);
    out.push({
      section: "applications",
      kind: "app.added",
      subject: who,
      text: `${who}, a ${c.appType ?? "generic"} application, is not managed by this stack (declare it, or acknowledge it under unmanaged:)`,
      details: [`authenticates with ${c.authMethod}${keys.length > 0 ? ` (keys: ${keys.join(", ")})` : ""}`],
    });
  }
  return out;
}
