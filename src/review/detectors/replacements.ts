import { addressOf, RESOURCE_TYPES, type DesiredResource } from "../../model";
import type { Detector, Finding } from "../changes";

/**
 * What a rename costs on a deployed stack. A resource's Pulumi name is its key in the spec, so a new key is a new
 * URN: Pulumi creates the new resource and deletes the old one (removed resources are deleted after every create,
 * pulumi pkg/resource/deploy/deployment_executor.go performPostSteps → GenerateDeletes). Auth0 ids do not carry over.
 */
const RENAMED: Partial<Record<DesiredResource["type"], { what: string; identity: (r: DesiredResource) => unknown; cost: string }>> = {
  [RESOURCE_TYPES.Client]: {
    what: "application",
    identity: (r) => (r.inputs as { name?: string }).name,
    cost: "a new client_id; its callers, keys and grants must follow",
  },
  [RESOURCE_TYPES.ResourceServer]: {
    what: "API",
    identity: (r) => (r.inputs as { identifier?: string }).identifier,
    cost: "Auth0 refuses a second API with the same identifier while the old one exists, so the deployment fails half-way",
  },
  [RESOURCE_TYPES.Action]: {
    what: "action",
    identity: (r) => (r.inputs as { name?: string }).name,
    cost: "a new action id, deployed and bound again",
  },
};

/**
 * A key renamed in the spec with the same Auth0 identity (client name, API identifier, action name): the detectors
 * of each kind report a removal and an addition; this says that on a deployed stack it is a deletion and a re-creation.
 */
export const replacements: Detector = {
  /** Cross-cutting: about the identity of any renamed resource, so it stands in for no type in particular. */
  covers: [],
  detect: ({ base, head, mode }) => {
    if (!base || !head || mode === "compare") return [];
    const before = new Set(base.desired.resources.map(addressOf));
    const after = new Set(head.desired.resources.map(addressOf));
    const out: Finding[] = [];
    for (const gone of base.desired.resources.filter((r) => !after.has(addressOf(r)))) {
      const rule = RENAMED[gone.type];
      if (!rule) continue;
      const same = head.desired.resources.find(
        (r) =>
          r.type === gone.type && !before.has(addressOf(r)) && JSON.stringify(rule.identity(r)) === JSON.stringify(rule.identity(gone)),
      );
      if (!same) continue;
      out.push({
        section: "stack",
        kind: "resource.replaced",
        subject: same.name,
        text: `${rule.what} ${gone.name} is renamed ${same.name}: Pulumi deletes the deployed one and creates another (${rule.cost}); to rename only what people see, keep the key and change name`,
      });
    }
    return out;
  },
};
