import type { GrantRecord } from "../../live/records";
import { strings } from "../application/live";

export interface LiveGrant {
  id: string;
  clientId: string;
  audience: string;
  scopes: string[];
  /** "client" (the client-credentials grants the spec declares) or "user" (user access to an API through the app). */
  subjectType: string;
}

export const liveGrant = (g: GrantRecord): LiveGrant => ({
  id: g.id,
  clientId: g.client_id ?? "",
  audience: g.audience,
  scopes: strings(g.scope),
  subjectType: g.subject_type ?? "client",
});
