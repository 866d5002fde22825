import { RESOURCE_TYPES } from "../../model/desired";
import type { Kind } from "../kind";
import { applicationKindModel } from "./model";
import { applicationSpec } from "./spec";
import { CREDENTIAL_RISK, credentialDetector, type CredentialChange } from "./credentials-review";
import { applicationDrift } from "./drift";
import { CLIENT_FIELD_NAMES, CREDENTIALS_FIELDS } from "./fields";
import { applicationImport } from "./import";
import { APPLICATION_RISK, applicationDetector, type ApplicationChange } from "./review";

/** An application (machine-to-machine or regular web) and its private_key_jwt credentials. */
export const application = {
  spec: applicationSpec,
  model: applicationKindModel,
  types: {
    [RESOURCE_TYPES.Client]: [
      "app.added",
      "app.removed",
      "app.type-changed",
      "app.metadata-changed",
      "app.url-added",
      "app.url-removed",
      "app.setting-changed",
    ],
    [RESOURCE_TYPES.ClientCredentials]: [
      "credential.added",
      "credential.retired",
      "credential.stack-specific",
      "credential.expiring",
      "credential.method-reverted",
      "credential.expiry-changed",
      "rotation.unsafe",
    ],
  },
  fields: [...CLIENT_FIELD_NAMES, ...CREDENTIALS_FIELDS],
  plan: { [RESOURCE_TYPES.Client]: "Applications", [RESOURCE_TYPES.ClientCredentials]: "Credentials" },
  review: {
    risk: { ...APPLICATION_RISK, ...CREDENTIAL_RISK },
    detector: {
      detect: async (ctx) => [...(await applicationDetector.detect(ctx)), ...(await credentialDetector.detect(ctx))],
    },
  },
  live: { drift: applicationDrift, import: applicationImport },
} satisfies Kind<typeof RESOURCE_TYPES.Client | typeof RESOURCE_TYPES.ClientCredentials, ApplicationChange | CredentialChange>;
