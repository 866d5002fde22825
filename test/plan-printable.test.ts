import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { planStack, printableResources } from "../src/plan";
import { RESOURCE_TYPES } from "../src/model";

const root = path.resolve(__dirname, "../test/fixtures/acme"); // the acme example, not the user's own stacks
const NOW = new Date("2026-11-22T12:00:00Z");

/**
 * A credentials resource's public keys are printed as their thumbprints: found by the key's position in its
 * application, and by the PEM itself when the position does not hold it (test/golden-plan.test.ts covers the plans as
 * built).
 */
describe("public keys in the printed plan", () => {
  it("each key is named by its own thumbprint, in any order; a key of no application is unknown", async () => {
    const planned = await planStack(root, "dev", NOW);
    if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
    const { plan } = planned;
    const app = Object.values(plan.spec.applications).find((a) => (a.credentials ?? []).length === 2)!;
    const resource = plan.desired.resources.find((r) => r.type === RESOURCE_TYPES.ClientCredentials && r.name === app.key)!;
    const keys = (resource.inputs as { privateKeyJwt: { credentials: { pem: string }[] } }).privateKeyJwt.credentials;
    const printed = () =>
      (
        printableResources(plan).find((r) => r.address === `${resource.type}::${resource.name}`)!.inputs as {
          privateKeyJwt: { credentials: { pem: string }[] };
        }
      ).privateKeyJwt.credentials.map((c) => c.pem);
    const [first, second] = app.credentials!.map((c) => `<public key, thumbprint ${c.key.thumbprint}>`);
    expect(printed()).toEqual([first, second]);
    keys.reverse();
    expect(printed()).toEqual([second, first]);
    keys[0] = { ...keys[0]!, pem: "-----BEGIN PUBLIC KEY-----\nnot one of the tenant's\n-----END PUBLIC KEY-----\n" };
    expect(printed()).toEqual(["<public key, thumbprint unknown>", first]);
  });
});
