import * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import { applicationModel, type ApplicationModel } from "../src/model";
import type { ApplicationSpec, CredentialSpec } from "../src/spec";
import type { Api } from "./api";

export interface CredentialFingerprint {
  name: string;
  algorithm: string;
  bits: number;
  thumbprint: string;
  expiresAt: string | null;
}

/** Auth0 never returns key material, so each app exports what identifies its keys. */
export const fingerprints = (credentials: CredentialSpec[] = []): CredentialFingerprint[] =>
  credentials.map((c) => ({
    name: c.name,
    algorithm: c.algorithm,
    bits: c.key.bits,
    thumbprint: c.key.thumbprint,
    expiresAt: c.effectiveExpiresAt ?? null,
  }));

interface ApplicationArgs<S extends ApplicationSpec> {
  application: S;
  protect: boolean;
  /** The tenant's APIs, so grants wait for the API and its scopes to exist. */
  apis: Record<string, Api>;
}

/** Shared body of the application components: a Client, its credentials and its grants. */
abstract class ApplicationComponent<S extends ApplicationSpec> extends pulumi.ComponentResource {
  readonly client: auth0.Client;
  readonly credentials?: auth0.ClientCredentials;
  readonly grants: Record<string, auth0.ClientGrant> = {};
  readonly clientId: pulumi.Output<string>;

  protected constructor(name: string, args: ApplicationArgs<S>, opts?: pulumi.ComponentResourceOptions) {
    const model: ApplicationModel = applicationModel(args.application, args.protect);
    super(model.component.type, name, {}, opts);
    const c = model.client;
    this.client = new auth0.Client(c.name, c.inputs, { parent: this, protect: c.protect });
    this.clientId = this.client.clientId;
    if (model.credentials) {
      const cr = model.credentials;
      this.credentials = new auth0.ClientCredentials(
        cr.name,
        { ...cr.inputs, clientId: this.clientId },
        { parent: this, protect: cr.protect },
      );
    }
    for (const { apiKey, resource: g } of model.grants) {
      const api = args.apis[apiKey];
      if (!api) throw new Error(`grant ${g.name}: API ${apiKey} is not declared (the spec validation should have caught this)`);
      this.grants[apiKey] = new auth0.ClientGrant(
        g.name,
        { ...g.inputs, clientId: this.clientId, audience: api.identifier },
        { parent: this, protect: g.protect, dependsOn: [api.scopes] },
      );
    }
    this.registerOutputs({ clientId: this.clientId, credentials: fingerprints(args.application.credentials) });
  }
}

/** A machine-to-machine application that authenticates with private_key_jwt only (no client secret exists). */
export class PrivateKeyJwtApplication extends ApplicationComponent<Extract<ApplicationSpec, { type: "m2m" }>> {
  constructor(name: string, args: ApplicationArgs<Extract<ApplicationSpec, { type: "m2m" }>>, opts?: pulumi.ComponentResourceOptions) {
    super(name, args, opts);
  }
}

/** A regular web application for user logins (authorization code flow). */
export class RegularWebApplication extends ApplicationComponent<Extract<ApplicationSpec, { type: "regular_web" }>> {
  constructor(
    name: string,
    args: ApplicationArgs<Extract<ApplicationSpec, { type: "regular_web" }>>,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(name, args, opts);
  }
}
