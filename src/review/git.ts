import { execFile } from "node:child_process";
import { hash } from "node:crypto";
import * as path from "node:path";
import { promisify } from "node:util";
import { commandBudget } from "../command-budget";
import { sizeBoundOf } from "../config/files";
import { GitError, UsageError } from "../errors";
import { BlobReader } from "./git-blobs";

const run = promisify(execFile);

async function git(repoDir: string, args: string[]): Promise<string> {
  try {
    // Literal pathspecs: a directory named like `:(exclude)x` or holding `*` is a name, not a pattern.
    const { stdout } = await run("git", ["--literal-pathspecs", ...args], { cwd: repoDir, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new GitError(`git ${args.join(" ")}: ${(err.stderr ?? err.message).trim()}`);
  }
}

/** The top of the git work tree that holds `dir`, or undefined outside one (or without git). */
export async function repositoryRoot(dir: string): Promise<string | undefined> {
  try {
    return (await git(dir, ["rev-parse", "--show-toplevel"])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Files of the project at one git revision, read from git's objects (no checkout); relative to the project dir. */
export interface RevisionSource {
  label: string;
  readFile: (relativePath: string) => Promise<string | undefined>;
  listFiles: () => Promise<string[]>;
}

export async function resolveRevision(repoDir: string, ref: string): Promise<string> {
  return (
    await git(repoDir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).catch(() => {
      throw new UsageError(`--base ${ref}: not a commit in this repository (try a branch, tag or SHA, e.g. origin/main)`);
    })
  ).trim();
}

export interface RevisionOptions {
  /**
   * The working tree's reader. A file whose working-tree bytes have the revision's blob id is read through it instead
   * of from git's objects (the review plans both: a one-line change to a 10,000-key tenant then reads each key once).
   * The ids are compared, not git's index: assume-unchanged, skip-worktree, fsmonitor, relaxed stat checks, clean
   * filters and GIT_WORK_TREE can all make `git diff` call a changed file unchanged.
   */
  workingTree?: (relativePath: string) => Promise<string | undefined>;
}

/** Git's id of a blob with these bytes: SHA-1, or SHA-256 in a repository that uses it (64 hex digits). */
function blobIdOf(bytes: Buffer, like: string): string {
  return hash(like.length === 64 ? "sha256" : "sha1", Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]), "hex");
}

export async function gitRevision(repoDir: string, ref: string, options: RevisionOptions = {}): Promise<RevisionSource> {
  const commit = await resolveRevision(repoDir, ref);
  const prefix = (await git(repoDir, ["rev-parse", "--show-prefix"])).trim();
  const cache = new Map<string, Promise<string | undefined>>();
  const blobs = new BlobReader(repoDir, commandBudget());
  // Blob ids by path, one `git ls-tree` per directory: asking cat-file for `<commit>:<path>` walks the directory's
  // tree for every file (quadratic in a directory of many keys); by blob id each read is a lookup.
  const listings = new Map<string, Promise<Map<string, { id: string; regular: boolean }>>>();
  const blobIdsIn = (dir: string) => {
    let listing = listings.get(dir);
    if (!listing) {
      // --full-tree: paths from the repository's root, wherever in it the project is (as `prefix` makes them).
      listing = git(repoDir, ["ls-tree", "--full-tree", "-z", commit, ...(dir === "" ? [] : ["--", `${dir}/`])]).then((out) => {
        const ids = new Map<string, { id: string; regular: boolean }>();
        for (const entry of out.split("\0")) {
          const m = /^(\d+) blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
          // Regular files are modes 100644 and 100755 (a symbolic link is a blob too, of mode 120000).
          if (m) ids.set(m[3]!, { id: m[2]!, regular: m[1] === "100644" || m[1] === "100755" });
        }
        return ids;
      });
      listings.set(dir, listing);
    }
    return listing;
  };
  return {
    label: `${ref} (${commit.slice(0, 12)})`,
    readFile: (relativePath) => {
      if (relativePath.split("/").includes("..")) return Promise.resolve(undefined);
      const key = path.posix.normalize(`${prefix}${relativePath}`);
      let hit = cache.get(key);
      if (!hit) {
        const dir = path.posix.dirname(key);
        hit = blobIdsIn(dir === "." ? "" : dir).then(async (ids) => {
          const blob = ids.get(key);
          if (blob === undefined) return undefined;
          if (options.workingTree && blob.regular) {
            const text = await options.workingTree(relativePath).catch(() => undefined);
            if (text !== undefined && blobIdOf(Buffer.from(text, "utf8"), blob.id) === blob.id) return text;
          }
          return blobs.read(blob.id, key, sizeBoundOf(relativePath));
        });
        cache.set(key, hit);
      }
      return hit;
    },
    listFiles: async () =>
      // -z: names as they are (without it git quotes non-ASCII names, and they would match no stack file).
      (await git(repoDir, ["ls-tree", "--full-tree", "-z", "--name-only", commit, ...(prefix === "" ? [] : ["--", prefix])]))
        .split("\0")
        .filter(Boolean)
        .map((f) => f.slice(prefix.length)),
  };
}

/** `git diff --numstat` of paths between a revision and the working tree: lines added/removed per file. */
export async function diffStat(
  repoDir: string,
  commit: string,
  paths: string[],
): Promise<{ file: string; added: number; removed: number }[]> {
  if (paths.length === 0) return [];
  // --relative: paths from the project's directory (where git runs), wherever it is in the repository.
  const out = await git(repoDir, ["diff", "--numstat", "--relative", "--no-renames", "--no-ext-diff", commit, "--", ...paths]);
  return out
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [a, r, file] = line.split("\t");
      return { file: file!, added: Number(a), removed: Number(r) };
    });
}
