/**
 * Every error the project throws on purpose, in one place (as jose does): each class has a stable `code` that
 * programs and tests can rely on, and a message written for the person who has to act on it.
 */
export abstract class ProjectError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A public key or certificate file that Auth0 would not accept. */
export class PublicKeyError extends ProjectError {
  readonly code = "ERR_PUBLIC_KEY";
}

/** A stack file or Pulumi.yaml that cannot be read as Pulumi config. */
export class StackConfigError extends ProjectError {
  readonly code = "ERR_STACK_CONFIG";
}

/** An action whose sources do not bundle. */
export class BundleError extends ProjectError {
  readonly code = "ERR_BUNDLE";
}

/** An action bundle whose top level fails to load. */
export class ActionLoadError extends ProjectError {
  readonly code = "ERR_ACTION_LOAD";
}

/** An action handler that fails or exceeds its limits while running. */
export class ActionRunError extends ProjectError {
  readonly code = "ERR_ACTION_RUN";
}

/** A key-tool command that was refused; nothing was written. */
export class KeysError extends ProjectError {
  readonly code = "ERR_KEYS";
}

/** A project file (key, action source) that may not be read: outside the project, not a regular file, too large. */
export class ProjectFileError extends ProjectError {
  readonly code = "ERR_PROJECT_FILE";
}

/** A file given on the command line (an event, a user) that is not what the command needs. */
export class InputFileError extends ProjectError {
  readonly code = "ERR_INPUT_FILE";
}

/** A command was asked for something that is not there (an unknown stack, a git ref): exit code 2 with the usage. */
export class UsageError extends ProjectError {
  readonly code = "ERR_USAGE";
}

/** A git command the review needs failed. */
export class GitError extends ProjectError {
  readonly code = "ERR_GIT";
}

/** For switches over unions: a member that is not handled is a compile error, and a runtime error if it slips in. */
export function assertNever(value: never, what: string): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}

/** The live tenant could not be read (Auth0 refused, was unreachable, or rate-limited the reader past its retries). */
export class TenantReadError extends ProjectError {
  readonly code = "ERR_TENANT_READ";
}

/** A command reached one of its limits (time of action code, bytes read, YAML alias expansion); the message says how to raise it. */
export class CommandLimitError extends ProjectError {
  readonly code = "ERR_COMMAND_LIMIT";
}
