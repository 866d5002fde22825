import { DEFAULT_TOKEN_LIFETIME, defaultTokenLifetimeForWeb } from "../auth0-limits";
import { badRequest, conflict, payloadError, resourceServerNotFound } from "../errors";
import type { Route } from "../http";
import { newId } from "../ids";
import { offsetPage, offsetParams } from "../paging";
import type { TenantStore } from "../store";
import { checkBody, type FieldType } from "../validate";
import type * as Wire from "../wire";

export type ResourceServerRecord = Omit<Wire.ResourceServerAnswer, "scopes"> & {
  scopes?: { value: string; description?: string }[];
  [property: string]: unknown;
};

const RS_UPDATE_FIELDS: Record<string, FieldType> = {
  name: "string",
  scopes: "array",
  signing_alg: "string",
  signing_secret: "string",
  skip_consent_for_verifiable_first_party_clients: "boolean",
  allow_offline_access: "boolean",
  allow_online_access: "boolean",
  allow_online_access_with_ephemeral_sessions: "boolean",
  token_lifetime: "integer",
  // Not in the SDK's request types, but sent by the Terraform/Pulumi provider and accepted by Auth0.
  token_lifetime_for_web: "integer",
  token_lifetime_for_anonymous_access_tokens: "integer",
  token_dialect: "string",
  enforce_policies: "boolean",
  token_encryption: "any",
  consent_policy: "any",
  authorization_details: "any",
  proof_of_possession: "any",
  subject_type_authorization: "any",
  authorization_policy: "any",
};
const RS_CREATE_FIELDS: Record<string, FieldType> = { ...RS_UPDATE_FIELDS, identifier: "string" };
const SIGNING_ALGS = ["HS256", "RS256", "RS512", "PS256"];
/** terraform-provider-auth0 v1.53.0, internal/auth0/resourceserver/resource.go: token_dialect's allowed values. */
export const TOKEN_DIALECTS = ["access_token", "access_token_authz", "rfc9068_profile", "rfc9068_profile_authz"] as const;

const clone = <T>(v: T): T => structuredClone(v);

/** APIs by id; Auth0 also finds one by its identifier. */
export class ResourceServers extends Map<string, ResourceServerRecord> {
  constructor(private readonly store: TenantStore) {
    super();
  }

  byIdentifier(identifier: string): ResourceServerRecord | undefined {
    for (const rs of this.values()) if (rs.identifier === identifier) return rs;
    return undefined;
  }

  /** By id or by identifier (Auth0 accepts both, even a doubly URL-encoded identifier), or Auth0's 404. */
  require(idOrIdentifier: string): ResourceServerRecord {
    let rs = this.get(idOrIdentifier) ?? this.byIdentifier(idOrIdentifier);
    if (!rs) {
      try {
        rs = this.byIdentifier(decodeURIComponent(idOrIdentifier));
      } catch {
        // not encoded
      }
    }
    if (!rs) throw resourceServerNotFound();
    return rs;
  }

  add(record: ResourceServerRecord, system = false): ResourceServerRecord {
    if (this.byIdentifier(record.identifier)) throw conflict("A resource server with the same identifier already exists");
    this.set(record.id, system ? { ...record, is_system: true } : record);
    return this.get(record.id)!;
  }

  create(body: unknown, options: { id?: string } = {}): ResourceServerRecord {
    const b = checkBody(body, RS_CREATE_FIELDS, { required: ["identifier"] });
    checkResourceServerFields(b);
    const { identifier, ...rest } = b;
    const record: ResourceServerRecord = {
      id: options.id ?? newId("resourceServer"),
      identifier: identifier as string,
      allow_offline_access: false,
      skip_consent_for_verifiable_first_party_clients: false,
      subject_type_authorization: { client: { policy: "require_client_grant" }, user: { policy: "allow_all" } },
      token_lifetime: DEFAULT_TOKEN_LIFETIME,
      token_lifetime_for_web: defaultTokenLifetimeForWeb((b.token_lifetime as number | undefined) ?? DEFAULT_TOKEN_LIFETIME),
      signing_alg: "RS256",
      ...clone(rest),
    };
    checkLifetimes(record);
    return this.add(record);
  }

  update(idOrIdentifier: string, body: unknown): ResourceServerRecord {
    const record = this.require(idOrIdentifier);
    const b = checkBody(body, RS_UPDATE_FIELDS, { nullable: true });
    checkResourceServerFields(b);
    if (record.is_system && b.scopes !== undefined)
      throw badRequest("The scopes of a system resource server cannot be changed", "operation_not_supported");
    const next = clone(record);
    for (const [k, v] of Object.entries(b)) {
      if (v === null) delete next[k];
      else next[k] = clone(v);
    }
    checkLifetimes(next);
    this.set(record.id, next);
    return next;
  }

  /** Deletes an API with the client grants for it and the roles' permissions on it. Auth0's own system API cannot be deleted. */
  remove(idOrIdentifier: string): void {
    const record = this.require(idOrIdentifier);
    // Not recorded; the wording is ours.
    if (record.is_system) throw badRequest("A system resource server cannot be deleted", "operation_not_supported");
    this.delete(record.id);
    for (const [grantId, g] of this.store.grants) if (g.audience === record.identifier) this.store.grants.remove(grantId);
    this.store.roles.forgetApi(record.identifier);
  }
}

function checkResourceServerFields(b: Record<string, unknown>) {
  if (typeof b.signing_alg === "string" && !SIGNING_ALGS.includes(b.signing_alg))
    throw payloadError(`No enum match for: "${b.signing_alg}"`, "signing_alg");
  if (typeof b.token_dialect === "string" && !(TOKEN_DIALECTS as readonly string[]).includes(b.token_dialect))
    throw payloadError(`No enum match for: "${b.token_dialect}"`, "token_dialect");
  if (Array.isArray(b.scopes)) {
    for (const s of b.scopes as unknown[]) checkBody(s, { value: "string", description: "string" }, { required: ["value"] });
  }
}

function checkLifetimes(rs: ResourceServerRecord) {
  const life = rs.token_lifetime ?? undefined;
  const web = rs.token_lifetime_for_web ?? undefined;
  if (life !== undefined && (life < 1 || life > 2592000)) throw payloadError("Value out of range (1 to 2592000)", "token_lifetime");
  if (life !== undefined && web !== undefined && web > life) {
    throw payloadError("token_lifetime_for_web must be less than or equal to token_lifetime", "token_lifetime_for_web");
  }
}

/** Recorded: a resource server whose scopes are empty has no `scopes` property at all. */
export function resourceServerView(rs: ResourceServerRecord): ResourceServerRecord {
  const body = clone(rs);
  if (Array.isArray(body.scopes) && body.scopes.length === 0) delete body.scopes;
  return body;
}

/** By id or identifier. */
export function resourceServerRoutes(route: Route, store: TenantStore): void {
  route(
    "GET",
    "/resource-servers",
    ["read:resource_servers"],
    ["identifiers", "page", "per_page", "include_totals", "include_fields"],
    ({ query }) => {
      const identifiers = query.getAll("identifiers");
      const items = [...store.resourceServers.values()]
        .filter((rs) => identifiers.length === 0 || identifiers.includes(rs.identifier))
        .map(resourceServerView);
      return { status: 200, body: offsetPage(items, "resource_servers", offsetParams(query)) };
    },
  );
  route("POST", "/resource-servers", ["create:resource_servers"], [], ({ json }) => ({
    status: 201,
    body: resourceServerView(store.resourceServers.create(json())),
  }));
  route("GET", "/resource-servers/:id", ["read:resource_servers"], ["include_fields"], ({ ctx }) => ({
    status: 200,
    body: resourceServerView(store.resourceServers.require(ctx.params.id!)),
  }));
  route("PATCH", "/resource-servers/:id", ["update:resource_servers"], [], ({ ctx, json }) => ({
    status: 200,
    body: resourceServerView(store.resourceServers.update(ctx.params.id!, json())),
  }));
  route("DELETE", "/resource-servers/:id", ["delete:resource_servers"], [], ({ ctx }) => {
    store.resourceServers.remove(ctx.params.id!);
    return { status: 204 };
  });
}
