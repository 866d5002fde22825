import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Registered } from "./support/mock-runtime";
import { runIndex } from "./support/run-index";
import { acmeRoot } from "./support/temp-project";

/**
 * The full URN of every resource of the example stacks, against a committed snapshot. A URN is a resource's identity
 * in Pulumi's state: a change of name, parent or type (here or anywhere up its parent chain) makes `pulumi up` delete
 * the deployed resource and create a new one (for a client: a new client_id, its callers locked out). When a change
 * is intended, regenerate with `UPDATE_GOLDEN=1 npx vitest run test/urns.test.ts`, and keep the old identity with
 * `aliases` (docs/spec.md, "Renaming without replacing").
 */

/**
 * The engine's rule (pulumi sdk/go/common/resource/urn/urn.go New, pkg/resource/deploy/deployment.go): the type part
 * is the parent's qualified type, "$", the resource's type; the root stack is left out. The mock monitor keeps only
 * the parent's last type, so the chain is rebuilt from each registration's parent.
 */
export function fullUrns(stack: string, project: string, registered: Registered[]): string[] {
  const byAddress = new Map(registered.map((r) => [`${r.type}::${r.name}`, r]));
  const qualifiedType = (r: Registered, seen = new Set<Registered>()): string => {
    if (seen.has(r)) throw new Error(`parent cycle at ${r.type}::${r.name}`);
    seen.add(r);
    if (!r.parent) return r.type;
    const parent = byAddress.get(r.parent);
    if (!parent) throw new Error(`${r.type}::${r.name}: parent ${r.parent} was never registered`);
    return `${qualifiedType(parent, seen)}$${r.type}`;
  };
  return registered.map((r) => `urn:pulumi:${stack}::${project}::${qualifiedType(r)}::${r.name}`).sort();
}

describe.each(["dev", "prod"])("stack %s", (stack) => {
  it("keeps the URN of every resource (name, parent chain, type) as the committed snapshot says", async () => {
    const run = await runIndex(stack, acmeRoot);
    expect(run.error).toBeUndefined();
    const text = fullUrns(stack, "auth0-tenant", run.registered).join("\n") + "\n";
    const at = path.join(__dirname, "golden", `urns-${stack}.txt`);
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(at, text);
    expect(text).toBe(readFileSync(at, "utf8"));
  });
});

describe("the URN chain", () => {
  const r = (type: string, name: string, parent?: string): Registered => ({
    type,
    name,
    inputs: {},
    custom: true,
    ...(parent ? { parent } : {}),
  });
  it("joins every ancestor's type, leaves a top-level resource's own, and refuses a missing parent", () => {
    const registered = [
      r("t:a:Tenant", "tenant"),
      r("t:a:App", "billing", "t:a:Tenant::tenant"),
      r("auth0:c:Client", "billing", "t:a:App::billing"),
    ];
    expect(fullUrns("dev", "p", registered)).toEqual([
      "urn:pulumi:dev::p::t:a:Tenant$t:a:App$auth0:c:Client::billing",
      "urn:pulumi:dev::p::t:a:Tenant$t:a:App::billing",
      "urn:pulumi:dev::p::t:a:Tenant::tenant",
    ]);
    expect(() => fullUrns("dev", "p", [r("auth0:c:Client", "x", "t:a:App::gone")])).toThrow(/never registered/);
  });
});
