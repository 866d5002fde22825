import { describe, expect, it } from "vitest";
import { credentialState, DAY_MS, daysLeft, DEFAULT_EXPIRY_WARNING_DAYS, expiryWarnings } from "../../src/spec/expiry";
import { fingerprintOf, previousFromOutputs, previousFromSpec, type PreviousCredential } from "../../src/rotation/fingerprints";
import { checkRotation } from "../../src/rotation/rules";
import type { ApplicationSpec, TenantSpec } from "../../src/kinds/specs";
import type { CredentialSpec } from "../../src/spec/credentials";

/** Rotation rules at their boundaries: slots, expiry at exactly now, the expiry window, and what a step may change. */
const NOW = new Date("2026-11-22T12:00:00Z");
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

const cred = (name: string, thumbprint: string, over: Partial<CredentialSpec> = {}): CredentialSpec =>
  ({
    name,
    publicKey: `keys/${name}.pem`,
    algorithm: "RS256",
    key: { pem: "", format: "spki", bits: 2048, thumbprint },
    parseExpiryFromCert: false,
    ...over,
  }) as CredentialSpec;
const app = (key: string, credentials: CredentialSpec[] | undefined): ApplicationSpec =>
  ({ key, name: key, type: "m2m", metadata: {}, grants: {}, ...(credentials ? { credentials } : {}) }) as unknown as ApplicationSpec;
const spec = (...apps: ApplicationSpec[]) => ({ applications: Object.fromEntries(apps.map((a) => [a.key, a])) }) as unknown as TenantSpec;
const prev = (name: string, thumbprint: string, expiresAt: string | null = null, algorithm?: string): PreviousCredential => ({
  name,
  thumbprint,
  expiresAt,
  ...(algorithm ? { algorithm } : {}),
});
const codes = (previous: PreviousCredential[], after: CredentialSpec[], now = NOW) =>
  checkRotation({ svc: previous }, spec(app("svc", after)), now).map((e) => e.code);

describe("a rotation step at Auth0's two slots", () => {
  const A = cred("a", "tA");
  const B = cred("b", "tB");
  const C = cred("c", "tC");

  it.each([
    { name: "add to one key", before: [prev("a", "tA")], after: [A, C], codes: [] },
    { name: "retire one of two", before: [prev("a", "tA"), prev("b", "tB")], after: [A], codes: [] },
    {
      name: "add and retire with both slots in use",
      before: [prev("a", "tA"), prev("b", "tB")],
      after: [A, C],
      codes: ["rotation_add_and_retire"],
    },
    {
      name: "add and retire while an expired key still holds a slot",
      before: [prev("a", "tA"), prev("b", "tB", at(-DAY_MS))],
      after: [A, C],
      codes: ["rotation_add_and_retire"],
    },
    { name: "replace the only key", before: [prev("a", "tA")], after: [C], codes: ["rotation_swap"] },
    { name: "replace both keys", before: [prev("a", "tA"), prev("b", "tB")], after: [C], codes: ["rotation_swap"] },
    { name: "replace an expired only key", before: [prev("a", "tA", at(-DAY_MS))], after: [C], codes: [] },
    { name: "replace a key expiring at exactly now", before: [prev("a", "tA", at(0))], after: [C], codes: [] },
    { name: "replace a key expiring 1 ms from now", before: [prev("a", "tA", at(1))], after: [C], codes: ["rotation_swap"] },
    {
      name: "replace two expired keys",
      before: [prev("a", "tA", at(-1)), prev("b", "tB", at(0))],
      after: [C],
      codes: ["rotation_add_and_retire"],
    },
    {
      name: "replace an expired key beside a valid one",
      before: [prev("a", "tA", at(0)), prev("b", "tB")],
      after: [C],
      codes: ["rotation_swap"],
    },
    { name: "keep both", before: [prev("a", "tA"), prev("b", "tB")], after: [A, B], codes: [] },
    { name: "nothing deployed", before: [], after: [C], codes: [] },
    { name: "every key removed", before: [prev("a", "tA")], after: [], codes: [] },
  ])("$name: $codes", ({ before, after, codes: expected }) => {
    expect(codes(before, after)).toEqual(expected);
  });

  it("says what it adds and retires, and what to do instead", () => {
    const [issue] = checkRotation({ svc: [prev("a", "tA"), prev("b", "tB", at(-DAY_MS))] }, spec(app("svc", [A, C])), NOW);
    expect(issue).toEqual({
      path: "applications.svc.credentials",
      code: "rotation_add_and_retire",
      message:
        "adds c and retires b in one step while both credential slots are in use: at Auth0's limit of 2 the provider deletes b before it uploads the new key, so if the upload fails the app is left with one key and a half-applied step. Retire b first, deploy, then add the new key",
    });
  });

  it("names every key it adds and retires", () => {
    const D = cred("d", "tD");
    const expired = [prev("x", "tX", at(-DAY_MS)), prev("y", "tY", at(0))];
    expect(checkRotation({ svc: expired }, spec(app("svc", [C, D])), NOW)[0]!.message).toMatch(/^adds c, d and retires x, y in one step /);
    expect(checkRotation({ svc: expired }, spec(app("svc", [C])), NOW)[0]!.message).toMatch(/^adds c and retires x, y in one step /);
    expect(checkRotation({ svc: [prev("a", "tA"), prev("b", "tB")] }, spec(app("svc", [C, D])), NOW)[0]!.message).toContain(
      "(deployed: a, b; desired: c, d)",
    );
  });

  it("adding alone is never an add-and-retire step, whatever the slots", () => {
    expect(codes([prev("a", "tA"), prev("b", "tB")], [A, B, C])).toEqual([]);
  });

  it("a swap names both sides", () => {
    const [issue] = checkRotation({ svc: [prev("a", "tA"), prev("b", "tB")] }, spec(app("svc", [C])), NOW);
    expect(issue!.message).toContain("replaces every credential at once (deployed: a, b; desired: c)");
  });

  it("an application whose key names an Object method has no deployed credentials unless they were recorded", () => {
    for (const key of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      expect(checkRotation({}, spec(app(key, [C])), NOW)).toEqual([]);
    }
    expect(checkRotation({ constructor: [prev("a", "tA")] }, spec(app("constructor", [C])), NOW).map((e) => e.code)).toEqual([
      "rotation_swap",
    ]);
  });

  it("an application without credentials is not checked", () => {
    expect(checkRotation({ svc: [prev("a", "tA")] }, spec(app("svc", undefined)), NOW)).toEqual([]);
  });
});

describe("what a step may change about a deployed key", () => {
  it.each([
    {
      name: "same name, other key",
      before: [prev("a", "tA"), prev("b", "tB")],
      after: [cred("a", "tX"), cred("b", "tB")],
      error: ["credentials[0].publicKey", "rotation_key_changed"],
    },
    {
      name: "same key, other name",
      before: [prev("a", "tA")],
      after: [cred("z", "tA")],
      error: ["credentials[0].name", "rotation_renamed"],
    },
    {
      name: "same key, other algorithm",
      before: [prev("a", "tA", null, "RS256")],
      after: [cred("a", "tA", { algorithm: "PS256" })],
      error: ["credentials[0].algorithm", "rotation_key_changed"],
    },
    {
      name: "same key and algorithm",
      before: [prev("a", "tA", null, "PS256")],
      after: [cred("a", "tA", { algorithm: "PS256" })],
      error: undefined,
    },
    { name: "algorithm not recorded", before: [prev("a", "tA")], after: [cred("a", "tA", { algorithm: "PS256" })], error: undefined },
    {
      name: "expiry removed (the provider keeps it)",
      before: [prev("a", "tA", at(90 * DAY_MS))],
      after: [cred("a", "tA")],
      error: ["credentials[0].expiresAt", "rotation_expiry_cleared"],
    },
    {
      name: "expiry moved",
      before: [prev("a", "tA", at(90 * DAY_MS))],
      after: [cred("a", "tA", { effectiveExpiresAt: at(120 * DAY_MS) })],
      error: undefined,
    },
    {
      name: "expiry added",
      before: [prev("a", "tA")],
      after: [cred("a", "tA", { effectiveExpiresAt: at(120 * DAY_MS) })],
      error: undefined,
    },
  ])("$name", ({ before, after, error }) => {
    const issues = checkRotation({ svc: before }, spec(app("svc", after)), NOW);
    if (!error) expect(issues).toEqual([]);
    else expect(issues.map((i) => [i.path, i.code])).toEqual([[`applications.svc.${error[0]}`, error[1]]]);
  });

  it("says what a rename and an algorithm change would do", () => {
    expect(checkRotation({ svc: [prev("a", "tA")] }, spec(app("svc", [cred("z", "tA")])), NOW)[0]!.message).toBe(
      "the deployed key a (thumbprint tA) is renamed to z: the provider matches credentials by key and never sends a name, so the rename would never be applied and every preview would show it again (keep the name a)",
    );
    expect(
      checkRotation({ svc: [prev("a", "tA", null, "RS256")] }, spec(app("svc", [cred("a", "tA", { algorithm: "PS256" })])), NOW)[0]!
        .message,
    ).toBe(
      "the deployed key a changes algorithm RS256 → PS256: clients signing with RS256 would be refused at once (add the key again under a new name with the new algorithm, move the workload, then retire a)",
    );
  });

  it("a key edit is reported alone, not also as a swap", () => {
    const issues = checkRotation({ svc: [prev("a", "tA")] }, spec(app("svc", [cred("a", "tX")])), NOW);
    expect(issues.map((i) => i.code)).toEqual(["rotation_key_changed"]);
    expect(issues[0]!.message).toBe(
      "credential a keeps its name but its key changed (thumbprint tA → tX); a key is replaced under a new name, never edited in place (add the new key as a new credential, deploy, then retire a)",
    );
  });

  it("checks every application, each against its own deployment", () => {
    const issues = checkRotation(
      { one: [prev("a", "tA")], two: [prev("b", "tB")] },
      spec(app("one", [cred("c", "tC")]), app("two", [cred("b", "tB")]), app("three", [cred("d", "tD")])),
      NOW,
    );
    expect(issues.map((i) => [i.path, i.code])).toEqual([["applications.one.credentials", "rotation_swap"]]);
  });
});

describe("credential expiry states at their boundaries", () => {
  const WINDOW = DEFAULT_EXPIRY_WARNING_DAYS;
  it("the default window is 30 days", () => expect([WINDOW, DAY_MS]).toEqual([30, 86_400_000]));

  it.each([
    { expiresAt: null, state: "active", days: null },
    { expiresAt: undefined, state: "active", days: null },
    { expiresAt: at(-DAY_MS - 1), state: "expired", days: -2 },
    { expiresAt: at(-1), state: "expired", days: -1 },
    { expiresAt: at(0), state: "expired", days: 0 },
    { expiresAt: at(1), state: "expiring", days: 0 },
    { expiresAt: at(DAY_MS - 1), state: "expiring", days: 0 },
    { expiresAt: at(DAY_MS), state: "expiring", days: 1 },
    { expiresAt: at(WINDOW * DAY_MS), state: "expiring", days: 30 },
    { expiresAt: at(WINDOW * DAY_MS + 1), state: "active", days: 30 },
  ])("$expiresAt: $state, $days days left", ({ expiresAt, state, days }) => {
    expect(credentialState(expiresAt, NOW, WINDOW)).toEqual({ state, daysLeft: days });
    expect(daysLeft(expiresAt, NOW)).toBe(days);
  });

  it("a window of 0 days only knows active and expired", () => {
    expect(credentialState(at(1), NOW, 0).state).toBe("active");
    expect(credentialState(at(0), NOW, 0).state).toBe("expired");
  });

  const warn = (credentials: CredentialSpec[], windowDays = WINDOW) => expiryWarnings({ svc: app("svc", credentials) }, NOW, windowDays);

  it.each([
    { offset: 1, text: "expires in 0 days" },
    { offset: DAY_MS, text: "expires in 1 day (" },
    { offset: 2 * DAY_MS, text: "expires in 2 days" },
  ])("says $text", ({ offset, text }) => {
    const [w] = warn([cred("a", "tA", { effectiveExpiresAt: at(offset) })]);
    expect(w!.message).toContain(`a ${text}`);
    expect(w!.path).toBe("applications.svc.credentials[0]");
    expect(w!.code).toBe("expiring");
  });

  it("asks for a rotation when no other key is active, and to move to the newer key when one is", () => {
    const soon = cred("a", "tA", { effectiveExpiresAt: at(DAY_MS) });
    expect(warn([soon])[0]!.message).toBe(`a expires in 1 day (${at(DAY_MS)}); start a rotation: \`npx auth0-tenant keys rotate svc\``);
    const newer = cred("b", "tB", { effectiveExpiresAt: at(90 * DAY_MS) });
    expect(warn([soon, newer])[0]!.message).toBe(
      `a expires in 1 day (${at(DAY_MS)}); a newer credential is in place: move the workload to it, then \`npx auth0-tenant keys retire svc a\``,
    );
    // Another key that is itself expiring (or expired) is no replacement.
    const alsoSoon = cred("b", "tB", { effectiveExpiresAt: at(2 * DAY_MS) });
    expect(warn([soon, alsoSoon]).map((w) => w.message)).toEqual([
      `a expires in 1 day (${at(DAY_MS)}); start a rotation: \`npx auth0-tenant keys rotate svc\``,
      `b expires in 2 days (${at(2 * DAY_MS)}); start a rotation: \`npx auth0-tenant keys rotate svc\``,
    ]);
    expect(warn([soon, cred("b", "tB")])[0]!.message).toContain("a newer credential is in place");
  });

  it("warns only inside the window, never for an expired or unexpiring key", () => {
    expect(warn([cred("a", "tA", { effectiveExpiresAt: at(0) })])).toEqual([]);
    expect(warn([cred("a", "tA")])).toEqual([]);
    expect(warn([cred("a", "tA", { effectiveExpiresAt: at(WINDOW * DAY_MS + 1) })])).toEqual([]);
    expect(warn([cred("a", "tA", { effectiveExpiresAt: at(WINDOW * DAY_MS) })])).toHaveLength(1);
    expect(warn([cred("a", "tA", { effectiveExpiresAt: at(5 * DAY_MS) })], 4)).toEqual([]);
    expect(expiryWarnings({ web: app("web", undefined) }, NOW, WINDOW)).toEqual([]);
  });
});

describe("fingerprints: what the rotation rules compare against", () => {
  it("a credential's fingerprint", () => {
    expect(fingerprintOf(cred("a", "tA", { algorithm: "PS256", effectiveExpiresAt: at(DAY_MS) }))).toEqual({
      name: "a",
      algorithm: "PS256",
      bits: 2048,
      thumbprint: "tA",
      expiresAt: at(DAY_MS),
    });
    expect(fingerprintOf(cred("a", "tA")).expiresAt).toBeNull();
  });

  it("from a spec, every application's credentials, an application without any as none", () => {
    expect(
      previousFromSpec(spec(app("svc", [cred("a", "tA", { effectiveExpiresAt: at(1) }), cred("b", "tB")]), app("web", undefined))),
    ).toEqual({
      svc: [
        { name: "a", thumbprint: "tA", expiresAt: at(1), algorithm: "RS256" },
        { name: "b", thumbprint: "tB", expiresAt: null, algorithm: "RS256" },
      ],
      web: [],
    });
  });

  it.each([undefined, null, 5, "x", {}, { applications: null }, { applications: "x" }])("outputs %j hold none", (outputs) => {
    expect(previousFromOutputs(outputs)).toEqual({});
  });

  it("from stack outputs: well-formed entries only, expiry null when absent, algorithm when recorded", () => {
    const previous = previousFromOutputs({
      applications: {
        svc: {
          credentials: [
            { name: "a", thumbprint: "tA", expiresAt: at(1), algorithm: "PS256", bits: 2048 },
            { name: "b", thumbprint: "tB", algorithm: 5 },
            { name: "c" },
            { thumbprint: "tD" },
            null,
            "x",
          ],
        },
        web: { credentials: [] },
        broken: { credentials: "x" },
        none: null,
      },
    });
    expect(previous).toEqual({
      svc: [
        { name: "a", thumbprint: "tA", expiresAt: at(1), algorithm: "PS256" },
        { name: "b", thumbprint: "tB", expiresAt: null },
      ],
      web: [],
    });
    expect(Object.getPrototypeOf(previous)).toBeNull();
  });
});
