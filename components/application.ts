import type * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import type { ApplicationModel } from "../src/kinds/models";
import type { Declarer } from "./declare";

export interface ApplicationArgs {
  model: ApplicationModel;
  declarer: Declarer;
}

/** Shared body of the application components: a Client, its credentials and its grants, as the model says. */
abstract class ApplicationComponent extends pulumi.ComponentResource {
  readonly client: auth0.Client;
  readonly credentials?: auth0.ClientCredentials;
  readonly grants: Record<string, auth0.ClientGrant> = {};
  readonly clientId: pulumi.Output<string>;

  protected constructor(name: string, { model, declarer }: ApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super(model.component.type, name, {}, opts);
    declarer.adopt(this, model.component);
    this.client = declarer.declare(model.client);
    this.clientId = this.client.clientId;
    if (model.credentials) this.credentials = declarer.declare(model.credentials);
    for (const { apiKey, resource } of model.grants) this.grants[apiKey] = declarer.declare(resource);
    this.registerOutputs({ clientId: this.clientId, credentials: model.fingerprints });
  }
}

/** A machine-to-machine application that authenticates with private_key_jwt. */
export class PrivateKeyJwtApplication extends ApplicationComponent {
  constructor(name: string, args: ApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super(name, args, opts);
  }
}

/** A regular web application for user logins (authorization code flow). */
export class RegularWebApplication extends ApplicationComponent {
  constructor(name: string, args: ApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super(name, args, opts);
  }
}
