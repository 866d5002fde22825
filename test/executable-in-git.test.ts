import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { dump } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gitEnv } from "./support/git-repo";
import { projectRoot, tempProject, validTenant } from "./support/temp-project";

/**
 * The real executable, in a process of its own, inside a git repository: the commands that read committed files do so
 * through a `git cat-file --batch` child, which must keep the command alive while a read is pending (when it did not,
 * `keys` and a review of a tenant without actions ended half-way with exit code 0 and no output).
 */

const bin = path.join(projectRoot, "cli/auth0-tenant.mjs");

let project: ReturnType<typeof tempProject>;
/** Private keys go outside the repository: a home of their own. */
const home = mkdtempSync(path.join(tmpdir(), "home-"));
const git = (...args: string[]) => execFileSync("git", args, { cwd: project.root, env: gitEnv, stdio: "pipe" });
const stackFile = () => path.join(project.root, "Pulumi.dev.yaml");

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
      cwd: project.root,
      env: { ...gitEnv, AUTH0_TENANT_CACHE_DIR: "off", HOME: home, XDG_CONFIG_HOME: home },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(() => {
  project = tempProject();
  // A shared definition without actions, and a stack that extends it with billing's key.
  const { applications, ...shared } = validTenant();
  const { credentials, ...billing } = applications.billing;
  writeFileSync(path.join(project.root, "tenant.yaml"), dump({ ...shared, applications: { ...applications, billing } }));
  writeFileSync(
    stackFile(),
    dump({
      config: {
        "auth0:domain": "acme-dev.eu.auth0.com",
        "auth0-tenant:tenant": { extends: "tenant.yaml", applications: { billing: { credentials } } },
      },
    }),
  );
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "base");
});
afterAll(() => {
  project.cleanup();
  rmSync(home, { recursive: true, force: true });
});

describe("the executable inside a git repository", () => {
  it("keys rotate --dry-run finishes, and checks the step against the committed stack over the committed shared definition", async () => {
    const result = await run("keys", "rotate", "billing", "--stack", "dev", "--dry-run");
    expect(result.stderr).toContain("rotation rules checked against: Pulumi.dev.yaml as it is now, last commit (git HEAD)");
    expect(result.stdout).toContain("dry run: nothing written");
    expect(result.code).toBe(0);
  });

  it("a misspelt application in keys is an error with its exit code, not a silent exit 0", async () => {
    const result = await run("keys", "rotate", "biling", "--stack", "dev", "--dry-run");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('did you mean "billing"');
  });

  it("review of a tenant without actions reports the change and fails the gate", async () => {
    const before = readFileSync(path.join(project.root, "tenant.yaml"), "utf8");
    writeFileSync(path.join(project.root, "tenant.yaml"), before.replace(/^(\s*)- orders:read$/m, "$1- orders:read\n$1- orders:write"));
    try {
      const result = await run("review", "--base", "HEAD", "--stack", "dev", "--fail-on", "medium");
      expect(result.stdout).toContain("billing gains orders:write on orders-api");
      expect(result.code).toBe(1);
    } finally {
      writeFileSync(path.join(project.root, "tenant.yaml"), before);
    }
  });
});
