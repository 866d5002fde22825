export class FileRefused extends Error {
  constructor(file: string, reason: string, directory?: boolean);
  readonly file: string;
  readonly reason: string;
  /** A directory is "no file here" to a reader of project paths, not an error. */
  readonly directory: boolean;
}

export class ProjectFileProblem extends Error {}

export const WORKER_TAG: string;

export type Charge = (bytes: number, file: string) => void;

export function readRegularFile(file: string, maxBytes: number, allowed: string, noFollow: boolean, charge?: Charge): string;

export function decodeUtf8(bytes: Uint8Array, file: string): string;

export function projectFiles(
  root: string,
): (relativePath: string, maxBytes: number, allowed: string, charge?: Charge) => string | undefined;

/** What the worker answers for one file. */
export type WorkerAnswer =
  { text: string } | { missing: true } | { problem: string } | { limit: { bytes: number; file: string } } | { retry: true };
