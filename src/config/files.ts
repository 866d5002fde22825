import { realpathSync } from "node:fs";
import * as path from "node:path";
import { ProjectFileError } from "../errors";
import { currentLimits, describeLimit } from "../command-budget";
import { FileRefused, MAX_PROJECT_FILE_BYTES, readRegularFile, type SizeBound } from "./regular-file";

/** The size bound of a project file: a YAML file's (stack files hold a whole tenant), or a key's or source's. */
export function sizeBoundOf(relativePath: string): SizeBound {
  if (!/\.ya?ml$/i.test(relativePath)) return MAX_PROJECT_FILE_BYTES;
  const limits = currentLimits();
  return { bytes: limits.yamlFileBytes, text: describeLimit("yamlFileBytes", limits) };
}

/**
 * Reads project files (keys, action sources) from a directory: undefined for a missing file; a ProjectFileError, which
 * names the file and the rule, for a path outside the project (also through a symbolic link: the real path must be
 * inside the real root) and for anything but a regular file of bounded size (a FIFO or a device would hang or flood a
 * command).
 */
export function directoryReader(root: string): (relativePath: string) => Promise<string | undefined> {
  const base = path.resolve(root);
  let realRoot: string | undefined;
  // Real paths of directories, once each: a tenant's thousands of keys share one or two (realpath is several syscalls).
  const realDirs = new Map<string, string | undefined>();
  const realDir = (dir: string) => {
    if (!realDirs.has(dir)) realDirs.set(dir, realOrMissing(dir));
    return realDirs.get(dir);
  };
  const inside = (real: string, relativePath: string) => {
    realRoot ??= realpathSync.native(base);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep))
      throw new ProjectFileError(
        `${relativePath} leads outside the project through a symbolic link (to ${real}); allowed: files whose real path is inside it`,
      );
  };
  // Synchronous inside (see readRegularFile); the reader stays asynchronous like the git revision reader.
  return async (relativePath) => {
    const full = path.resolve(base, relativePath);
    if (full !== base && !full.startsWith(base + path.sep))
      throw new ProjectFileError(`${relativePath} is outside the project (allowed: files inside it)`);
    if (full === base) return undefined;
    const dir = realDir(path.dirname(full));
    if (dir === undefined) return undefined;
    inside(dir, relativePath);
    try {
      try {
        // The file itself must not be a link (O_NOFOLLOW); one that is is read through its real path, checked first.
        return readRegularFile(path.join(dir, path.basename(full)), sizeBoundOf(relativePath), { noFollow: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ELOOP") throw e;
        const real = realOrMissing(full);
        if (real === undefined) return undefined;
        inside(real, relativePath);
        return readRegularFile(real, sizeBoundOf(relativePath));
      }
    } catch (e) {
      if (isMissing(e)) return undefined;
      if (e instanceof FileRefused) {
        if (e.directory) return undefined;
        throw new ProjectFileError(`${relativePath} ${e.reason}`);
      }
      throw e;
    }
  };
}

function realOrMissing(file: string): string | undefined {
  try {
    return realpathSync.native(file);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

const isMissing = (e: unknown) => ["ENOENT", "ENOTDIR"].includes((e as NodeJS.ErrnoException).code ?? "");

/**
 * The project's own YAML files (Pulumi.yaml, stack files, shared definitions) under the same rules as every project
 * file (sizeBoundOf gives them the YAML size bound): a stack file linked to a file outside the project, to a FIFO or to
 * a device is refused unread.
 */
export const projectYamlReader = (root: string) => directoryReader(root);
