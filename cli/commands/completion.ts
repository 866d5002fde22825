import { Option, type Command } from "commander";
import { completionScript, SHELLS, type CompletionTree, type Shell, type ValueKind } from "../../src/completion/scripts";
import { EXIT, UsageError, type Io } from "../io";
import { projectDir } from "./project";

/** What an option's value is, by its name and placeholder. */
function optionValue(o: Option): ValueKind | undefined {
  if (!o.required && !o.optional) return undefined;
  if (o.long === "--stack" || o.long === "--compare") return "stacks";
  if (o.long === "--app") return "apps";
  if (o.long === "--dir" || o.long === "--keys" || o.long === "--tls-dir") return "directory";
  if (/<[^>]*(file|pem|path)[^>]*>/.test(o.flags)) return "file";
  return "none";
}

const POSITIONAL: Record<string, ValueKind> = { app: "apps", action: "actions", directory: "directory" };

/** The command tree commander holds, as the completion scripts need it. */
export function completionTree(program: Command): CompletionTree {
  const groups: Record<string, string[]> = { "": program.commands.map((c) => c.name()) };
  const commands: CompletionTree["commands"] = [];
  const walk = (c: Command, path: string[]) => {
    if (c.commands.length > 0) {
      if (path.length) groups[path.join(" ")] = c.commands.map((s) => s.name());
      for (const s of c.commands) walk(s, [...path, s.name()]);
      return;
    }
    commands.push({
      path: path.join(" "),
      options: [...c.options.filter((o) => !o.hidden), new Option("-h, --help")].map((o) => ({
        flags: [o.short, o.long].filter((f): f is string => f !== undefined),
        ...(optionValue(o) ? { value: optionValue(o)! } : {}),
        ...(o.argChoices ? { choices: o.argChoices } : {}),
      })),
      positional: c.registeredArguments.map((a) => POSITIONAL[a.name()] ?? "none"),
    });
  };
  walk(program, []);
  return { commands, groups };
}

export function completionCommand(program: Command, io: Io, run: (f: () => Promise<number>) => Promise<void>) {
  program
    .command("completion")
    .description("shell completion: commands, options, stack names, application keys, action names (bash, zsh, fish)")
    .argument("[shell]", `the shell: ${SHELLS.join(", ")}`)
    .addHelpText(
      "after",
      "\nbash:  source <(auth0-tenant completion bash)\nzsh:   source <(auth0-tenant completion zsh)\nfish:  auth0-tenant completion fish > ~/.config/fish/completions/auth0-tenant.fish",
    )
    .addOption(
      new Option("--values <kind>", "the values of a kind in the project here (used by the scripts)")
        .choices(["stacks", "apps", "actions"])
        .hideHelp(),
    )
    .addOption(new Option("-s, --stack <name>", "with --values: the stack whose applications or actions").default("dev").hideHelp())
    .action((shell: string | undefined, opts: { values?: "stacks" | "apps" | "actions"; stack: string }) =>
      run(async () => {
        if (opts.values) {
          io.out((await projectValues(io.cwd, opts.values, opts.stack)).map((v) => `${v}\n`).join(""));
          return EXIT.ok;
        }
        if (!shell || !(SHELLS as readonly string[]).includes(shell))
          throw new UsageError(`${shell ? `${shell}: not a shell this completes for` : "which shell?"} (shells: ${SHELLS.join(", ")})`);
        io.out(completionScript(shell as Shell, completionTree(program)));
        return EXIT.ok;
      }),
    );
}

/** Stack names, or the application keys or action names of a stack, of the project found from `cwd`; none outside one. */
async function projectValues(cwd: string, kind: "stacks" | "apps" | "actions", stack: string): Promise<string[]> {
  let dir: string;
  try {
    dir = await projectDir(cwd);
  } catch {
    return [];
  }
  const { listStacks, readStackConfig } = await import("../../src/plan/plan");
  if (kind === "stacks") return listStacks(dir);
  try {
    const { layeredTenant } = await import("../../src/config/layers");
    const { directoryReader } = await import("../../src/config/files");
    const config = await readStackConfig(dir, stack);
    const { tenant } = await layeredTenant(config.tenant, `Pulumi.${stack}.yaml`, directoryReader(dir));
    const section = (tenant as Record<string, unknown> | undefined)?.[kind === "apps" ? "applications" : "actions"];
    return section && typeof section === "object" ? Object.keys(section).sort() : [];
  } catch {
    return [];
  }
}
