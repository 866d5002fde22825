import * as path from "node:path";
import { directoryReader } from "../config/files";
import { TenantReadError } from "../errors";
import { keyFiles, tenantDomain, type Io } from "./commands";
import { importTenant } from "./import";
import type { LiveTenant } from "./snapshot";
import { addressOf, refsIn, resolveRefs } from "../model/desired";
import { formatIssue } from "../spec/issues";
import { SECRET, type Baseline, type BaselineResource } from "../plan/diff";
import { planFromConfig, type Plan } from "../plan/plan";

/**
 * The live tenant as the baseline of `plan --diff --live` (src/plan/diff.ts compares; this module lives beside the
 * reader because src/live imports src/plan, never the reverse): read of the same shape as the plan: read, mapped to a spec by the import mapping
 * (src/live/import.ts, with the project's keys/ matched by thumbprint), planned like any stack, so both sides are
 * desired resources and compared alike. Each resource carries the Auth0 id the mapping adopts it by.
 */
export async function liveBaseline(plan: Plan, dir: string, live: LiveTenant, owned: ReadonlySet<string>, io: Io): Promise<Baseline> {
  const now = new Date();
  const keys = await keyFiles(path.join(dir, "keys"), dir, { ...io, err: () => undefined });
  const imported = importTenant(live, { stack: plan.stack, project: plan.project, domain: tenantDomain(live), keys, now });
  const notes: string[] = [];
  // A key Auth0 holds whose public half is not under keys/ cannot be shown as a key (Auth0 never returns key
  // material): it is left out of the tenant's side, so the plan's keys show as added and that one is named here.
  const tenant = imported.tenant as { applications?: Record<string, { credentials?: { name: string }[] }>; adopt: Record<string, unknown> };
  for (const u of imported.unmatchedCredentials) {
    const app = tenant.applications?.[u.app];
    if (!app?.credentials) continue;
    app.credentials = app.credentials.filter((c) => c.name !== u.credential);
    if (app.credentials.length === 0) {
      delete app.credentials;
      delete tenant.adopt[`clientCredentials/${u.app}`];
    }
    notes.push(
      `${u.app} holds a key in the tenant (${u.alg}, kid ${u.kid}) whose public key is not under keys/: it is not shown, and pulumi up would detach it`,
    );
  }
  const files = new Map(imported.files.flatMap((f) => (f.content !== undefined ? [[f.path, f.content] as const] : [])));
  const read = directoryReader(dir);
  const planned = await planFromConfig(
    { project: plan.project, stack: plan.stack, tenant: imported.tenant, values: {}, ...(plan.domain ? { domain: plan.domain } : {}) },
    async (p) => (files.has(p) ? files.get(p) : read(p)),
    now,
    { packagesDir: dir },
  );
  if (!planned.ok)
    throw new TenantReadError(
      `--live: the tenant ${live.domain} could not be mapped to resources: ${planned.errors.slice(0, 5).map(formatIssue).join("; ")}`,
    );
  // Each imported resource's values, its references resolved to the tenant's: an output a reference names is the input
  // of that name (an API's identifier), else the object's id (a client's client_id, an action's id).
  const named = new Set(
    [...plan.desired.resources, ...planned.plan.desired.resources].flatMap((r) => refsIn(r.inputs).map((x) => x.$ref.output)),
  );
  const resources = new Map<string, BaselineResource>();
  for (const r of planned.plan.desired.resources) {
    const dependsOn: string[] = [];
    const inputs = resolveRefs(
      r.inputs,
      (ref) => {
        const target = resources.get(`${ref.$ref.type}::${ref.$ref.name}`);
        if (target) dependsOn.push(addressOf(target));
        return target?.outputs[ref.$ref.output];
      },
      () => SECRET,
    ) as Record<string, unknown>;
    resources.set(addressOf(r), {
      type: r.type,
      name: r.name,
      ...(r.importId !== undefined ? { id: r.importId } : {}),
      inputs,
      outputs: Object.fromEntries([...named].map((o) => [o, Object.hasOwn(inputs, o) ? inputs[o] : r.importId])),
      dependsOn,
    });
  }
  if (imported.skipped.length > 0)
    notes.push(
      `${imported.skipped.length} object(s) of the tenant have no resource of this project's kinds (import --stack <new> lists them with the reason); a declared resource among them shows as created`,
    );
  return {
    source: `the live tenant ${live.domain} (${resources.size} resources mapped by the import)`,
    match: "identity",
    owned,
    resources: [...resources.values()],
    notes,
  };
}
