import type { ResourceServerRecord } from "../../live/records";
import { API_SETTINGS, type ApiSettingName } from "./fields";

export type LiveApi = {
  id: string;
  identifier: string;
  /** Auth0's own APIs (the Management API): never declared by a spec. */
  system: boolean;
  scopes: { name: string; description: string }[];
} & { name: string; signingAlg: string; tokenLifetime: number; tokenLifetimeForWeb: number; tokenDialect: string } & Record<
    Exclude<ApiSettingName, "name" | "signingAlg" | "tokenLifetime" | "tokenLifetimeForWeb" | "tokenDialect">,
    boolean
  >;

/** A resource server record in the project's vocabulary, each setting read as its field table says. */
export function liveApi(rs: ResourceServerRecord): LiveApi {
  const settings: Record<string, unknown> = {};
  for (const s of API_SETTINGS) settings[s.name] = s.read(rs);
  return {
    id: rs.id,
    identifier: rs.identifier,
    system: rs.is_system === true,
    ...settings,
    scopes: (rs.scopes ?? []).map((s) => ({ name: s.value, description: s.description ?? "" })),
  } as LiveApi;
}
