import { localClientId } from "./clients";
import type { TenantModel } from "../kinds/models";
import type { ApplicationSpec, TenantSpec } from "../kinds/specs";
import { credentialsExchangeEvent, postLoginEvent, type UserInfo } from "../actions/events";
import { runTrigger, type ActionRunResult } from "../actions/runtime";
import { ACTION_LIMITS, type Trigger } from "../spec/triggers";

/**
 * Running the actions bound to a trigger for one application, as Auth0 would: one event builder and one time
 * limit (Auth0's, ACTION_LIMITS.executionMs) for every local reader (the local tenant's token endpoint, the review's token-claims detector, `login`).
 */

export interface PlannedTenant {
  spec: TenantSpec;
  model: TenantModel;
}

export interface RunOptions {
  /** Action secrets by name, given to every bound action (values are never part of a plan). */
  secrets?: Record<string, string>;
  /** The client id the event carries; by default the app's local client id (derived from stack and app key). */
  clientId?: string;
}

/** The bound actions of a trigger, in execution order, with their code. */
export function boundActions(model: TenantModel, trigger: Trigger): { key: string; code: string }[] {
  return model.bindings[trigger].map((key) => ({ key, code: model.actions[key]!.bundle.code }));
}

const clientOf = (plan: PlannedTenant, app: ApplicationSpec, clientId?: string) => ({
  client_id: clientId ?? localClientId(plan.spec.stack, app.key),
  name: app.name,
  metadata: app.metadata,
});

function appOf(plan: PlannedTenant, appKey: string): ApplicationSpec {
  const app = plan.spec.applications[appKey];
  if (!app) throw new Error(`application ${appKey} is not declared in stack ${plan.spec.stack}`);
  return app;
}

/** The credentials-exchange actions for an M2M token request of `appKey` to `audience` with `scopes`. */
export async function runCredentialsExchange(
  plan: PlannedTenant,
  appKey: string,
  request: { audience: string; scopes: string[] },
  options: RunOptions = {},
): Promise<ActionRunResult> {
  const app = appOf(plan, appKey);
  const event = credentialsExchangeEvent({
    client: clientOf(plan, app, options.clientId),
    resourceServer: { identifier: request.audience },
    scopes: request.scopes,
  });
  return runTrigger(boundActions(plan.model, "credentials-exchange"), "credentials-exchange", event, {
    timeoutMs: ACTION_LIMITS.executionMs,
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
}

/** The post-login actions for a login of `user` through `connection` into `appKey`. */
export async function runPostLogin(
  plan: PlannedTenant,
  appKey: string,
  login: { user: UserInfo; connection: { name: string; strategy?: string }; audience?: string } & Pick<
    Parameters<typeof postLoginEvent>[0],
    "roles" | "loginsCount" | "transaction" | "session" | "scopes" | "request"
  >,
  options: RunOptions = {},
): Promise<ActionRunResult> {
  const app = appOf(plan, appKey);
  const { audience, ...rest } = login;
  const event = postLoginEvent({
    ...rest,
    client: clientOf(plan, app, options.clientId),
    ...(audience ? { resourceServer: { identifier: audience } } : {}),
  });
  return runTrigger(boundActions(plan.model, "post-login"), "post-login", event, {
    timeoutMs: ACTION_LIMITS.executionMs,
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
}
