import type * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import type { ApiModel } from "../src/kinds/models";
import type { Declarer } from "./declare";

export interface ApiArgs {
  model: ApiModel;
  declarer: Declarer;
}

/** An Auth0 API (resource server) and all of its scopes, kept in one resource so scope edits never race. */
export class Api extends pulumi.ComponentResource {
  readonly resourceServer: auth0.ResourceServer;
  /** Absent when the API has no scopes (see ApiModel.scopes). */
  readonly scopes?: auth0.ResourceServerScopes;
  readonly identifier: pulumi.Output<string>;

  constructor(name: string, { model, declarer }: ApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super(model.component.type, name, {}, opts);
    declarer.adopt(this, model.component);
    this.resourceServer = declarer.declare(model.resourceServer);
    if (model.scopes) this.scopes = declarer.declare(model.scopes);
    this.identifier = this.resourceServer.identifier;
    this.registerOutputs({ identifier: this.identifier, scopes: model.scopes?.inputs.scopes.map((s) => s.name) ?? [] });
  }
}
