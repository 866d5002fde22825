/** What the spec is read against: the stack, the project's files, the time, its config. */
export interface SpecContext {
  stack: string;
  /** Reads a file relative to the project root (a working tree or a git revision); undefined when absent. */
  readFile: (relativePath: string) => Promise<string | undefined>;
  now: Date;
  /** The Pulumi project name: the namespace of the project's own config keys. */
  project?: string;
  /** Looks up a stack config key (for action secrets): whether it is set, stored as a secret, and its length if known. */
  config?: (key: string) => { secret: boolean; length?: number } | undefined;
}
