/**
 * Shell completion scripts for `auth0-tenant`, generated from the command tree (so a new command or option completes
 * without editing them). Values that depend on the project — stack names, application keys, action names — are asked
 * of `auth0-tenant completion --values <kind>` at completion time, in the directory the shell is in.
 */
export interface CompletionTree {
  /** "plan", "keys rotate", …: every command that runs, with its options and what its positional arguments are. */
  commands: { path: string; options: { flags: string[]; value?: ValueKind; choices?: string[] }[]; positional: ValueKind[] }[];
  /** Top-level words and the subcommands of groups. */
  groups: Record<string, string[]>;
}

/** What an option's or argument's value is: completed from the project, as a file, or not at all. */
export type ValueKind = "stacks" | "apps" | "actions" | "file" | "directory" | "none";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

const q = (words: string[]) => words.join(" ");

function bash(tree: CompletionTree, program: string): string {
  const fn = `_${program.replace(/[^A-Za-z0-9]/g, "_")}`;
  const valueCase = (kind: ValueKind, indent: string) =>
    kind === "file"
      ? `${indent}COMPREPLY=($(compgen -f -- "$cur")); return ;;`
      : kind === "directory"
        ? `${indent}COMPREPLY=($(compgen -d -- "$cur")); return ;;`
        : kind === "none"
          ? `${indent}COMPREPLY=(); return ;;`
          : `${indent}COMPREPLY=($(compgen -W "$(${program} completion --values ${kind} $stack_flag 2>/dev/null)" -- "$cur")); return ;;`;
  const lines: string[] = [
    `# ${program} completion for bash (source it, or put it in /etc/bash_completion.d/)`,
    `${fn}() {`,
    `  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"`,
    `  local path="\${COMP_WORDS[1]}" first=2 i stack_flag=""`,
    `  case "$path" in ${Object.keys(tree.groups)
      .filter((g) => g !== "")
      .join("|")}) path="$path \${COMP_WORDS[2]}"; first=3 ;; esac`,
    `  for ((i = 1; i < COMP_CWORD; i++)); do`,
    `    case "\${COMP_WORDS[i]}" in -s|--stack) ((i + 1 < COMP_CWORD)) && stack_flag="--stack \${COMP_WORDS[i+1]}" ;; esac`,
    `  done`,
    `  if [[ $COMP_CWORD -eq 1 ]]; then COMPREPLY=($(compgen -W "${q(tree.groups[""] ?? [])}" -- "$cur")); return; fi`,
  ];
  for (const [group, subs] of Object.entries(tree.groups))
    if (group !== "")
      lines.push(
        `  if [[ $COMP_CWORD -eq 2 && "\${COMP_WORDS[1]}" == "${group}" ]]; then COMPREPLY=($(compgen -W "${q(subs)}" -- "$cur")); return; fi`,
      );
  lines.push(`  case "$path" in`);
  for (const c of tree.commands) {
    lines.push(`    "${c.path}")`);
    const valued = c.options.filter((o) => o.value);
    if (valued.length) {
      lines.push(`      case "$prev" in`);
      for (const o of valued)
        lines.push(
          `        ${o.flags.join("|")})`,
          o.choices ? `          COMPREPLY=($(compgen -W "${q(o.choices)}" -- "$cur")); return ;;` : valueCase(o.value!, "          "),
        );
      lines.push(`      esac`);
    }
    lines.push(
      `      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${q(c.options.flatMap((o) => o.flags))}" -- "$cur")); return; fi`,
    );
    if (c.positional.length) {
      // The positional's index: words after the command path that are neither options nor their values.
      lines.push(`      local n=0 w`, `      for ((i = first; i < COMP_CWORD; i++)); do w="\${COMP_WORDS[i]}"`);
      lines.push(
        `        case "$w" in ${valued.map((o) => o.flags.join("|")).join("|") || "--never"}) ((i++)) ;; -*) ;; *) ((n++)) ;; esac`,
        `      done`,
        `      case "$n" in`,
      );
      c.positional.forEach((kind, at) => lines.push(`        ${at})`, valueCase(kind, "          ")));
      lines.push(`      esac`);
    }
    lines.push(`      ;;`);
  }
  lines.push(`  esac`, `}`, `complete -o default -F ${fn} ${program}`);
  return lines.join("\n") + "\n";
}

function zsh(tree: CompletionTree, program: string): string {
  return `# ${program} completion for zsh: the bash completion through zsh's bashcompinit\nautoload -U +X bashcompinit && bashcompinit\n${bash(tree, program)}`;
}

function fish(tree: CompletionTree, program: string): string {
  const out = [`# ${program} completion for fish (save as ~/.config/fish/completions/${program}.fish)`, `complete -c ${program} -f`];
  const top = tree.groups[""] ?? [];
  out.push(`complete -c ${program} -n "__fish_use_subcommand" -a "${q(top)}"`);
  for (const [group, subs] of Object.entries(tree.groups))
    if (group !== "")
      out.push(
        `complete -c ${program} -n "__fish_seen_subcommand_from ${group}; and not __fish_seen_subcommand_from ${q(subs)}" -a "${q(subs)}"`,
      );
  const values = (kind: ValueKind) =>
    kind === "file"
      ? "-rF"
      : kind === "directory"
        ? `-xa "(__fish_complete_directories)"`
        : kind === "none"
          ? "-x"
          : `-xa "(${program} completion --values ${kind} 2>/dev/null)"`;
  for (const c of tree.commands) {
    const words = c.path.split(" ");
    const when = `__fish_seen_subcommand_from ${words.at(-1)}`;
    for (const o of c.options) {
      const long = o.flags.find((f) => f.startsWith("--"))?.slice(2);
      const short = o.flags.find((f) => /^-[A-Za-z]$/.test(f))?.slice(1);
      const value = o.choices ? `-xa "${q(o.choices)}"` : o.value ? values(o.value) : "";
      out.push(`complete -c ${program} -n "${when}"${long ? ` -l ${long}` : ""}${short ? ` -s ${short}` : ""}${value ? ` ${value}` : ""}`);
    }
    const first = c.positional[0];
    if (first && first !== "none" && first !== "file" && first !== "directory")
      out.push(`complete -c ${program} -n "${when}" -xa "(${program} completion --values ${first} 2>/dev/null)"`);
  }
  return out.join("\n") + "\n";
}

export function completionScript(shell: Shell, tree: CompletionTree, program = "auth0-tenant"): string {
  return shell === "bash" ? bash(tree, program) : shell === "zsh" ? zsh(tree, program) : fish(tree, program);
}
