import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { acmeRoot } from "./temp-project";

/** An environment in which git commits without a user configuration. */
export const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.com",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.com",
};

/** A throwaway git repository holding a copy of the acme example's tenant files, committed as the base revision. */
export function throwawayRepo() {
  const dir = mkdtempSync(path.join(tmpdir(), "review-repo-"));
  for (const f of ["Pulumi.yaml", "tenant.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "keys", "actions"])
    cpSync(path.join(acmeRoot, f), path.join(dir, f), { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      encoding: "utf8",
      env: gitEnv,
    });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  return {
    dir,
    git,
    read: (f: string) => readFileSync(path.join(dir, f), "utf8"),
    write: (f: string, text: string) => writeFileSync(path.join(dir, f), text),
    edit: (f: string, from: string | RegExp, to: string) => {
      const text = readFileSync(path.join(dir, f), "utf8");
      const next = text.replace(from, to);
      if (next === text) throw new Error(`edit of ${f} changed nothing: ${String(from)}`);
      writeFileSync(path.join(dir, f), next);
    },
    reset: () => {
      git("reset", "-q", "--hard", "main");
      git("clean", "-qfd");
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
