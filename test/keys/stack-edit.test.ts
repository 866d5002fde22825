import { load } from "js-yaml";
import { describe, expect, it } from "vitest";
import { KeysError } from "../../src/errors";
import { appType, credentialSnippet, declaredCredentials, editCredentials, setCredentials } from "../../src/keys/stack-edit";

// The key tool's edits of a stack file: only the lines of the credentials change; every other byte stays.

const P = "auth0-tenant";
const F = "Pulumi.dev.yaml";
const STACK = `# the dev tenant
config:
  auth0:domain: dev.eu.auth0.com   # kept
  auth0-tenant:tenant:
    applications:
      billing:
        type: m2m
        callbacks: ['https://a.example/cb', "https://b.example/cb"]
        credentials:
          - name: billing-1
            publicKey: keys/billing-1.pem
            algorithm: PS256

          - name: billing-2   # the newer one
            publicKey: keys/billing-2.pem
            expiresAt: "2027-01-01T00:00:00Z"
        grants: { orders-api: [orders:read] }
      portal:
        type: regular_web
    apis: {}
`;
const KEY3 = { name: "billing-3", publicKey: "keys/billing-3.pem", algorithm: "RS256", expiresAt: "2027-06-30T00:00:00.000Z" };
const creds = (text: string, app = "billing") => (load(text) as any).config["auth0-tenant:tenant"].applications[app].credentials;
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(KeysError);
    return (e as Error).message;
  }
  throw new Error("expected a KeysError");
};

describe("editCredentials", () => {
  it("appends a credential after the last one at the list's indentation, its expiry double-quoted; nothing else changes", () => {
    const out = editCredentials(STACK, P, "billing", F, { add: KEY3 });
    const added = `          - name: billing-3
            publicKey: keys/billing-3.pem
            algorithm: RS256
            expiresAt: "2027-06-30T00:00:00.000Z"
`;
    const at = STACK.indexOf("        grants:");
    expect(out).toBe(STACK.slice(0, at) + added + STACK.slice(at));
    expect(creds(out).map((c: any) => c.name)).toEqual(["billing-1", "billing-2", "billing-3"]);
  });

  it("removes exactly the lines of the named credential, first or last", () => {
    const first = editCredentials(STACK, P, "billing", F, { remove: ["billing-1"] });
    expect(first).toBe(
      STACK.replace("          - name: billing-1\n            publicKey: keys/billing-1.pem\n            algorithm: PS256\n", ""),
    );
    const last = editCredentials(STACK, P, "billing", F, { remove: ["billing-2"] });
    expect(last).toBe(
      STACK.replace(
        '          - name: billing-2   # the newer one\n            publicKey: keys/billing-2.pem\n            expiresAt: "2027-01-01T00:00:00Z"\n',
        "",
      ),
    );
  });

  it("removes one and adds one in a single edit", () => {
    const out = editCredentials(STACK, P, "billing", F, { remove: ["billing-1"], add: KEY3 });
    expect(creds(out)).toEqual([{ name: "billing-2", publicKey: "keys/billing-2.pem", expiresAt: "2027-01-01T00:00:00Z" }, KEY3]);
    expect(out.startsWith("# the dev tenant\nconfig:\n  auth0:domain: dev.eu.auth0.com   # kept\n")).toBe(true);
  });

  it("writes a credentials block into an app that has none, at the app's indentation", () => {
    const out = editCredentials(STACK, P, "portal", F, { add: { name: "portal-1", publicKey: "keys/portal-1.pem", algorithm: "RS256" } });
    expect(out).toBe(
      STACK.replace(
        "        type: regular_web\n",
        "        type: regular_web\n        credentials:\n          - name: portal-1\n            publicKey: keys/portal-1.pem\n            algorithm: RS256\n",
      ),
    );
  });

  it("refuses what it cannot edit, naming the file, the app and what to do", () => {
    expect(refusal(() => editCredentials(STACK, P, "billing", F, { remove: ["billing-9"] }))).toBe(
      'application billing has no credential "billing-9"',
    );
    expect(refusal(() => editCredentials(STACK, P, "portal", F, { remove: ["portal-1"] }))).toBe(
      'application portal has no credential "portal-1"',
    );
    expect(refusal(() => editCredentials(STACK, P, "biling", F, { add: KEY3 }))).toMatch(
      /^unknown application "biling" in Pulumi\.dev\.yaml \(did you mean "billing"\?.*declared: billing, portal\)$/,
    );
    const flow = STACK.replace(
      /        credentials:\n[\s\S]*?(?=        grants)/,
      "        credentials: [{ name: a, publicKey: keys/a.pem }]\n",
    );
    expect(refusal(() => editCredentials(flow, P, "billing", F, { add: KEY3 }))).toContain(
      "Pulumi.dev.yaml: applications.billing.credentials is a flow list ([...]); write it as a block list",
    );
    const empty = STACK.replace("        type: regular_web\n", "        type: regular_web\n        credentials: []\n");
    expect(refusal(() => editCredentials(empty, P, "portal", F, { add: KEY3 }))).toBe(
      "Pulumi.dev.yaml: applications.portal.credentials is empty in a form the key tool cannot extend; write it as a block list",
    );
    const scalar = STACK.replace("        type: regular_web\n", "        type: regular_web\n        credentials: none\n");
    expect(refusal(() => editCredentials(scalar, P, "portal", F, { add: KEY3 }))).toBe(
      "Pulumi.dev.yaml: applications.portal.credentials is not a list",
    );
    const item = STACK.replace(
      "          - name: billing-1\n            publicKey: keys/billing-1.pem\n            algorithm: PS256\n",
      "          - billing-1\n",
    );
    expect(refusal(() => editCredentials(item, P, "billing", F, { add: KEY3 }))).toBe(
      "Pulumi.dev.yaml: applications.billing.credentials[0] is not a mapping",
    );
    expect(refusal(() => editCredentials("config:\n  auth0-tenant:tenant: {}\n", P, "billing", F, { add: KEY3 }))).toBe(
      "Pulumi.dev.yaml: no auth0-tenant:tenant.applications mapping to edit",
    );
    expect(refusal(() => editCredentials("config: [", P, "billing", F, { add: KEY3 }))).toContain("Pulumi.dev.yaml");
    expect(refusal(() => editCredentials("- config\n", P, "billing", F, { add: KEY3 }))).toBe(
      "Pulumi.dev.yaml: no auth0-tenant:tenant.applications mapping to edit",
    );
    const nulled = STACK.replace("        type: regular_web\n", "        type: regular_web\n        credentials:\n");
    expect(refusal(() => editCredentials(nulled, P, "portal", F, { add: KEY3 }))).toBe(
      "Pulumi.dev.yaml: applications.portal.credentials is empty in a form the key tool cannot extend; write it as a block list",
    );
  });

  it("an edit with nothing to add or remove, or an empty removal list, changes nothing", () => {
    expect(editCredentials(STACK, P, "portal", F, {})).toBe(STACK);
    expect(editCredentials(STACK, P, "portal", F, { remove: [] })).toBe(STACK);
    expect(editCredentials(STACK, P, "billing", F, { remove: [] })).toBe(STACK);
  });
});

describe("reading the declared credentials", () => {
  it("lists them as written, the algorithm defaulting to RS256; appType reads the app's type", () => {
    expect(declaredCredentials(STACK, P, "billing", F)).toEqual([
      { name: "billing-1", publicKey: "keys/billing-1.pem", algorithm: "PS256" },
      { name: "billing-2", publicKey: "keys/billing-2.pem", expiresAt: "2027-01-01T00:00:00Z", algorithm: "RS256" },
    ]);
    expect(declaredCredentials(STACK, P, "portal", F)).toEqual([]);
    const nulled = STACK.replace("        type: regular_web\n", "        type: regular_web\n        credentials:\n");
    expect(declaredCredentials(nulled, P, "portal", F)).toEqual([]);
    const stray = STACK.replace("          - name: billing-1\n", "          - stray\n          - name: billing-1\n");
    expect(declaredCredentials(stray, P, "billing", F).map((c) => c.name)).toEqual(["billing-1", "billing-2"]);
    expect(appType(STACK, P, "portal", F)).toBe("regular_web");
  });
});

describe("setCredentials: an overlay that does not declare the app's keys yet", () => {
  const entries = [{ name: "k1", publicKey: "keys/k1.pem", algorithm: "RS256" }];
  const item = (indent: string) => `${indent}- name: k1\n${indent}  publicKey: keys/k1.pem\n${indent}  algorithm: RS256\n`;

  it("adds applications, the app and credentials when the overlay has none of them", () => {
    const text = "config:\n  auth0-tenant:tenant:\n    extends: tenant.yaml\n  auth0:domain: dev.eu.auth0.com\n";
    expect(setCredentials(text, P, "billing", F, entries)).toBe(
      `config:\n  auth0-tenant:tenant:\n    extends: tenant.yaml\n    applications:\n      billing:\n        credentials:\n${item("          ")}  auth0:domain: dev.eu.auth0.com\n`,
    );
  });

  it("adds the app under an applications mapping that lacks it", () => {
    const text = "config:\n  auth0-tenant:tenant:\n    extends: tenant.yaml\n    applications:\n      portal:\n        type: spa\n";
    expect(setCredentials(text, P, "billing", F, entries)).toBe(`${text}      billing:\n        credentials:\n${item("          ")}`);
  });

  it("adds credentials to an app the overlay changes otherwise", () => {
    const text = "config:\n  auth0-tenant:tenant:\n    applications:\n      billing:\n        description: x\n    apis: {}\n";
    expect(setCredentials(text, P, "billing", F, entries)).toBe(
      `config:\n  auth0-tenant:tenant:\n    applications:\n      billing:\n        description: x\n        credentials:\n${item("          ")}    apis: {}\n`,
    );
  });

  it("a file whose last line has no newline: every edit that adds lines at its end starts a new line first", () => {
    const bare = (text: string) => text.replace(/\n$/, "");
    const overlay = "config:\n  auth0-tenant:tenant:\n    applications:\n      portal:\n        type: spa\n";
    expect(setCredentials(bare(overlay), P, "billing", F, entries)).toBe(
      `${overlay}      billing:\n        credentials:\n${item("          ")}`,
    );
    const app = "config:\n  auth0-tenant:tenant:\n    applications:\n      billing:\n        type: m2m\n";
    expect(editCredentials(bare(app), P, "billing", F, { add: entries[0]! })).toBe(`${app}        credentials:\n${item("          ")}`);
    const listed = `${app}        credentials:\n${item("          ")}`;
    const k2 = { name: "k2", publicKey: "keys/k2.pem", algorithm: "RS256" };
    const out = editCredentials(bare(listed), P, "billing", F, { add: k2 });
    expect(out).toBe(`${listed}          - name: k2\n            publicKey: keys/k2.pem\n            algorithm: RS256\n`);
    expect(creds(out).map((c: any) => c.name)).toEqual(["k1", "k2"]);
  });

  it("refuses an overlay where that would be wrong, naming the file and the path", () => {
    const base = "config:\n  auth0-tenant:tenant:\n    applications:\n";
    expect(refusal(() => setCredentials(`${base}      billing: null\n`, P, "billing", F, entries))).toBe(
      "Pulumi.dev.yaml: applications.billing is not a mapping here (is it removed in this stack?)",
    );
    expect(refusal(() => setCredentials(`${base}      billing:\n        credentials: []\n`, P, "billing", F, entries))).toBe(
      "Pulumi.dev.yaml: applications.billing.credentials is already declared here",
    );
    expect(refusal(() => setCredentials("config:\n  auth0-tenant:tenant:\n    applications: []\n", P, "billing", F, entries))).toBe(
      "Pulumi.dev.yaml: applications is not a mapping",
    );
    expect(refusal(() => setCredentials("- config\n", P, "billing", F, entries))).toBe(
      "Pulumi.dev.yaml: no auth0-tenant:tenant mapping to edit",
    );
    expect(refusal(() => setCredentials("config:\n  auth0:domain: x\n", P, "billing", F, entries))).toBe(
      "Pulumi.dev.yaml: no auth0-tenant:tenant mapping to edit",
    );
  });
});

it("credentialSnippet is the block a user pastes under credentials", () => {
  expect(credentialSnippet(KEY3)).toBe(
    '- name: billing-3\n  publicKey: keys/billing-3.pem\n  algorithm: RS256\n  expiresAt: "2027-06-30T00:00:00.000Z"\n',
  );
});
