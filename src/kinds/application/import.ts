import { CREDENTIAL_ALGORITHMS } from "../../algorithms";
import { dict } from "../../dict";
import { DEFAULT_DESCRIPTION } from "../../model/desired";
import { RESOURCE_TYPES } from "../../model/desired";
import { adoptKeyOf } from "../../spec/adopt";
import { webUrlProblem } from "./spec";
import type { ApplicationSpec } from "../specs";
import { keyFor, type ImportContext, type KeyFile, type KindImport } from "../import-context";
import type { LiveTenant } from "../live";
import { CREDENTIALS_FIELDS } from "./fields";
import type { LiveClient, LiveCredential } from "./live";

/** The spec's application type for each Auth0 app_type it declares (./model.ts byType is the inverse). */
export const SPEC_TYPE_OF = { non_interactive: "m2m", regular_web: "regular_web" } as const satisfies Record<
  string,
  ApplicationSpec["type"]
>;

const CREDENTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const METADATA_KEY = /^[A-Za-z0-9_-]{1,255}$/;

function clientProblem(c: LiveClient, names: Set<string>, systemAudiences: Set<string>, grants: LiveTenant["grants"]): string | undefined {
  if (grants.some((g) => g.clientId === c.clientId && systemAudiences.has(g.audience)))
    return "a client of the Auth0 Management API (a deployer, a previewer or an admin tool): managing its keys from a stack it deploys could lock the deployment out";
  if (c.appType !== "non_interactive" && c.appType !== "regular_web")
    return `a ${c.appType ?? "generic"} application (the spec declares machine-to-machine and regular web applications only)`;
  if (names.has(c.name)) return `another application is also named ${JSON.stringify(c.name)} (names are unique in the spec)`;
  if (!c.name.trim() || c.name.trim() !== c.name || c.name.length > 128)
    return `its name ${JSON.stringify(c.name)} is not one the spec can declare`;
  if (c.description !== undefined && c.description.length > 140) return "its description is longer than 140 characters";
  if (Object.keys(c.metadata).some((k) => !METADATA_KEY.test(k))) return "a metadata key the spec cannot declare";
  if (c.appType === "non_interactive" && c.authMethod !== "private_key_jwt")
    return `a machine-to-machine application that authenticates with ${c.authMethod} (this project manages M2M applications with private_key_jwt only: add a key with the dashboard or the Management API, move the service to it, then import again)`;
  if (c.credentials.filter((x) => x.attached).length > 2) return "more than two credentials";
  if (c.appType === "regular_web") {
    if (c.callbacks.length === 0) return "a web application without callback URLs";
    const bad =
      [...c.callbacks, ...c.allowedLogoutUrls].find((u) => webUrlProblem(u, "url")) ?? c.webOrigins.find((u) => webUrlProblem(u, "origin"));
    if (bad)
      return `its URL ${JSON.stringify(bad)} is not one the spec allows (${webUrlProblem(bad, c.webOrigins.includes(bad) ? "origin" : "url")})`;
  }
  const badCred = c.credentials.find(
    (x) => x.attached && (x.type !== "public_key" || !(CREDENTIAL_ALGORITHMS as readonly string[]).includes(x.alg)),
  );
  if (badCred)
    return `its credential ${badCred.name || badCred.id} is a ${badCred.type} ${badCred.alg} credential (the spec declares public_key credentials with ${CREDENTIAL_ALGORITHMS.join(", ")})`;
  return undefined;
}

function credentialSpec(ctx: ImportContext, appKey: string, cred: LiveCredential, keys: Map<string, KeyFile>): Record<string, unknown> {
  const name = CREDENTIAL_NAME.test(cred.name) ? cred.name : `${appKey}-${cred.kid.slice(0, 8).replace(/[^A-Za-z0-9]/g, "x")}`;
  if (name !== cred.name)
    ctx.comment(
      `applications.${appKey}`,
      `credential ${JSON.stringify(cred.name)} is named ${name} here (the spec's name rule); the provider never sends names, so a preview will show the rename until the key is rotated`,
    );
  const key = keys.get(cred.kid);
  let specPath: string;
  if (key) {
    specPath = key.specPath;
    if (key.copyFrom && !ctx.files.some((f) => f.path === key.specPath)) ctx.files.push({ path: key.specPath, copyFrom: key.copyFrom });
  } else {
    specPath = `keys/imported/${appKey}-${name}.pem`;
    ctx.unmatchedCredentials.push({ app: appKey, credential: name, kid: cred.kid, alg: cred.alg, specPath });
    ctx.comment(
      `applications.${appKey}`,
      `TODO: ${specPath} is missing: save the public key whose RFC 7638 thumbprint is ${cred.kid} there`,
    );
  }
  if (cred.expiresAt && Date.parse(cred.expiresAt) <= ctx.options.now.getTime())
    ctx.comment(
      `applications.${appKey}`,
      `credential ${name} expired on ${cred.expiresAt}: the spec refuses expired keys; delete it in the tenant (it cannot authenticate) and remove it here`,
    );
  return { name, publicKey: specPath, algorithm: cred.alg, ...(cred.expiresAt ? { expiresAt: cred.expiresAt } : {}) };
}

/** The tenant's machine-to-machine and regular web applications, with their credentials (grants: the grant kind). */
export const applicationImport: KindImport = {
  section: {
    key: "applications",
    title: ["Applications: machine-to-machine (private_key_jwt) and regular web, with their grants and credentials."],
  },
  run: (ctx) => {
    const { live } = ctx;
    const keyByThumbprint = new Map<string, KeyFile>();
    for (const k of ctx.options.keys) if (!keyByThumbprint.has(k.thumbprint)) keyByThumbprint.set(k.thumbprint, k);
    const systemAudiences = new Set(live.apis.filter((a) => a.system).map((a) => a.identifier));
    const used = new Set<string>();
    const applications = (ctx.sections.applications = dict());
    const names = new Set<string>();
    for (const c of live.clients) {
      if (c.clientId === live.readerClientId) {
        ctx.acknowledge(c.clientId);
        ctx.skipped.push({
          subject: `application ${c.name} (${c.clientId})`,
          text: "the Management API client this import ran as; acknowledged under unmanaged:",
        });
        continue;
      }
      const problem = clientProblem(c, names, systemAudiences, live.grants);
      if (problem) {
        ctx.skipped.push({
          subject: `application ${c.name} (${c.clientId})`,
          text: `${problem}; acknowledged under unmanaged: with its current grants and keys`,
        });
        ctx.acknowledge(c.clientId);
        continue;
      }
      names.add(c.name);
      const key = keyFor(c.name, "app", used);
      ctx.keys.appByClient.set(c.clientId, key);
      const type = SPEC_TYPE_OF[c.appType as keyof typeof SPEC_TYPE_OF]; // clientProblem let only these two through
      const app: Record<string, unknown> = { type, name: c.name, description: c.description ?? "" };
      if (c.description === undefined)
        ctx.comment(
          `applications.${key}`,
          `description: "" keeps the tenant's empty description (leaving it out would set "${DEFAULT_DESCRIPTION}")`,
        );
      if (type === "regular_web") {
        app.callbacks = c.callbacks;
        if (c.allowedLogoutUrls.length > 0) app.allowedLogoutUrls = c.allowedLogoutUrls;
        if (c.webOrigins.length > 0) app.webOrigins = c.webOrigins;
      }
      if (Object.keys(c.metadata).length > 0) app.metadata = c.metadata;
      // Settings the model fixes: the second pulumi up sets them (an update in place); the adopt run ignores them.
      const fixed = type === "m2m" ? ["client_credentials"] : ["authorization_code", "refresh_token"];
      const changes: { input: string; text: string }[] = [];
      if (JSON.stringify(c.grantTypes) !== JSON.stringify(fixed))
        changes.push({ input: "grantTypes", text: `grant types ${c.grantTypes.join(", ") || "(none)"} → ${fixed.join(", ")}` });
      if (!c.oidcConformant) changes.push({ input: "oidcConformant", text: "OIDC conformant: false → true" });
      if (!c.isFirstParty) changes.push({ input: "isFirstParty", text: "first party: false → true" });
      if (c.jwtAlg !== "RS256")
        changes.push({ input: "jwtConfiguration", text: `ID token signing algorithm ${c.jwtAlg ?? "(unset)"} → RS256` });
      for (const { text } of changes) ctx.updates.push({ subject: `application ${key}`, text });
      // Credentials: the attached ones authenticate; their public keys come from key files (Auth0 never returns them).
      const attached = c.credentials.filter((x) => x.attached);
      const unattached = c.credentials.filter((x) => !x.attached);
      if (unattached.length > 0)
        ctx.skipped.push({
          subject: `application ${key}`,
          text: `${unattached.length} credential(s) not attached to the application (cannot authenticate): ${unattached.map((x) => `${x.name || x.id} (kid ${x.kid})`).join(", ")}; left alone`,
        });
      if (attached.length > 0) {
        app.credentials = attached.map((cred) => credentialSpec(ctx, key, cred, keyByThumbprint));
        // The provider's read leaves every PEM empty (terraform-provider-auth0 v1.53.0 client/flatten.go#L1004-1016).
        const privateKeyJwt: (typeof CREDENTIALS_FIELDS)[number] = "privateKeyJwt";
        ctx.adoptWith(adoptKeyOf({ type: RESOURCE_TYPES.ClientCredentials, name: key }), c.clientId, [privateKeyJwt]);
        ctx.updates.push({
          subject: `application ${key}`,
          text: "its credentials' public keys are written into the state (Auth0 never returns them); the provider pairs each key with the live credential whose key id is its thumbprint (client/resource_credentials.go classifyCredentialChanges) and sends nothing to Auth0",
        });
      }
      applications[key] = app;
      ctx.adoptWith(
        adoptKeyOf({ type: RESOURCE_TYPES.Client, name: key }),
        c.clientId,
        changes.map((x) => x.input),
      );
    }
  },
};
