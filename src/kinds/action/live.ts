import type { ActionRecord } from "../../live/records";

export interface LiveAction {
  id: string;
  name: string;
  trigger: string;
  triggerVersion?: string;
  runtime: string;
  /** The code Auth0 runs (the deployed version's); undefined when no version is deployed. */
  deployedCode?: string;
  /** The draft's code (what the provider reads back as `code`). */
  draftCode: string;
  /** The draft has changes that are not deployed. */
  undeployedChanges: boolean;
  secrets: string[];
  dependencies: { name: string; version: string }[];
  /** Installed from the marketplace (an integration): its code is not the tenant's to declare. */
  marketplace: boolean;
}

export function liveAction(a: ActionRecord): LiveAction {
  const trigger = a.supported_triggers?.[0];
  const deployed = a.deployed_version;
  return {
    id: a.id,
    name: a.name,
    trigger: trigger?.id ?? "",
    ...(trigger?.version ? { triggerVersion: trigger.version } : {}),
    // Auth0 spells node 18 "node18-actions"; the provider reads it back as node18.
    runtime: (deployed?.runtime ?? a.runtime ?? "node22").replace(/-actions$/, ""),
    ...(deployed?.code !== undefined ? { deployedCode: deployed.code } : {}),
    draftCode: a.code ?? deployed?.code ?? "",
    undeployedChanges: a.all_changes_deployed === false && deployed !== undefined,
    secrets: (a.secrets ?? []).map((s) => s.name).sort(),
    dependencies: (deployed?.dependencies ?? a.dependencies ?? []).map((d) => ({ name: d.name, version: d.version ?? "latest" })),
    marketplace: a.integration !== undefined || a.installed_integration_id !== undefined,
  };
}
