import { parseArgs } from "node:util";
import { changesAtOrAbove, renderJson, renderMarkdown } from "../src/review/render";
import { review } from "../src/review/review";

const USAGE =
  "usage: npm run review -- --base <git-ref> [--stack <name> ... | --all-stacks] [--format md|json] [--fail-on high|medium] [--dir <repo>]";

/** Exit codes: 0 nothing at or above --fail-on; 1 such changes, or an invalid spec in either revision; 2 usage. */
export async function main(
  argv: string[],
  print: (s: string) => void = (s) => process.stdout.write(s),
  warn: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        base: { type: "string" },
        stack: { type: "string", multiple: true },
        "all-stacks": { type: "boolean", default: false },
        format: { type: "string", default: "md" },
        "fail-on": { type: "string" },
        dir: { type: "string", default: process.cwd() },
      },
    }));
  } catch (e) {
    warn(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const failOn = values["fail-on"];
  if (
    !values.base ||
    (values.format !== "md" && values.format !== "json") ||
    (failOn !== undefined && failOn !== "high" && failOn !== "medium") ||
    (values.stack && values["all-stacks"])
  ) {
    warn(`${USAGE}\n`);
    return 2;
  }
  let report;
  try {
    report = await review({ dir: values.dir, base: values.base, ...(values.stack ? { stacks: values.stack } : {}) });
  } catch (e) {
    warn(`${(e as Error).message}\n`);
    return 2;
  }
  print(values.format === "json" ? renderJson(report) : renderMarkdown(report));
  if (report.stacks.some((s) => s.invalid)) return 1;
  return failOn && changesAtOrAbove(report, failOn as "high" | "medium").length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
