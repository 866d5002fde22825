import { readFile, realpath } from "node:fs/promises";
import * as path from "node:path";

/**
 * Reads project files (keys, action sources) from a directory; undefined for a missing file or a path outside it,
 * also when the path leads outside through a symbolic link (the file's real path must be inside the real root).
 */
export function directoryReader(root: string): (relativePath: string) => Promise<string | undefined> {
  const base = path.resolve(root);
  let realBase: Promise<string> | undefined;
  return async (relativePath) => {
    const full = path.resolve(base, relativePath);
    if (full !== base && !full.startsWith(base + path.sep)) return undefined;
    try {
      const real = await realpath(full);
      const realRoot = await (realBase ??= realpath(base));
      if (!real.startsWith(realRoot + path.sep)) return undefined;
      return await readFile(real, "utf8");
    } catch (e) {
      if (
        (e as NodeJS.ErrnoException).code === "ENOENT" ||
        (e as NodeJS.ErrnoException).code === "EISDIR" ||
        (e as NodeJS.ErrnoException).code === "ENOTDIR"
      )
        return undefined;
      throw e;
    }
  };
}
