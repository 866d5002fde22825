import { CREDENTIAL_ALGORITHMS } from "../auth0-limits";
import { badRequest, credentialNotFound, payloadError } from "../errors";
import type { Route } from "../http";
import { newId } from "../ids";
import { auth0Time, type TenantStore } from "../store";
import { checkBody, type FieldType } from "../validate";
import type * as Wire from "../wire";

/** A client credential (`GET /clients/{id}/credentials`); the key it holds is kept beside it and never returned. */
export type CredentialRecord = Wire.CredentialAnswer & {
  credential_type: "public_key";
  kid: string;
  alg: string;
  name: string;
  created_at: string;
  updated_at: string;
};

/** What the emulator needs of a public key: its RFC 7638 thumbprint, and a certificate's notAfter. */
export interface InspectedKey {
  thumbprint: string;
  certificateNotAfter?: Date;
}

/** Key inspection, injected by the host: a PEM (SPKI, PKCS#1 or X.509) → its key, or a throw saying why it is not one. */
export type InspectKey<K extends InspectedKey> = (pem: string) => Promise<K>;

export interface StoredCredential<K extends InspectedKey = InspectedKey> {
  clientId: string;
  record: CredentialRecord;
  key: K;
}

const CREDENTIAL_CREATE_FIELDS: Record<string, FieldType> = {
  credential_type: "string",
  name: "string",
  subject_dn: "string",
  pem: "string",
  alg: "string",
  parse_expiry_from_cert: "boolean",
  expires_at: "string",
  kid: "string",
};

/** Client credentials by credential id. */
export class Credentials<K extends InspectedKey = InspectedKey> extends Map<string, StoredCredential<K>> {
  constructor(private readonly store: TenantStore<K>) {
    super();
  }

  of(clientId: string): CredentialRecord[] {
    this.store.clients.require(clientId);
    return [...this.values()].filter((c) => c.clientId === clientId).map((c) => c.record);
  }

  require(clientId: string, credentialId: string): CredentialRecord {
    this.store.clients.require(clientId);
    const c = this.get(credentialId);
    if (!c || c.clientId !== clientId) throw credentialNotFound();
    return c.record;
  }

  add(stored: StoredCredential<K>): CredentialRecord {
    this.set(stored.record.id, stored);
    return stored.record;
  }

  /** Credentials the client authenticates with (those attached under client_authentication_methods.private_key_jwt). */
  privateKeyJwt(clientId: string): StoredCredential<K>[] {
    return this.store.clients
      .privateKeyJwtCredentialIds(clientId)
      .map((id) => this.get(id))
      .filter((c) => c !== undefined);
  }

  /**
   * POST /clients/{id}/credentials: a public key (SPKI, PKCS#1) or X.509 certificate; `kid` is the key's RFC 7638
   * thumbprint unless one is given; `parse_expiry_from_cert` takes the certificate's notAfter. The PEM is kept for
   * verifying assertions and never returned.
   */
  async create(clientId: string, body: unknown, options: { id?: string } = {}): Promise<CredentialRecord> {
    this.store.clients.require(clientId);
    const b = checkBody(body, CREDENTIAL_CREATE_FIELDS, { required: ["credential_type"] });
    if (b.credential_type !== "public_key") {
      // Auth0 also has cert_subject_dn and x509_cert credentials (mTLS); they are not served here.
      throw payloadError(`Invalid value: ${JSON.stringify(b.credential_type)} (allowed: public_key)`, "credential_type");
    }
    if (typeof b.pem !== "string") throw payloadError("Missing required property: pem");
    const alg = (b.alg as string | undefined) ?? "RS256";
    if (!(CREDENTIAL_ALGORITHMS as readonly string[]).includes(alg)) {
      throw payloadError(`Invalid value: ${JSON.stringify(alg)} (allowed: ${CREDENTIAL_ALGORITHMS.join(", ")})`, "alg");
    }
    if (b.kid !== undefined && !/^[0-9a-zA-Z_-]{10,64}$/.test(b.kid as string)) {
      throw payloadError("String does not match pattern ^[0-9a-zA-Z-_]{10,64}$", "kid");
    }
    let key: K;
    try {
      key = await this.store.inspectKey(b.pem);
    } catch (e) {
      throw badRequest(`Invalid pem: ${(e as Error).message}`);
    }
    let expires: string | undefined;
    if (b.expires_at !== undefined) {
      if (Number.isNaN(Date.parse(b.expires_at as string)))
        throw payloadError("Object didn't pass validation for format date-time", "expires_at");
      expires = auth0Time(b.expires_at as string);
    } else if (b.parse_expiry_from_cert === true) {
      if (!key.certificateNotAfter) throw badRequest("parse_expiry_from_cert needs an X.509 certificate in pem");
      expires = auth0Time(key.certificateNotAfter);
    }
    const now = this.store.time();
    const record: CredentialRecord = {
      id: options.id ?? newId("credential"),
      credential_type: "public_key",
      kid: (b.kid as string | undefined) ?? key.thumbprint,
      alg,
      name: (b.name as string | undefined) ?? "",
      created_at: now,
      updated_at: now,
      ...(expires !== undefined ? { expires_at: expires } : {}),
    };
    return this.add({ clientId, record, key });
  }

  /** PATCH: only `expires_at` (Auth0 accepts nothing else; once set it cannot go back to "never"). */
  update(clientId: string, credentialId: string, body: unknown): CredentialRecord {
    const record = this.require(clientId, credentialId);
    const b = checkBody(body, { expires_at: "string" });
    const next = { ...record };
    if (b.expires_at !== undefined) {
      if (Number.isNaN(Date.parse(b.expires_at as string)))
        throw payloadError("Object didn't pass validation for format date-time", "expires_at");
      next.expires_at = auth0Time(b.expires_at as string);
    }
    next.updated_at = this.store.time();
    this.get(credentialId)!.record = next;
    return next;
  }

  /** Deletes a credential; it is detached from the client's private_key_jwt list too (as the dashboard does). */
  remove(clientId: string, credentialId: string): void {
    this.require(clientId, credentialId);
    this.delete(credentialId);
    this.store.clients.detachCredential(clientId, credentialId);
  }
}

/** A credential without its key material (Auth0 never returns the PEM). */
export const credentialView = (c: CredentialRecord): CredentialRecord => ({ ...c });

/** The list is a bare array, whatever paging parameters are sent (recorded). */
export function credentialRoutes(route: Route, store: TenantStore): void {
  route("GET", "/clients/:id/credentials", ["read:client_credentials"], ["page", "per_page", "include_totals"], ({ ctx }) => ({
    status: 200,
    body: store.credentials.of(ctx.params.id!).map(credentialView),
  }));
  route("POST", "/clients/:id/credentials", ["create:client_credentials"], [], async ({ ctx, json }) => ({
    status: 201,
    body: credentialView(await store.credentials.create(ctx.params.id!, json())),
  }));
  route("GET", "/clients/:id/credentials/:credentialId", ["read:client_credentials"], [], ({ ctx }) => ({
    status: 200,
    body: credentialView(store.credentials.require(ctx.params.id!, ctx.params.credentialId!)),
  }));
  route("PATCH", "/clients/:id/credentials/:credentialId", ["update:client_credentials"], [], ({ ctx, json }) => ({
    status: 200,
    body: credentialView(store.credentials.update(ctx.params.id!, ctx.params.credentialId!, json())),
  }));
  route("DELETE", "/clients/:id/credentials/:credentialId", ["delete:client_credentials"], [], ({ ctx }) => {
    store.credentials.remove(ctx.params.id!, ctx.params.credentialId!);
    return { status: 204 };
  });
}
