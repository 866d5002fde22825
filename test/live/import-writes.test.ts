import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ProjectFileError } from "../../src/errors";
import { runImport } from "../../src/live/commands";
import type { LocalTls } from "../../src/local-tenant/tls";
import { tempProject } from "../support/temp-project";
import { localTls, startHostileApi, type HostileApi } from "./hostile-api";
import { readerKeyPair, trustingFetch } from "./support";

// import writes through the project's confined writer: a linked actions/imported/, a dangling link as the stack file,
// or an action the tenant names `../../x` never puts a file outside the project.

let scratch: string;
let tls: LocalTls;
let api: HostileApi;
beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "import-writes-"));
  tls = await localTls(path.join(scratch, "tls"));
  api = await startHostileApi({
    tls,
    routes: {
      "GET /api/v2/actions/actions": () => ({
        body: {
          actions: [
            {
              id: "a1",
              name: "../../x",
              supported_triggers: [{ id: "post-login", version: "v3" }],
              deployed_version: { code: "exports.onExecutePostLogin = async () => {};", runtime: "node22", deployed: true },
            },
          ],
        },
      }),
    },
  });
});
afterAll(async () => {
  await api.close();
  rmSync(scratch, { recursive: true, force: true });
});

let project: ReturnType<typeof tempProject>;
let outside: string;
afterEach(() => project?.cleanup());

const importInto = (root: string, force = false) =>
  runImport(
    { stack: "copy", dir: root, local: api.url, clientId: "reader", force },
    {
      out: () => undefined,
      err: () => undefined,
      env: { AUTH0_CLIENT_ASSERTION_PRIVATE_KEY: readerKeyPair().privateKey },
      reader: { fetch: trustingFetch(tls.caPem), maxRetries: 0 },
    },
  );

function fresh() {
  project = tempProject();
  outside = mkdtempSync(path.join(scratch, "outside-"));
  rmSync(path.join(project.root, "actions"), { recursive: true, force: true });
}

describe("import writes only inside the project", () => {
  it("an action named ../../x is written as actions/imported/x.js", async () => {
    fresh();
    expect(await importInto(project.root)).toBe(0);
    expect(readdirSync(path.join(project.root, "actions/imported"))).toEqual(["x.js"]);
    expect(readFileSync(path.join(project.root, "Pulumi.copy.yaml"), "utf8")).toContain("source: actions/imported/x.js");
  });

  it("actions/imported linked to a directory outside: refused, nothing written there", async () => {
    fresh();
    mkdirSync(path.join(project.root, "actions"));
    symlinkSync(outside, path.join(project.root, "actions/imported"));
    await expect(importInto(project.root)).rejects.toThrow(ProjectFileError);
    await expect(importInto(project.root)).rejects.toThrow("actions/imported/x.js leads through actions/imported, a symbolic link");
    expect(readdirSync(outside)).toEqual([]);
  });

  it("actions linked outside, dangling", async () => {
    fresh();
    symlinkSync(path.join(outside, "later"), path.join(project.root, "actions"));
    await expect(importInto(project.root)).rejects.toThrow("leads through actions, a symbolic link");
    expect(existsSync(path.join(outside, "later"))).toBe(false);
  });

  it("the stack file a dangling link to a file outside, even with --force", async () => {
    fresh();
    symlinkSync(path.join(outside, "stack.yaml"), path.join(project.root, "Pulumi.copy.yaml"));
    await expect(importInto(project.root, true)).rejects.toThrow("Pulumi.copy.yaml is a symbolic link");
    expect(existsSync(path.join(outside, "stack.yaml"))).toBe(false);
  });
});
