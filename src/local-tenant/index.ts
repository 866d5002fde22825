import type { Server } from "node:http";
import { planStack, renderErrors, type Plan } from "../plan";
import { listen, localTenantServer } from "./server";
import { actionsHook, newSigningKey, TokenEndpoint, type CredentialsExchangeHook } from "./token-endpoint";

export { localClientId, localKid } from "./clients";

export interface LocalTenant {
  url: string;
  plan: Plan;
  endpoint: TokenEndpoint;
  close: () => Promise<void>;
}

/** Plans a stack (the same plan `pulumi up` would apply) and serves it as a token endpoint on 127.0.0.1. */
export async function startLocalTenant(options: {
  dir: string;
  stack: string;
  port?: number;
  customDomain?: string;
  /** Replaces the bound credentials-exchange actions (tests); by default they run in the local action runtime. */
  hook?: CredentialsExchangeHook;
  actionSecrets?: Record<string, string>;
  now?: () => Date;
}): Promise<LocalTenant> {
  const planned = await planStack(options.dir, options.stack, options.now?.() ?? new Date());
  if (!planned.ok) throw new Error(renderErrors(planned.source, planned.errors));
  const plan = planned.plan;
  if (!plan.domain)
    throw new Error(`Pulumi.${options.stack}.yaml: auth0:domain is not set (the local tenant issues tokens as https://<domain>/)`);
  let url = "";
  const endpoint = new TokenEndpoint(plan.spec, {
    domain: plan.domain,
    ...(options.customDomain ? { customDomain: options.customDomain } : {}),
    signingKey: await newSigningKey(),
    hook: options.hook ?? actionsHook(plan.spec, options.actionSecrets),
    ...(options.now ? { now: options.now } : {}),
  });
  const server: Server = localTenantServer(endpoint, () => url);
  const port = await listen(server, options.port ?? 0);
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    plan,
    endpoint,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
