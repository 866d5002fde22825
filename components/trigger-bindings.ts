import type * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import type { TriggerModel } from "../src/kinds/models";
import type { Declarer } from "./declare";

export interface TriggerBindingsArgs {
  model: TriggerModel;
  declarer: Declarer;
}

/** Every binding of one trigger in one TriggerActions resource, so the order is explicit and nothing races. */
export class TriggerBindings extends pulumi.ComponentResource {
  readonly bindings: auth0.TriggerActions;

  constructor(name: string, { model, declarer }: TriggerBindingsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(model.component.type, name, {}, opts);
    declarer.adopt(this, model.component);
    this.bindings = declarer.declare(model.bindings);
    this.registerOutputs({ order: model.order });
  }
}
