import * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import { actionModel } from "../src/model";
import type { ActionSpec } from "../src/spec";

export interface ClaimsActionArgs {
  action: ActionSpec;
  protect: boolean;
  /** Reads a secret from Pulumi config; the value stays a secret (encrypted in state, never printed). */
  secret: (configKey: string) => pulumi.Output<string>;
}

/** A bundled Action, deployed (not just saved) so that bindings always point at a built version. */
export class ClaimsAction extends pulumi.ComponentResource {
  readonly action: auth0.Action;

  constructor(name: string, args: ClaimsActionArgs, opts?: pulumi.ComponentResourceOptions) {
    const model = actionModel(args.action, args.protect);
    super(model.component.type, name, {}, opts);
    const a = model.action;
    this.action = new auth0.Action(
      a.name,
      { ...a.inputs, secrets: a.inputs.secrets.map((s) => ({ name: s.name, value: args.secret(s.value.$secret.config) })) },
      { parent: this, protect: a.protect },
    );
    this.registerOutputs({ id: this.action.id, sha256: args.action.bundle.sha256 });
  }
}
