import * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import { apiModel } from "../src/model";
import type { ApiSpec } from "../src/spec";

export interface ApiArgs {
  api: ApiSpec;
  protect: boolean;
}

/** An Auth0 API (resource server) and all of its scopes, kept in one resource so scope edits never race. */
export class Api extends pulumi.ComponentResource {
  readonly resourceServer: auth0.ResourceServer;
  readonly scopes: auth0.ResourceServerScopes;
  readonly identifier: pulumi.Output<string>;

  constructor(name: string, args: ApiArgs, opts?: pulumi.ComponentResourceOptions) {
    const model = apiModel(args.api, args.protect);
    super(model.component.type, name, {}, opts);
    const rs = model.resourceServer;
    this.resourceServer = new auth0.ResourceServer(rs.name, rs.inputs, { parent: this, protect: rs.protect });
    const sc = model.scopes;
    this.scopes = new auth0.ResourceServerScopes(
      sc.name,
      { ...sc.inputs, resourceServerIdentifier: this.resourceServer.identifier },
      { parent: this, protect: sc.protect },
    );
    this.identifier = this.resourceServer.identifier;
    this.registerOutputs({ identifier: this.identifier, scopes: Object.keys(args.api.scopes) });
  }
}
