import type { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { POLICIES } from "../../policy/policies";
import { formatIssue } from "../../src/spec";
import { RESOURCE_TYPES } from "../../src/model";
import { listStacks, planStack } from "../../src/plan";
import { customResources, type Registered } from "./mock-runtime";
import { runIndex } from "./run-index";

/**
 * What `npm test` asks of the user's own stacks, whatever they hold: each plans without errors (spec, keys, claim
 * rules, bundling), the program registers exactly the planned resources, and the policy pack finds nothing. No
 * snapshot: a rotation, an import or a new application done as the README says keeps these green.
 */
export { listStacks as userStacks };

export async function userStackProblems(dir: string, stack: string, now = new Date()): Promise<string[]> {
  const planned = await planStack(dir, stack, now);
  if (!planned.ok) return planned.errors.map((e) => `${planned.source}: ${formatIssue(e)}`);
  const run = await runIndex(stack, dir);
  if (run.error !== undefined) return [`the program failed: ${String(run.error)}`];
  const problems: string[] = [];
  const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
  const registered = customResources(run.registered);
  const planKeys = planned.plan.desired.resources.map(key).sort();
  const programKeys = registered.map(key).sort();
  if (planKeys.join("\n") !== programKeys.join("\n"))
    problems.push(`the program registers ${programKeys.join(", ")}; the plan has ${planKeys.join(", ")}`);
  problems.push(...policyViolations(stack, planned.plan.project, registered));
  return problems;
}

/** The CrossGuard pack run over the registrations, as `pulumi preview --policy-pack policy` would over the resources. */
function policyViolations(stack: string, project: string, registered: Registered[]): string[] {
  const urn = (r: Registered) => `urn:pulumi:${stack}::${project}::${r.type}::${r.name}`;
  const byAddress = new Map(registered.map((r) => [`${r.type}::${r.name}`, r]));
  const found: string[] = [];
  for (const policy of POLICIES) {
    const report = (r: { name: string }) => (message: string) => found.push(`${policy.name} on ${r.name}: ${message}`);
    if ("validateResource" in policy && policy.validateResource) {
      for (const r of registered) {
        const args = { type: r.type, name: r.name, urn: urn(r), props: r.inputs, opts: { protect: r.protect ?? false } };
        (policy.validateResource as (a: ResourceValidationArgs, v: (m: string) => void) => void)(
          args as unknown as ResourceValidationArgs,
          report(r),
        );
      }
    }
    if ("validateStack" in policy && policy.validateStack) {
      const resources = new Map<Registered, PolicyResource>();
      for (const r of registered)
        resources.set(r, { type: r.type, name: r.name, urn: urn(r), props: r.inputs } as unknown as PolicyResource);
      // The engine gives each property's dependencies; the mock monitor records a resource's: the client a
      // ClientCredentials or grant depends on is its clientId's.
      for (const [r, resource] of resources) {
        const clients = (r.dependencies ?? [])
          .map((a) => byAddress.get(a))
          .filter((d): d is Registered => d?.type === RESOURCE_TYPES.Client);
        (resource as { propertyDependencies?: Record<string, PolicyResource[]> }).propertyDependencies = {
          clientId: clients.map((d) => resources.get(d)!),
        };
      }
      (policy.validateStack as (a: StackValidationArgs, v: (m: string) => void) => void)(
        { resources: [...resources.values()] } as unknown as StackValidationArgs,
        (m: string) => found.push(`${policy.name}: ${m}`),
      );
    }
  }
  return found;
}
