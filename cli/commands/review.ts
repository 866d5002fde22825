import { Option, type Command } from "commander";
import { EXIT, UsageError, type Io } from "../io";
import { stackNames } from "./arguments";
import { dirOption, json } from "./shared";

export function reviewCommand(program: Command, io: Io, run: (f: () => Promise<number>) => Promise<void>) {
  program
    .command("review")
    .description("what a change does to auth, per stack: the base revision against the working tree, with risk levels")
    .requiredOption("--base <ref>", "the git revision to compare with (e.g. origin/main)")
    .option("-s, --stack <name...>", "the stacks to review (default: every stack)", stackNames("--stack"))
    .option("--all-stacks", "every stack (the default)")
    .addOption(
      new Option(
        "--format <format>",
        "markdown for PR comments and files, json for programs, text for terminals (default: text on a terminal, markdown otherwise)",
      ).choices(["markdown", "md", "json", "text"]),
    )
    .addOption(new Option("--fail-on <level>", "exit 1 when a change is at or above this risk").choices(["high", "medium"]))
    .addOption(dirOption(io, "the project directory, inside a git repository"))
    .action((opts: { base: string; stack?: string[]; allStacks?: boolean; format?: string; failOn?: "high" | "medium"; dir: string }) =>
      run(async () => {
        if (opts.stack && opts.allStacks) throw new UsageError("--stack and --all-stacks exclude each other");
        const { review } = await import("../../src/review/review");
        const { changesAtOrAbove, renderMarkdown, renderText } = await import("../../src/review/render");
        const report = await review({ dir: opts.dir, base: opts.base, ...(opts.stack ? { stacks: opts.stack } : {}) });
        const format = opts.format ?? (io.isTTY ? "text" : "markdown");
        io.out(format === "json" ? json(report, io) : format === "text" ? renderText(report, io.look, io.columns) : renderMarkdown(report));
        if (report.stacks.some((s) => s.invalid)) return EXIT.findings;
        return opts.failOn && changesAtOrAbove(report, opts.failOn).length > 0 ? EXIT.findings : EXIT.ok;
      }),
    );
}
