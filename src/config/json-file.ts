import { markTree, prototypeKeys } from "../dict";
import { InputFileError } from "../errors";
import { excerpt } from "../excerpt";
import { checkDocument } from "./document-limits";
import { FileRefused, readRegularFile } from "./regular-file";

/** Event and user files are small; anything bigger is not one. */
export const MAX_JSON_FILE_BYTES = 1024 * 1024;

/**
 * Reads a JSON file that must hold one object (an event, a user): a regular file of at most 1 MiB, valid JSON, an
 * object (not null, an array or a scalar), nested at most MAX_DEPTH deep, without `__proto__` keys. Every error names
 * the file and what is allowed.
 */
export async function readJsonObject(file: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = readRegularFile(file, MAX_JSON_FILE_BYTES);
  } catch (e) {
    if (e instanceof FileRefused) throw new InputFileError(e.message);
    throw new InputFileError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let value: unknown;
  try {
    value = markTree(JSON.parse(text));
  } catch (e) {
    throw new InputFileError(`${file}: not valid JSON (${excerpt((e as Error).message)})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const got = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw new InputFileError(`${file}: must hold a JSON object (${what}), got ${got}`);
  }
  checkDocument(value, file, (message) => new InputFileError(message));
  const proto = prototypeKeys(value);
  if (proto.length > 0) throw new InputFileError(`${file}: ${proto[0]!.join(".")}: a __proto__ key is never data; rename it`);
  return value as Record<string, unknown>;
}
