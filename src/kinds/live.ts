import type { LiveAction } from "./action/live";
import type { LiveApi } from "./api/live";
import type { LiveClient } from "./application/live";
import type { LiveGrant } from "./grant/live";
import type { LiveRole } from "./role/live";
import type { LiveBinding } from "./trigger/live";
import type { Finding, PlanView } from "./vocabulary";

/**
 * A live tenant in the project's vocabulary: what the Management API returns, normalised (defaults filled in as
 * Auth0 documents them, lists sorted where Auth0's order carries no meaning), each kind's part mapped by its own
 * module (./<kind>/live.ts). Import and drift read only this.
 */
export interface LiveTenant {
  domain: string;
  /** The client the reader authenticated as (it is the previewer or deployer, never an application of the spec). */
  readerClientId: string;
  clients: LiveClient[];
  apis: LiveApi[];
  grants: LiveGrant[];
  actions: LiveAction[];
  /** Bindings of every trigger an action supports (and of post-login and credentials-exchange), in execution order. */
  bindings: Record<string, LiveBinding[]>;
  /** Roles with their permissions. */
  roles: LiveRole[];
}

/** How a managed resource of the plan was found in the tenant. */
export interface Correspondence {
  apis: Map<string, LiveApi>;
  apps: Map<string, LiveClient>;
  actions: Map<string, LiveAction>;
  /** Where each app's client id came from. */
  appSource: Map<string, "adopt" | "last deployment" | "name">;
}

/** What each kind's drift comparison reads: the plan, the tenant, and where each declared resource was found. */
export interface DriftContext {
  plan: PlanView;
  live: LiveTenant;
  match: Correspondence;
  /** API identifier → the spec's key for it (declared or found), for naming audiences. */
  apiKeyByAudience: Map<string, string>;
  /** Client id → the key of the application it is, for the managed ones. */
  managedClients: Map<string, string>;
}

export type DriftComparison<K extends string> = (ctx: DriftContext) => Finding<K>[];
