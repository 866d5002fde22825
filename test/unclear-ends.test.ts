import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJsonObject } from "../src/config/json-file";
import { InputFileError, StackConfigError } from "../src/errors";
import { planStack } from "../src/plan";
import { tenantProgram } from "../src/program";
import { SpecError } from "../src/spec";
import { underMocks } from "./support/mock-runtime";
import { tempProject, validTenant } from "./support/temp-project";
import { timed } from "./support/timed";

/**
 * Inputs that used to end unclearly: a cyclic alias ("Converting circular structure to JSON"), a cyclic overlay or a
 * deeply nested file (a stack overflow after seconds), a byte that is not UTF-8 (silently replaced and planned).
 * Each is refused by the reading layer, naming the file and the path; sizes are ones that overflowed the code before
 * these checks. Times are printed, not asserted.
 */

const NOW = new Date("2026-11-22T12:00:00Z");
let project: ReturnType<typeof tempProject>;
let outside: string;
beforeAll(() => {
  project = tempProject({
    "tenant.yaml": "apis:\n  a:\n    identifier: https://a.example\n",
  });
  outside = mkdtempSync(path.join(tmpdir(), "limits-"));
});
afterAll(() => {
  project.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

const writeStack = (stack: string, text: string | Buffer) => writeFileSync(path.join(project.root, `Pulumi.${stack}.yaml`), text);
const stackOf = (body: string) => `config:\n  auth0-tenant:tenant:\n${body}`;

describe("class: cyclic documents are refused naming the file and the path", () => {
  it("an alias inside the node it names (signingAlg: &s [*s])", async () => {
    writeStack("cycle", stackOf("    apis:\n      a:\n        identifier: https://a.example\n        signingAlg: &s [*s]\n"));
    const error = await timed("cyclic alias", () => planStack(project.root, "cycle", NOW).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(StackConfigError);
    expect((error as Error).message).toBe(
      "Pulumi.cycle.yaml: config.auth0-tenant:tenant.apis.a.signingAlg[0]: refers back to a node that contains it (a cycle through a YAML alias, which no reader could walk to its end); allowed: aliases to nodes outside themselves",
    );
  });

  it("a cyclic mapping in an overlay, and one in the shared definition", async () => {
    writeStack("overlay", stackOf("    extends: tenant.yaml\n    apis: &m\n      b: *m\n"));
    const error = await timed("cyclic overlay", () => planStack(project.root, "overlay", NOW).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(StackConfigError);
    expect((error as Error).message).toMatch(/^Pulumi\.overlay\.yaml: config\.auth0-tenant:tenant\.apis\.b: refers back to a node/);

    writeFileSync(path.join(project.root, "shared-cycle.yaml"), "apis: &m\n  b: *m\n");
    writeStack("shared", stackOf("    extends: shared-cycle.yaml\n"));
    const shared = await planStack(project.root, "shared", NOW);
    expect(shared.ok).toBe(false);
    expect(!shared.ok && shared.errors[0]!.message).toMatch(/^shared-cycle\.yaml: apis\.b: refers back to a node that contains it/);
  });
});
describe("class: nesting deeper than 64 levels is refused by an iterative check", () => {
  const deep = (n: number) => `{"user":${"[".repeat(n)}1${"]".repeat(n)}}`;

  it("an event file nested 200,000 deep", async () => {
    const file = path.join(outside, "deep-event.json");
    writeFileSync(file, deep(200_000));
    const error = await timed("deep event file", () => readJsonObject(file, "an event").catch((e: unknown) => e));
    expect(error).toBeInstanceOf(InputFileError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: user(\\[0\\]){63}: nested more than 64 levels deep; allowed: at most 64 levels$`,
      ),
    );
  });

  it("aliases that nest one level each, 70 deep (each alias is small, the expanded value is not)", async () => {
    let body = "    apis:\n      l0: &l0 [x]\n";
    for (let i = 1; i <= 70; i++) body += `      l${i}: &l${i} [*l${i - 1}]\n`;
    writeStack("aliasdeep", stackOf(body));
    await expect(planStack(project.root, "aliasdeep", NOW)).rejects.toThrow(
      /^Pulumi\.aliasdeep\.yaml: config\.auth0-tenant:tenant\.apis\.l\d+(\[0\])+: nested more than 64 levels deep/,
    );
  });

  it("the tenant value the Pulumi engine hands the program, nested 200,000 deep", async () => {
    const run = await timed("deep program config", () =>
      underMocks({ stack: "dev", config: { "auth0-tenant:tenant": deep(200_000) } }, () => tenantProgram(project.root, { now: NOW })),
    );
    expect(run.error).toBeInstanceOf(StackConfigError);
    expect((run.error as Error).message).toMatch(
      /^Pulumi\.dev\.yaml: auth0-tenant:tenant: user(\[0\]){63}: nested more than 64 levels deep/,
    );
    expect(run.registered).toEqual([]);
  });
});
describe("class: bytes that are not UTF-8 are refused, naming the file, the byte and the line", () => {
  it("a stack file with a stray byte is not planned", async () => {
    writeStack(
      "latin1",
      Buffer.concat([
        Buffer.from(stackOf("    allowEmpty: true\n    apis:\n      a:\n        identifier: https://a.example/caf")),
        Buffer.from([0xe9, 0x0a]),
      ]),
    );
    await expect(planStack(project.root, "latin1", NOW)).rejects.toThrow(
      "Pulumi.latin1.yaml is not UTF-8 text: byte 112 (line 6, column 42) is 0xe9; allowed: UTF-8 text only (save the file as UTF-8)",
    );
  });

  it("a key file with a stray byte is a spec error on its path", async () => {
    writeFileSync(path.join(project.root, "keys/latin1.pem"), Buffer.from([0x2d, 0x2d, 0xff, 0x0a]));
    const t = validTenant();
    t.applications.billing.credentials[0].publicKey = "keys/latin1.pem";
    const run = await underMocks({ stack: "dev", config: { "auth0-tenant:tenant": t } }, () => tenantProgram(project.root, { now: NOW }));
    expect(run.error).toBeInstanceOf(SpecError);
    expect((run.error as SpecError).issues).toContainEqual(
      expect.objectContaining({
        path: "applications.billing.credentials[0].publicKey",
        code: "file_unreadable",
        message: expect.stringContaining("keys/latin1.pem is not UTF-8 text: byte 2 (line 1, column 3) is 0xff"),
      }),
    );
  });
});
