import { X509Certificate } from "node:crypto";
import { RESOURCE_TYPES } from "../../src/model";
import type { LocalStore } from "../../src/local-tenant/management";
import { specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { readStackConfig } from "../../src/plan";
import { tenantProgram } from "../../src/program";
import { customResources, settle, underMocks, type Registered } from "../support/mock-runtime";
import { ProviderDouble, type ImportEngine, type LiveTenant, type PlannedChange } from "../support/provider-double";

/**
 * What terraform-provider-auth0 v1.53.0 reads for a resource imported by id (its importers and Read/flatten
 * functions), in the provider's input names, from the local tenant's store. Never read back: a credential's PEM
 * (client/flatten.go#L1004-1016: taken from state, empty on import), an action's secret values and its `deploy` flag
 * (action/flatten.go sets neither). A grant's scopes keep the Management API's order (client/flatten.go).
 */
export function importedState(store: LocalStore, type: string, id: string): Record<string, unknown> | undefined {
  switch (type) {
    case RESOURCE_TYPES.Client: {
      const c = store.clients.get(id);
      if (!c) return undefined;
      const jwt = (c.jwt_configuration ?? {}) as { alg?: string; lifetime_in_seconds?: number; secret_encoded?: boolean };
      return {
        clientId: c.client_id,
        name: c.name,
        description: (c.description as string | undefined) ?? "",
        appType: c.app_type,
        isFirstParty: c.is_first_party,
        oidcConformant: c.oidc_conformant,
        grantTypes: c.grant_types,
        callbacks: c.callbacks ?? [],
        allowedLogoutUrls: c.allowed_logout_urls ?? [],
        webOrigins: c.web_origins ?? [],
        clientMetadata: c.client_metadata ?? {},
        jwtConfiguration: { alg: jwt.alg, lifetimeInSeconds: jwt.lifetime_in_seconds, secretEncoded: jwt.secret_encoded },
        // Optional-only fields the read sets whatever the program declares (client/flatten.go).
        logoUri: (c.logo_uri as string | undefined) ?? "",
        allowedOrigins: (c.allowed_origins as string[] | undefined) ?? [],
        crossOriginAuth: (c.cross_origin_authentication as boolean | undefined) ?? false,
        sso: (c.sso as boolean | undefined) ?? false,
        ssoDisabled: (c.sso_disabled as boolean | undefined) ?? false,
      };
    }
    case RESOURCE_TYPES.ClientCredentials: {
      if (!store.clients.has(id)) return undefined;
      const attached = store.credentials.privateKeyJwt(id);
      return {
        clientId: id,
        authenticationMethod: attached.length > 0 ? "private_key_jwt" : store.clients.get(id)!.token_endpoint_auth_method,
        privateKeyJwt: {
          credentials: attached.map((c) => ({
            id: c.record.id,
            name: c.record.name,
            keyId: c.record.kid,
            credentialType: c.record.credential_type,
            algorithm: c.record.alg,
            pem: "",
            ...(c.record.expires_at ? { expiresAt: c.record.expires_at } : {}),
          })),
        },
      };
    }
    case RESOURCE_TYPES.ClientGrant: {
      const g = store.grants.get(id);
      return g && { clientId: g.client_id, audience: g.audience, scopes: [...(g.scope ?? [])] };
    }
    case RESOURCE_TYPES.ResourceServer: {
      const rs = store.resourceServers.get(id);
      return (
        rs && {
          identifier: rs.identifier,
          name: rs.name,
          signingAlg: rs.signing_alg,
          tokenLifetime: rs.token_lifetime,
          tokenLifetimeForWeb: rs.token_lifetime_for_web,
          allowOfflineAccess: rs.allow_offline_access,
          skipConsentForVerifiableFirstPartyClients: rs.skip_consent_for_verifiable_first_party_clients,
          // Optional+Computed (resourceserver/flatten.go): read as Auth0 answers, its defaults when it leaves them out.
          enforcePolicies: rs.enforce_policies ?? false,
          tokenDialect: rs.token_dialect ?? "access_token",
        }
      );
    }
    case RESOURCE_TYPES.ResourceServerScopes: {
      const rs = store.resourceServers.byIdentifier(id);
      return (
        rs && {
          resourceServerIdentifier: rs.identifier,
          scopes: (rs.scopes ?? []).map((s) => ({ name: s.value, description: s.description ?? "" })),
        }
      );
    }
    case RESOURCE_TYPES.Action: {
      const a = store.actions.get(id);
      const t = a?.supported_triggers[0];
      return (
        a &&
        t && {
          name: a.name,
          code: a.code,
          runtime: a.runtime,
          supportedTriggers: { id: t.id, version: t.version },
          deploy: false,
          versionId: a.deployedVersionId,
        }
      );
    }
    case RESOURCE_TYPES.TriggerActions: {
      const bindings = store.bindings.get(id);
      return bindings && bindings.length > 0
        ? { trigger: id, actions: bindings.map((b) => ({ displayName: b.display_name, id: b.action_id })) }
        : undefined;
    }
    case RESOURCE_TYPES.Role: {
      // role/flatten.go flattenRole: a role without a description reads "" (GetDescription()).
      const r = store.roles.get(id);
      return r && { name: r.name, description: r.description ?? "" };
    }
    case RESOURCE_TYPES.RolePermissions: {
      // Imported by the role's id (ImportStatePassthroughContext); readRolePermissions pages the role's permissions and
      // flattenRolePermissionsSlice adds each scope's description and its API's name.
      if (!store.roles.has(id)) return undefined;
      return {
        roleId: id,
        permissions: store.roles.permissionsOf(id).map((p) => {
          const rs = store.resourceServers.byIdentifier(p.resource_server_identifier);
          return {
            name: p.permission_name,
            resourceServerIdentifier: p.resource_server_identifier,
            description: rs?.scopes?.find((s) => s.value === p.permission_name)?.description ?? "",
            resourceServerName: rs?.name ?? "",
          };
        }),
      };
    }
    default:
      return undefined;
  }
}

/** A credential's PEM → its certificate's notAfter, for comparing effective expiries. */
export const certificateNotAfter = (pem: string) =>
  pem.includes("CERTIFICATE") ? new Date(new X509Certificate(pem).validTo).toISOString() : undefined;

/** The tenant as the provider double sees it: what imports read and what a create runs into. */
export function liveTenant(store: LocalStore): LiveTenant {
  return {
    read: (type, id) => importedState(store, type, id),
    grantScopes: (clientId, audience) => {
      const g = [...store.grants.values()].find(
        (x) => x.client_id === clientId && x.audience === audience && (x.subject_type ?? "client") === "client",
      );
      return g && [...(g.scope ?? [])];
    },
    apiScopes: (identifier) =>
      (store.resourceServers.byIdentifier(identifier)?.scopes ?? []).map((s) => ({ name: s.value, description: s.description ?? "" })),
  };
}

/** Registration inputs with Pulumi's secret wrappers replaced by their values (the double compares plain values). */
export function unwrapSecrets(value: any): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    if (specialSigKey in value) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

const short = (c: PlannedChange) => `${c.address.split(":").slice(-3).join(":")} ${c.paths.join(",")}`.trimEnd();

export interface AdoptionRuns {
  /** The adopt run (`adopt:` as import wrote it): the preview's steps and the engine's warnings. */
  adopt: { changes: PlannedChange[]; warnings: string[]; registered: Registered[] };
  /** The run after `adopt:` is deleted: what the second, reviewed `pulumi up` changes ("Type::name paths"). */
  second: string[];
  /** The run after that: nothing left to change. */
  third: string[];
}

/**
 * The two deployments of adopting a tenant, under the provider double and the engine rules it models: the adopt
 * run (preview, then up), the run with `adopt:` deleted (preview, then up), and one more preview.
 */
export async function adoptionRuns(options: {
  root: string;
  stack: string;
  store: LocalStore;
  secretKeys: string[];
  now: Date;
  engine: ImportEngine;
}): Promise<AdoptionRuns> {
  const { root, stack, store, now } = options;
  const config = (await readStackConfig(root, stack)).values;
  const provider = new ProviderDouble({ engine: options.engine, live: liveTenant(store) });
  const run = async (values: Record<string, unknown>, lastOutputs?: Record<string, unknown>) => {
    const r = await underMocks(
      {
        stack,
        config: { ...values, "auth0-tenant:rotationGuardSource": "outputs" },
        secretKeys: options.secretKeys,
        provider,
        ...(lastOutputs ? { lastOutputs } : {}),
        imported: (type, _name, id) => importedState(store, type, id),
      },
      async () => settle((await tenantProgram(root, { now })).outputs),
    );
    if (r.error) throw r.error;
    const registered = customResources(r.registered).map((x) => ({ ...x, inputs: unwrapSecrets(x.inputs) }));
    return { registered, outputs: r.result as Record<string, unknown> };
  };
  const first = await run(config);
  const adopt = { ...provider.preview(first.registered), registered: first.registered };
  provider.up(first.registered);
  const tenant = structuredClone(config["auth0-tenant:tenant"]) as Record<string, unknown>;
  delete tenant.adopt;
  const withoutAdopt = { ...config, "auth0-tenant:tenant": tenant };
  const secondRun = await run(withoutAdopt, first.outputs);
  const second = provider.up(secondRun.registered).map(short);
  const thirdRun = await run(withoutAdopt, secondRun.outputs);
  return { adopt, second: second.sort(), third: provider.plan(thirdRun.registered).map(short) };
}
