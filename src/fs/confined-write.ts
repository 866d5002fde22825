import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, lstat, mkdir, open, realpath, rename, unlink } from "node:fs/promises";
import * as path from "node:path";
import { ProjectFileError } from "../errors";

/**
 * The one way the tools create, change or remove a file of the project (a stack file, a public key, imported action
 * code). The path is relative to the project and stays inside it: no absolute path and no `..`, no directory on the
 * way that is a symbolic link (a linked `actions/imported/` would put files anywhere), no link as the file itself
 * (dangling or not). The content goes to a temporary file in the same directory (created O_EXCL | O_NOFOLLOW), which
 * then replaces the file in one step, so a reader never sees half a file; an existing file is replaced only when asked.
 */

export interface WriteOptions {
  /** Replace the file when it exists (default: refuse). */
  overwrite?: boolean;
  /** Permission bits (default: those of the file replaced, else 0o644). */
  mode?: number;
}

/** Writes `content` to `relativePath` inside `root`; returns the full path written. */
export async function writeProjectFile(
  root: string,
  relativePath: string,
  content: string | Uint8Array,
  options: WriteOptions = {},
): Promise<string> {
  const { dir, file } = await confinedParent(root, relativePath, true);
  const existing = await lstatOrMissing(file);
  if (existing?.isSymbolicLink()) throw refused(relativePath, "is a symbolic link");
  if (existing && !existing.isFile()) throw refused(relativePath, "exists and is not a regular file");
  if (existing && !options.overwrite) throw refused(relativePath, "exists (it is replaced only when asked, e.g. --force)");
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    options.mode ?? (existing ? existing.mode & 0o777 : 0o644),
  );
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (options.overwrite) await rename(temp, file);
    else {
      // link() never replaces: a file that appeared since the check above is not clobbered.
      await link(temp, file).catch((e: NodeJS.ErrnoException) => {
        throw e.code === "EEXIST" ? refused(relativePath, "exists (it is replaced only when asked, e.g. --force)") : e;
      });
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  return file;
}

/** Removes `relativePath` inside `root` (a link there is removed itself, never what it points to); false when absent. */
export async function removeProjectFile(root: string, relativePath: string): Promise<boolean> {
  const { file } = await confinedParent(root, relativePath, false).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { file: undefined };
    throw e;
  });
  if (file === undefined || !(await lstatOrMissing(file))) return false;
  await unlink(file);
  return true;
}

/**
 * The file's directory, checked component by component from the project's real root: each one a real directory
 * (created when missing and `create` is set), none a symbolic link.
 */
async function confinedParent(root: string, relativePath: string, create: boolean): Promise<{ dir: string; file: string }> {
  const parts = relativePath.split(/[\\/]/);
  if (path.isAbsolute(relativePath) || parts.some((p) => p === ".." || p === "." || p === "") || relativePath.includes("\0"))
    throw refused(relativePath, "is not a plain path inside the project (no absolute path, no `..`, `.` or empty parts)");
  let dir = await realpath(path.resolve(root));
  for (const part of parts.slice(0, -1)) {
    dir = path.join(dir, part);
    const info = await lstatOrMissing(dir);
    if (info?.isSymbolicLink()) throw refused(relativePath, `leads through ${path.relative(root, dir) || dir}, a symbolic link`);
    if (info && !info.isDirectory()) throw refused(relativePath, `leads through ${path.relative(root, dir)}, which is not a directory`);
    if (!info) {
      if (!create) throw Object.assign(new Error(`${dir} is missing`), { code: "ENOENT" });
      await mkdir(dir).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "EEXIST") throw e;
      });
      if (!(await lstat(dir)).isDirectory())
        throw refused(relativePath, `leads through ${path.relative(root, dir)}, which is not a directory`);
    }
  }
  return { dir, file: path.join(dir, parts.at(-1)!) };
}

async function lstatOrMissing(file: string) {
  try {
    return await lstat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

const refused = (relativePath: string, why: string) =>
  new ProjectFileError(
    `${relativePath} ${why}; nothing was written there (allowed: regular files inside the project, reached without symbolic links)`,
  );
