import { createPrivateKey, createPublicKey } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { STACK_NAME } from "../../src/config/stack-name";
import { UsageError } from "../io";

/**
 * Checks of command-line values made when they are parsed, before a command does anything: a mistake in an argument
 * is a usage error (exit 2) in every command, said in one line that names the option. Files are resolved against
 * the directory the command runs in.
 */

/** What is wrong with a path given as a file, or undefined when it is a file that can be read. */
export function fileProblem(file: string, cwd: string, want: "file" | "directory" = "file"): string | undefined {
  try {
    const info = statSync(path.resolve(cwd, file));
    if (want === "file" && info.isDirectory()) return "is a directory, not a file";
    if (want === "directory" && !info.isDirectory()) return "is not a directory";
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (want === "directory" && (code === "ENOENT" || code === "ENOTDIR")) return "no such directory";
    return fsProblem(e as NodeJS.ErrnoException);
  }
}

/** A file system error in words (never `ENOENT: no such file or directory, open …`). */
export function fsProblem(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "cannot be read (permission denied)";
    case "ENOTDIR":
      return "no such file (a part of the path is not a directory)";
    case "EISDIR":
      return "is a directory, not a file";
    case "ELOOP":
      return "is a symbolic link loop";
    case "ENAMETOOLONG":
      return "the path is too long";
    default:
      return `cannot be read (${e.code ?? e.message})`;
  }
}

/** A commander argument parser: the value is an existing file (or directory), else a usage error naming the option. */
export const existing =
  (option: string, cwd: string, want: "file" | "directory" = "file") =>
  (value: string): string => {
    const problem = fileProblem(value, cwd, want);
    if (problem) throw new UsageError(`${option} ${value}: ${problem}`);
    return value;
  };

/**
 * A private key file: a public key (the half that is committed in keys/) is named as such, with what to pass instead.
 * The key itself is read again by the command; this only makes a wrong file a usage error.
 */
export const privateKeyFile =
  (option: string, cwd: string) =>
  (value: string): string => {
    existing(option, cwd)(value);
    let pem: string;
    try {
      pem = readFileSync(path.resolve(cwd, value), "utf8");
    } catch (e) {
      throw new UsageError(`${option} ${value}: ${fsProblem(e as NodeJS.ErrnoException)}`);
    }
    if (pem.length > 64 * 1024) throw new UsageError(`${option} ${value}: too large for a PEM private key`);
    try {
      createPrivateKey(pem);
      return value;
    } catch {
      if (isPublicKey(pem))
        throw new UsageError(
          `${option} ${value}: this is a public key; pass the private half (the file \`keys new\` wrote outside the repository)`,
        );
      throw new UsageError(`${option} ${value}: not a PEM private key`);
    }
  };

function isPublicKey(pem: string): boolean {
  try {
    createPublicKey(pem);
    return !/PRIVATE KEY/.test(pem);
  } catch {
    return false;
  }
}

/** A stack name Pulumi accepts, else a usage error (also for a stack that does not exist yet, as import writes). */
export const stackName =
  (option = "--stack") =>
  (value: string): string => {
    if (!STACK_NAME.test(value))
      throw new UsageError(
        `${option} ${JSON.stringify(value)}: not a stack name (allowed: 1 to 100 letters, digits, "-", "_" and ".", e.g. dev)`,
      );
    return value;
  };

/** The same, for options that take several stacks. */
export const stackNames =
  (option: string) =>
  (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), stackName(option)(value)];
