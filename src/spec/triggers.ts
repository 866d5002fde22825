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

/** Auth0's limits for actions. */
export const ACTION_LIMITS = {
  codeBytes: 100 * 1024,
  actionsPerTrigger: 20,
  actionsPerTenant: 100,
  secretsPerAction: 30,
  secretValueChars: 4096,
  customClaimsBytesPerToken: 100 * 1024,
  /** Auth0 stops an action after 20 s; the local runtime applies the same limit to each action it runs. */
  executionMs: 20_000,
} as const;
