import * as pulumi from "@pulumi/pulumi";
import { COMPONENT_TYPES, TENANT_COMPONENT_NAME } from "../src/model";
import type { TenantSpec } from "../src/spec";
import { Api } from "./api";
import { fingerprints, PrivateKeyJwtApplication, RegularWebApplication, type CredentialFingerprint } from "./application";

export interface TenantOutputs {
  apis: Record<string, { identifier: pulumi.Output<string>; scopes: string[] }>;
  applications: Record<string, { type: string; clientId: pulumi.Output<string>; credentials: CredentialFingerprint[] }>;
}

/** The whole tenant: every API and application of a validated spec. */
export class Tenant extends pulumi.ComponentResource {
  readonly apis: Record<string, Api> = {};
  readonly applications: Record<string, PrivateKeyJwtApplication | RegularWebApplication> = {};

  constructor(spec: TenantSpec, opts?: pulumi.ComponentResourceOptions) {
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
    };
  }
}
