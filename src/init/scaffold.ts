import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from "node:fs";
import * as path from "node:path";
import { ProjectError } from "../errors";
import { removeProjectFile, writeProjectFile } from "../fs/confined-write";
import { addKey, type KeysContext } from "../keys/commands";
import { APP, COPIED, templates, type Scaffold } from "./templates";

/** init refused (a file it would write is there): nothing was written. */
export class InitError extends ProjectError {
  readonly code = "ERR_INIT";
}

export interface InitOptions extends Scaffold {
  dir: string;
  /** The tool's own root, where the copied action files come from. */
  toolRoot: string;
  now: Date;
  /** Where the first private key goes (default: the key tool's, under ~/.config/auth0-tenant/dev/). */
  keyOut?: string;
  configHome?: string;
}

/**
 * Writes a new tenant repository into `dir`, then adds the app's first key with the key tool (the private half
 * outside the repository). Refuses, writing nothing, when any file it would write exists; each file goes through the
 * confined writer without overwrite, so one that appears meanwhile is not overwritten either, and a linked directory
 * cannot lead a file out of the repository; on a failure the files it wrote are removed.
 */
export async function init(options: InitOptions): Promise<{ files: string[]; keyLines: string[] }> {
  const files: Record<string, string> = { ...templates(options) };
  for (const rel of COPIED) files[rel] = readFileSync(path.join(options.toolRoot, rel), "utf8");
  const there = Object.keys(files).filter((rel) => existsSync(path.join(options.dir, rel)));
  if (there.length > 0)
    throw new InitError(
      `${options.dir}: ${there.join(", ")} already exist${there.length === 1 ? "s" : ""}; init never overwrites (use an empty directory)`,
    );
  const written: string[] = [];
  const dirsBefore = new Set(parentsOf(Object.keys(files)).filter((d) => existsSync(path.join(options.dir, d))));
  mkdirSync(options.dir, { recursive: true });
  try {
    for (const [rel, text] of Object.entries(files)) {
      await writeProjectFile(options.dir, rel, text);
      written.push(rel);
    }
    mkdirSync(path.join(options.dir, "keys"), { recursive: true });
    const ctx: KeysContext = {
      dir: options.dir,
      stack: "dev",
      now: options.now,
      deployed: { sources: [], notes: [] },
      ...(options.configHome ? { configHome: options.configHome } : {}),
    };
    const key = await addKey(ctx, "new", APP, { ...(options.keyOut ? { out: options.keyOut } : {}) });
    return { files: written, keyLines: key.lines };
  } catch (e) {
    for (const rel of written.reverse()) await removeProjectFile(options.dir, rel);
    for (const d of parentsOf(written)) {
      const full = path.join(options.dir, d);
      if (!dirsBefore.has(d) && existsSync(full) && readdirSync(full).length === 0) rmdirSync(full);
    }
    throw e;
  }
}

/** The directories above these project files, deepest first. */
function parentsOf(files: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const rel of files) for (let d = path.dirname(rel); d !== "."; d = path.dirname(d)) dirs.add(d);
  return [...dirs].sort((a, b) => b.split("/").length - a.split("/").length);
}
