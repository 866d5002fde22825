import * as pulumi from "@pulumi/pulumi";
import type { Trigger } from "../src/spec/triggers";
import { assertNever } from "../src/errors";
import { componentsInOrder, TENANT_COMPONENT } from "../src/tenant/model";
import { type OutputsModel, type TenantModel } from "../src/kinds/models";
import { Api } from "./api";
import { PrivateKeyJwtApplication, RegularWebApplication, type ApplicationArgs } from "./application";
import { ClaimsAction } from "./claims-action";
import { Declarer } from "./declare";
import { Role } from "./role";
import { TriggerBindings } from "./trigger-bindings";

/** The stack outputs: the model's, with each reference replaced by the output it names. */
export type TenantOutputs = { [K in keyof OutputsModel]: unknown };

export interface TenantOptions extends pulumi.ComponentResourceOptions {
  /** Reads a secret config value for action secrets (the program passes `config.requireSecret`). */
  secret?: (configKey: string) => pulumi.Output<string>;
}

/** The whole tenant: one component per API, application, action and trigger of the model, in the model's order. */
export class Tenant extends pulumi.ComponentResource {
  readonly apis: Record<string, Api> = {};
  readonly applications: Record<string, PrivateKeyJwtApplication | RegularWebApplication> = {};
  readonly actions: Record<string, ClaimsAction> = {};
  readonly triggers: Partial<Record<Trigger, TriggerBindings>> = {};
  readonly roles: Record<string, Role> = {};
  readonly outputs: TenantOutputs;

  constructor(model: TenantModel, options: TenantOptions = {}) {
    const { secret, ...opts } = options;
    super(TENANT_COMPONENT.type, TENANT_COMPONENT.name, {}, opts);
    const declarer = new Declarer(secret ?? ((key: string) => new pulumi.Config().requireSecret(key)));
    declarer.adopt(this, TENANT_COMPONENT);
    const child = { parent: this };
    for (const c of componentsInOrder(model)) {
      switch (c.kind) {
        case "api":
          this.apis[c.key] = new Api(c.key, { model: c, declarer }, child);
          break;
        case "application":
          this.applications[c.key] = applicationComponent(c.key, { model: c, declarer }, child);
          break;
        case "action":
          this.actions[c.key] = new ClaimsAction(c.key, { model: c, declarer }, child);
          break;
        case "trigger":
          this.triggers[c.trigger] = new TriggerBindings(c.trigger, { model: c, declarer }, child);
          break;
        case "role":
          this.roles[c.key] = new Role(c.key, { model: c, declarer }, child);
          break;
        default:
          assertNever(c, "component kind");
      }
    }
    this.outputs = declarer.resolve(model.outputs) as TenantOutputs;
    this.registerOutputs(this.outputs);
  }
}

function applicationComponent(name: string, args: ApplicationArgs, opts: pulumi.ComponentResourceOptions) {
  switch (args.model.appType) {
    case "m2m":
      return new PrivateKeyJwtApplication(name, args, opts);
    case "regular_web":
      return new RegularWebApplication(name, args, opts);
    default:
      return assertNever(args.model.appType, "application type");
  }
}
