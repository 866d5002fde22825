import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies";

// Run by the Pulumi CLI: pulumi preview --policy-pack policy
new PolicyPack("auth0-tenant", { policies: POLICIES });
