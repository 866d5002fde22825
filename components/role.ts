import type * as auth0 from "@pulumi/auth0";
import * as pulumi from "@pulumi/pulumi";
import type { RoleModel } from "../src/kinds/models";
import type { Declarer } from "./declare";

export interface RoleArgs {
  model: RoleModel;
  declarer: Declarer;
}

/** An Auth0 role and all of its permissions, kept in one resource so permission edits never race. */
export class Role extends pulumi.ComponentResource {
  readonly role: auth0.Role;
  /** Absent when the role has no permissions (see RoleModel.permissions). */
  readonly permissions?: auth0.RolePermissions;

  constructor(name: string, { model, declarer }: RoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super(model.component.type, name, {}, opts);
    declarer.adopt(this, model.component);
    this.role = declarer.declare(model.role);
    if (model.permissions) this.permissions = declarer.declare(model.permissions);
    this.registerOutputs({ id: this.role.id });
  }
}
