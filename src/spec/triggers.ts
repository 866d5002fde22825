/** The two triggers this project binds actions to, with the versions and handler exports Auth0 expects. */
export const TRIGGERS = {
  "post-login": { version: "v3", handler: "onExecutePostLogin", tokens: ["id", "access"] },
  "credentials-exchange": { version: "v2", handler: "onExecuteCredentialsExchange", tokens: ["access"] },
} as const;

export type Trigger = keyof typeof TRIGGERS;
export type TokenKind = "id" | "access";
export const TRIGGER_IDS = Object.keys(TRIGGERS) as Trigger[];

export const ACTION_RUNTIMES = ["node22", "node18"] as const;
export type ActionRuntime = (typeof ACTION_RUNTIMES)[number];

export { ACTION_LIMITS } from "@auth0-tenant/management-api-emulator/auth0-limits";
