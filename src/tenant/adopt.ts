import type { TenantSpec } from "../kinds/specs";
import { adoptKeyOf } from "../spec/adopt";
import { componentsInOrder, resourcesOf, tenantModel } from "./model";

/** Stands in for each action's bundle: the adopt keys do not depend on the code. */
const NO_CODE = new Proxy({}, { get: () => ({ code: "", sha256: "", bytes: 0 }) });

/**
 * Every adopt key a spec's resources answer to: those of the resources the model declares for it (the spec's
 * entries parsed so far, before the build step).
 */
export function adoptableKeys(
  sections: Omit<TenantSpec, "stack" | "protect" | "credentialExpiryWarningDays" | "adopt" | "unmanaged">,
): string[] {
  const spec = { ...sections, stack: "", protect: false, credentialExpiryWarningDays: 0, adopt: {}, unmanaged: {} } as TenantSpec;
  return componentsInOrder(tenantModel(spec, NO_CODE)).flatMap(resourcesOf).map(adoptKeyOf);
}
