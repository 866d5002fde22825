import { readFile } from "node:fs/promises";
import * as path from "node:path";

/** Reads project files (keys, action sources) from a directory; undefined for a missing file or a path outside it. */
export function directoryReader(root: string): (relativePath: string) => Promise<string | undefined> {
  const base = path.resolve(root);
  return async (relativePath) => {
    const full = path.resolve(base, relativePath);
    if (full !== base && !full.startsWith(base + path.sep)) return undefined;
    try {
      return await readFile(full, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT" || (e as NodeJS.ErrnoException).code === "EISDIR") return undefined;
      throw e;
    }
  };
}
