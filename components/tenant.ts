import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES, TENANT_COMPONENT_NAME } from "../src/model";
import type { TenantSpec } from "../src/spec";
import { TRIGGER_IDS } from "../src/actions/triggers";
import { Api } from "./api";
import { ClaimsAction } from "./claims-action";
import { TriggerBindings } from "./trigger-bindings";
import { fingerprints, PrivateKeyJwtApplication, RegularWebApplication, type CredentialFingerprint } from "./application";

export interface TenantOutputs {
  apis: Record<string, { identifier: pulumi.Output<string>; scopes: string[] }>;
  applications: Record<string, { type: string; clientId: pulumi.Output<string>; credentials: CredentialFingerprint[] }>;
  actions: Record<string, { trigger: string; id: pulumi.Output<string>; sha256: string }>;
  triggers: Record<string, string[]>;
}

export interface TenantOptions extends pulumi.ComponentResourceOptions {
  /** Reads a secret config value for action secrets (the program passes `config.requireSecret`). */
  secret?: (configKey: string) => pulumi.Output<string>;
}

/** The whole tenant: every API and application of a validated spec. */
export class Tenant extends pulumi.ComponentResource {
  readonly apis: Record<string, Api> = {};
  readonly applications: Record<string, PrivateKeyJwtApplication | RegularWebApplication> = {};
  readonly actions: Record<string, ClaimsAction> = {};
  readonly triggers: Record<string, TriggerBindings> = {};

  constructor(spec: TenantSpec, options: TenantOptions = {}) {
    const { secret, ...opts } = options;
    super(COMPONENT_TYPES.Tenant, TENANT_COMPONENT_NAME, {}, opts);
    for (const api of Object.values(spec.apis)) {
      this.apis[api.key] = new Api(api.key, { api, protect: spec.protect }, { parent: this });
    }
    for (const app of Object.values(spec.applications)) {
      const common = { protect: spec.protect, apis: this.apis };
      this.applications[app.key] =
        app.type === "m2m"
          ? new PrivateKeyJwtApplication(app.key, { ...common, application: app }, { parent: this })
          : new RegularWebApplication(app.key, { ...common, application: app }, { parent: this });
    }
    const readSecret = secret ?? ((key: string) => new pulumi.Config().requireSecret(key));
    for (const action of Object.values(spec.actions)) {
      this.actions[action.key] = new ClaimsAction(action.key, { action, protect: spec.protect, secret: readSecret }, { parent: this });
    }
    for (const trigger of TRIGGER_IDS) {
      this.triggers[trigger] = new TriggerBindings(
        trigger,
        { trigger, order: spec.triggers[trigger], actions: this.actions, protect: spec.protect },
        { parent: this },
      );
    }
    this.registerOutputs(this.outputs(spec));
  }

  outputs(spec: TenantSpec): TenantOutputs {
    return {
      apis: Object.fromEntries(
        Object.values(spec.apis).map((a) => [a.key, { identifier: this.apis[a.key]!.identifier, scopes: Object.keys(a.scopes) }]),
      ),
      applications: Object.fromEntries(
        Object.values(spec.applications).map((a) => [
          a.key,
          { type: a.type, clientId: this.applications[a.key]!.clientId, credentials: fingerprints(a.credentials) },
        ]),
      ),
      actions: Object.fromEntries(
        Object.values(spec.actions).map((a) => [
          a.key,
          { trigger: a.trigger, id: this.actions[a.key]!.action.id, sha256: a.bundle.sha256 },
        ]),
      ),
      triggers: Object.fromEntries(TRIGGER_IDS.map((t) => [t, spec.triggers[t]])),
    };
  }
}
