import { realpathSync } from "node:fs";
import * as path from "node:path";
import { ProjectFileError } from "../errors";
import { NotARegularFile, readRegularFile } from "./regular-file";

/**
 * Reads project files (keys, action sources) from a directory: undefined for a missing file; a ProjectFileError, which
 * names the file and the rule, for a path outside the project (also through a symbolic link: the real path must be
 * inside the real root) and for anything but a regular file of bounded size (a FIFO or a device would hang or flood a
 * command).
 */
export function directoryReader(root: string): (relativePath: string) => Promise<string | undefined> {
  const base = path.resolve(root);
  let realBase: string | undefined;
  // Synchronous inside (see readRegularFile); the reader stays asynchronous like the git revision reader.
  return async (relativePath) => {
    const full = path.resolve(base, relativePath);
    if (full !== base && !full.startsWith(base + path.sep))
      throw new ProjectFileError(`${relativePath} is outside the project (allowed: files inside it)`);
    let real: string;
    try {
      real = realpathSync.native(full);
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
    const realRoot = (realBase ??= realpathSync.native(base));
    if (!real.startsWith(realRoot + path.sep)) {
      throw new ProjectFileError(
        `${relativePath} leads outside the project through a symbolic link (to ${real}); allowed: files whose real path is inside it`,
      );
    }
    try {
      return readRegularFile(real);
    } catch (e) {
      if (isMissing(e)) return undefined;
      if (e instanceof NotARegularFile) {
        if (e.directory) return undefined;
        throw new ProjectFileError(`${relativePath} ${e.reason}`);
      }
      throw e;
    }
  };
}

const isMissing = (e: unknown) => ["ENOENT", "ENOTDIR"].includes((e as NodeJS.ErrnoException).code ?? "");
