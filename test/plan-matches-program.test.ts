import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveRefs } from "../src/model";
import { planStack } from "../src/plan";
import { customResources, mockValueOf } from "./support/mock-runtime";
import { runIndex } from "./support/run-index";

const root = path.resolve(__dirname, "../test/fixtures/acme"); // the acme example, not the user's own stacks

describe.each(["dev", "prod"])("stack %s: the offline plan is what pulumi up declares", (stack) => {
  it("registers exactly the planned resources, with the planned inputs", async () => {
    const planned = await planStack(root, stack);
    if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
    const { desired, spec } = planned.plan;
    const identifiers = Object.fromEntries(Object.values(spec.apis).map((a) => [a.key, a.identifier]));

    const run = await runIndex(stack, root);
    expect(run.error).toBeUndefined();
    const registered = customResources(run.registered);

    const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
    expect(registered.map(key).sort()).toEqual(desired.resources.map(key).sort());
    for (const want of desired.resources) {
      const got = registered.find((r) => key(r) === key(want))!;
      expect(got.inputs, key(want)).toEqual(resolveRefs(want.inputs, (r) => mockValueOf(r, identifiers)));
    }
    // The resource graph too: parent, protect, and every dependency the plan knows (explicit or through a reference).
    for (const want of desired.resources) {
      const got = registered.find((r) => key(r) === key(want))!;
      expect(got.parent, key(want)).toBe(key(want.parent));
      expect(got.protect, key(want)).toBe(want.protect);
      const refs: string[] = [];
      resolveRefs(want.inputs, (r) => refs.push(key(r.$ref)));
      const planned = [...new Set([...want.dependsOn.map(key), ...refs])].sort();
      expect(got.dependencies, key(want)).toEqual(planned);
    }
    // Components are registered too, one per API and application plus the tenant.
    expect(
      run.registered
        .filter((r) => !r.custom)
        .map(key)
        .sort(),
    ).toEqual(desired.components.map(key).sort());
  });

  it("exports each app's client id and credential fingerprints", async () => {
    const planned = await planStack(root, stack);
    if (!planned.ok) throw new Error("plan failed");
    const run = await runIndex(stack, root);
    const outputs = run.result as unknown as { applications: Record<string, { clientId: string; credentials: { thumbprint: string }[] }> };
    for (const app of Object.values(planned.plan.spec.applications)) {
      expect(outputs.applications[app.key]!.clientId).toBe(`${app.key}-client-id`);
      expect(outputs.applications[app.key]!.credentials.map((c) => c.thumbprint)).toEqual(
        (app.credentials ?? []).map((c) => c.key.thumbprint),
      );
    }
  });
});
