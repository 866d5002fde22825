import { Command, CommanderError } from "commander";
import { ProjectError, TenantReadError } from "../src/errors";
import { actionCommand } from "./commands/action";
import { keysCommand } from "./commands/keys";
import { liveCommands } from "./commands/live";
import { localCommands } from "./commands/local";
import { planCommand } from "./commands/plan";
import { reviewCommand } from "./commands/review";
import { initCommand } from "./commands/init";
import { completionCommand } from "./commands/completion";
import { fsProblem } from "./commands/arguments";
import { projectDir } from "./commands/project";
import { Denied, EXIT, processIo, UsageError, type Io } from "./io";

const VERSION = (require("../package.json") as { version: string }).version;

/**
 * `auth0-tenant <command>`: every command of the project behind one executable (commander: generated help for every
 * command, "did you mean" for commands and options, one exit-code convention). Exit codes: 0 ok, 1 findings or invalid
 * input, 2 usage, 3 denied, 4 a tenant could not be read, 70 the command ended without a result (see main).
 */
export async function run(argv: string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  let current: Command | undefined;
  let failed: Command | undefined;
  // `help keys rotate` is `keys rotate --help` (commander's own help command takes one word only).
  if (argv[0] === "help") argv = [...argv.slice(1), "--help"];
  const program = createProgram(io, async (body) => {
    try {
      code = await body();
    } catch (e) {
      failed = current;
      throw e;
    }
  });
  for (const c of [program, ...allCommands(program)])
    c.hook("preSubcommand", (_, sub) => {
      current = sub;
    });
  program.hook("preAction", async (_, actionCommand) => {
    current = actionCommand;
    // --dir wins; else the project is found from the current directory up, as git and pulumi find theirs.
    if (actionCommand.options.some((o) => o.long === "--dir") && actionCommand.getOptionValue("dir") === undefined)
      actionCommand.setOptionValue("dir", await projectDir(io.cwd));
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version succeed; a command group run without its subcommand (commander.help) shows the help as
      // a usage error, like a missing argument.
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return EXIT.ok;
      return EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.err(`${io.errLook.error(`error: ${e.message}`)}\n(see \`${commandPath(failed ?? current ?? program)} --help\`)\n`);
      return EXIT.usage;
    }
    if (e instanceof Denied) {
      io.err(`${e.message}\n`);
      return EXIT.denied;
    }
    if (e instanceof TenantReadError) {
      io.err(`${io.errLook.error(e.message)}\n`);
      return EXIT.unreadable;
    }
    if (e instanceof ProjectError) {
      io.err(`${io.errLook.error(e.message)}\n`);
      return EXIT.findings;
    }
    // A file system error that escaped a reader: its path and what is wrong, not `ENOENT: no such file or directory, open …`.
    const errno = e as NodeJS.ErrnoException;
    if (errno instanceof Error && typeof errno.code === "string" && typeof errno.path === "string") {
      io.err(`${io.errLook.error(`${errno.path}: ${fsProblem(errno)}`)}\n`);
      return EXIT.findings;
    }
    io.err(`${io.errLook.error(e instanceof Error ? e.message : String(e))}\n`);
    return EXIT.findings;
  }
}

type RunIn = (body: () => Promise<number>) => Promise<void>;

/** The program of every command; `runIn` runs a command's body and records its exit code. */
function createProgram(io: Io, runIn: RunIn): Command {
  const program = new Command("auth0-tenant")
    .description("An Auth0 tenant as code: plan, review, rotate keys, run actions and a local tenant, offline")
    .version(VERSION, "-V, --version", "the version")
    .option("--no-color", "no colour, even on a terminal (NO_COLOR=1 does the same)")
    .showSuggestionAfterError(true);
  program.configureHelp({ sortSubcommands: false });
  planCommand(program, io, runIn);
  reviewCommand(program, io, runIn);
  keysCommand(program, io, runIn);
  actionCommand(program, io, runIn);
  localCommands(program, io, runIn);
  liveCommands(program, io, runIn);
  initCommand(program, io, runIn);
  completionCommand(program, io, runIn);
  // Help goes to stdout when asked for (so `--help | less` works), errors to stderr: one line, then where the help is.
  for (const c of [program, ...allCommands(program)])
    c.exitOverride()
      .showHelpAfterError(`(see \`${commandPath(c)} --help\`)`)
      .configureOutput({
        writeOut: (s) => io.out(s),
        writeErr: (s) => io.err(s),
        outputError: (s, write) => write(io.errLook.error(s)),
      });
  return program;
}

/** Every command that runs something, as the words that name it (["keys", "rotate"]), from the program run() uses. */
export function commandPaths(): string[][] {
  const leaves = (c: Command, above: string[]): string[][] =>
    c.commands.flatMap((s) => (s.commands.length > 0 ? leaves(s, [...above, s.name()]) : [[...above, s.name()]]));
  return leaves(
    createProgram(processIo([]), async () => undefined),
    [],
  );
}

/** `auth0-tenant keys rotate`: the words that run a command. */
function commandPath(c: Command): string {
  const names: string[] = [];
  for (let at: Command | null = c; at; at = at.parent) names.unshift(at.name());
  return names.join(" ");
}

function allCommands(c: Command): Command[] {
  return c.commands.flatMap((s) => [s, ...allCommands(s)]);
}

/**
 * The process entry. The exit code and output come from run()'s result and nothing else: once run() settles, the
 * process ends with its code as soon as stdout and stderr are flushed (a library's timer left armed, such as the auth0
 * SDK's request timeout after a refused answer, cannot hold a finished command open), and a process whose event loop
 * drains before run() settles (work left waiting on a handle nothing keeps alive) ends as an internal error, never as
 * exit 0.
 */
export function main(): void {
  const argv = process.argv.slice(2);
  let result: number | undefined;
  // 'beforeExit' is emitted only when the event loop has drained (not on process.exit or a signal).
  process.on("beforeExit", () => {
    if (result !== undefined) return;
    result = EXIT.internal;
    process.stderr.write(
      `${processIo(argv).errLook.error("internal error: the command ended without a result (nothing was left running to finish it); please report this")}\n`,
    );
    process.exitCode = EXIT.internal;
  });
  // A reader that stops early (`| head`): stop writing, as git and gh do, instead of an unhandled EPIPE; the exit code
  // is still the command's result.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE" && e.code !== "ERR_STREAM_DESTROYED") throw e;
    if (result !== undefined) process.exit(result);
  });
  run(argv, processIo(argv)).then(
    (code) => endWith(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      endWith(EXIT.internal);
    },
  );
  function endWith(code: number): void {
    result = code;
    process.exitCode = code;
    let pending = 2;
    const flushed = () => {
      if (--pending === 0) process.exit(code);
    };
    process.stdout.write("", flushed);
    process.stderr.write("", flushed);
  }
}

if (require.main === module) main();
