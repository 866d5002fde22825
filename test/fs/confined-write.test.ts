import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProjectFileError } from "../../src/errors";
import { removeProjectFile, writeProjectFile } from "../../src/fs/confined-write";

// The one writer of project files: inside the project, through no symbolic link, atomic, no overwrite unless asked.

let base: string;
let project: string;
let outside: string;
beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), "confined-"));
  project = path.join(base, "project");
  outside = path.join(base, "outside");
  mkdirSync(project);
  mkdirSync(outside);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const refusal = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(e).toBeInstanceOf(ProjectFileError);
  return (e as Error).message;
};

describe("writeProjectFile", () => {
  it("writes new files, creating directories, and leaves no temporary file", async () => {
    await writeProjectFile(project, "actions/imported/claims.js", "code");
    expect(readFileSync(path.join(project, "actions/imported/claims.js"), "utf8")).toBe("code");
    expect(readdirSync(path.join(project, "actions/imported"))).toEqual(["claims.js"]);
  });

  it("refuses to replace a file unless asked, and keeps its permissions when it does", async () => {
    writeFileSync(path.join(project, "Pulumi.dev.yaml"), "old", { mode: 0o600 });
    expect(await refusal(writeProjectFile(project, "Pulumi.dev.yaml", "new"))).toBe(
      "Pulumi.dev.yaml exists (it is replaced only when asked, e.g. --force); nothing was written there (allowed: regular files inside the project, reached without symbolic links)",
    );
    await writeProjectFile(project, "Pulumi.dev.yaml", "new", { overwrite: true });
    expect(readFileSync(path.join(project, "Pulumi.dev.yaml"), "utf8")).toBe("new");
    expect(statSync(path.join(project, "Pulumi.dev.yaml")).mode & 0o777).toBe(0o600);
  });

  it("a linked directory on the way", async () => {
    mkdirSync(path.join(project, "actions"));
    symlinkSync(outside, path.join(project, "actions/imported"));
    expect(await refusal(writeProjectFile(project, "actions/imported/claims.js", "code"))).toContain(
      "actions/imported/claims.js leads through actions/imported, a symbolic link",
    );
    expect(readdirSync(outside)).toEqual([]);
  });

  it("a dangling link on the way, or as the file", async () => {
    symlinkSync(path.join(outside, "not-yet"), path.join(project, "keys"));
    expect(await refusal(writeProjectFile(project, "keys/a.pem", "key"))).toContain("leads through keys, a symbolic link");
    symlinkSync(path.join(outside, "stack.yaml"), path.join(project, "Pulumi.copy.yaml"));
    expect(await refusal(writeProjectFile(project, "Pulumi.copy.yaml", "x", { overwrite: true }))).toContain(
      "Pulumi.copy.yaml is a symbolic link",
    );
    expect(existsSync(path.join(outside, "not-yet"))).toBe(false);
    expect(existsSync(path.join(outside, "stack.yaml"))).toBe(false);
  });

  it("a link as the file, to a file outside", async () => {
    writeFileSync(path.join(outside, "target"), "theirs");
    symlinkSync(path.join(outside, "target"), path.join(project, "Pulumi.dev.yaml"));
    expect(await refusal(writeProjectFile(project, "Pulumi.dev.yaml", "ours", { overwrite: true }))).toContain("is a symbolic link");
    expect(readFileSync(path.join(outside, "target"), "utf8")).toBe("theirs");
  });

  it("`..`, absolute and empty parts", async () => {
    for (const name of ["actions/imported/../../../outside/x.js", "../outside/x", "/etc/x", "a//b", "./a"])
      expect(await refusal(writeProjectFile(project, name, "x"))).toContain("is not a plain path inside the project");
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe("removeProjectFile", () => {
  it("removes a link itself, never what it points to, and never through a linked directory", async () => {
    writeFileSync(path.join(outside, "target.pem"), "theirs");
    mkdirSync(path.join(project, "keys"));
    symlinkSync(path.join(outside, "target.pem"), path.join(project, "keys/a.pem"));
    expect(await removeProjectFile(project, "keys/a.pem")).toBe(true);
    expect(readFileSync(path.join(outside, "target.pem"), "utf8")).toBe("theirs");
    symlinkSync(outside, path.join(project, "linked"));
    expect(await refusal(removeProjectFile(project, "linked/target.pem"))).toContain("a symbolic link");
    expect(await refusal(removeProjectFile(project, "../outside/target.pem"))).toContain("not a plain path");
    expect(existsSync(path.join(outside, "target.pem"))).toBe(true);
    expect(await removeProjectFile(project, "keys/missing.pem")).toBe(false);
  });
});
