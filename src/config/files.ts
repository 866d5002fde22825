import { ProjectFileError } from "../errors";
import { commandBudget, currentLimits, describeLimit } from "../command-budget";
import { ProjectFileProblem, projectFiles } from "./project-file.cjs";
import { workerReadAhead, type AheadReader, type WorkerReadOptions } from "./read-ahead";
import { boundOf, MAX_PROJECT_FILE_BYTES, type SizeBound } from "./regular-file";

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
 * command). The rules are in project-file.cjs; many files can be read ahead on a worker thread (read-ahead.ts).
 */
export function directoryReader(root: string, aheadOptions: Omit<WorkerReadOptions, "boundOf"> = {}): AheadReader {
  const read = projectFiles(root);
  const boundOfPath = (relativePath: string) => boundOf(sizeBoundOf(relativePath));
  // Synchronous inside (see readRegularFile); the reader stays asynchronous like the git revision reader.
  const readHere = (relativePath: string) => {
    const { bytes, allowed } = boundOfPath(relativePath);
    const budget = commandBudget();
    try {
      return read(relativePath, bytes, allowed, budget && ((n, at) => budget.chargeBytes(n, at)));
    } catch (e) {
      if (e instanceof ProjectFileProblem) throw new ProjectFileError(e.message);
      throw e;
    }
  };
  return Object.assign(async (relativePath: string) => readHere(relativePath), {
    ahead: (expected: number) => workerReadAhead(root, readHere, expected, { ...aheadOptions, boundOf: boundOfPath }),
  });
}

/**
 * The project's own YAML files (Pulumi.yaml, stack files, shared definitions) under the same rules as every project
 * file (sizeBoundOf gives them the YAML size bound): a stack file linked to a file outside the project, to a FIFO or to
 * a device is refused unread.
 */
export const projectYamlReader = (root: string) => directoryReader(root);
