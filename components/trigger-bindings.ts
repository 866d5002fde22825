import * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import type { Trigger } from "../src/actions/triggers";
import { triggerModel } from "../src/model";
import type { ClaimsAction } from "./claims-action";

export interface TriggerBindingsArgs {
  trigger: Trigger;
  /** Bound action keys, in execution order. */
  order: string[];
  actions: Record<string, ClaimsAction>;
  protect: boolean;
}

/** Every binding of one trigger in one TriggerActions resource, so the order is explicit and nothing races. */
export class TriggerBindings extends pulumi.ComponentResource {
  readonly bindings: auth0.TriggerActions;

  constructor(name: string, args: TriggerBindingsArgs, opts?: pulumi.ComponentResourceOptions) {
    const model = triggerModel(args.trigger, args.order, args.protect);
    super(model.component.type, name, {}, opts);
    const b = model.bindings;
    const bound = args.order.map((k) => {
      const action = args.actions[k];
      if (!action) throw new Error(`trigger ${args.trigger}: action ${k} is not declared (the spec validation should have caught this)`);
      return action.action;
    });
    this.bindings = new auth0.TriggerActions(
      b.name,
      { trigger: b.inputs.trigger, actions: bound.map((action, i) => ({ id: action.id, displayName: args.order[i]! })) },
      { parent: this, protect: b.protect, dependsOn: bound },
    );
    this.registerOutputs({ order: args.order });
  }
}
