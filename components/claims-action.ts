import type * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import type { ActionModel } from "../src/kinds/models";
import type { Declarer } from "./declare";

export interface ClaimsActionArgs {
  model: ActionModel;
  declarer: Declarer;
}

/** A bundled Action, deployed (not just saved) so that bindings always point at a built version. */
export class ClaimsAction extends pulumi.ComponentResource {
  readonly action: auth0.Action;

  constructor(name: string, { model, declarer }: ClaimsActionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(model.component.type, name, {}, opts);
    declarer.adopt(this, model.component);
    this.action = declarer.declare(model.action);
    this.registerOutputs({ id: this.action.id, sha256: model.bundle.sha256 });
  }
}
