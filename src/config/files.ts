import { realpath, stat } from "node:fs/promises";
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
  let realBase: Promise<string> | undefined;
  return async (relativePath) => {
    const full = path.resolve(base, relativePath);
    if (full !== base && !full.startsWith(base + path.sep))
      throw new ProjectFileError(`${relativePath} is outside the project (allowed: files inside it)`);
    let real: string;
    try {
      real = await realpath(full);
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
    const realRoot = await (realBase ??= realpath(base));
    if (!real.startsWith(realRoot + path.sep)) {
      throw new ProjectFileError(
        `${relativePath} leads outside the project through a symbolic link (to ${real}); allowed: files whose real path is inside it`,
      );
    }
    try {
      if ((await stat(real)).isDirectory()) return undefined;
      return await readRegularFile(real);
    } catch (e) {
      if (isMissing(e) || (e as NodeJS.ErrnoException).code === "EISDIR") return undefined;
      if (e instanceof NotARegularFile) throw new ProjectFileError(`${relativePath} ${e.reason}`);
      throw e;
    }
  };
}

const isMissing = (e: unknown) => ["ENOENT", "ENOTDIR"].includes((e as NodeJS.ErrnoException).code ?? "");
