import { readRegularFile } from "../src/config/regular-file";
import { previousFromOutputs } from "../src/rotation/fingerprints";
import { planJson, planStack, renderErrors, renderPlanText, summarize } from "../src/plan";
import { parseCliArgs, runCli } from "./common";

const USAGE = "usage: npm run plan [-- --stack <name>] [--json] [--dir <project dir>] [--previous <pulumi stack output --json file>]";

async function main(): Promise<number> {
  const parsed = parseCliArgs(
    {
      options: {
        stack: { type: "string", default: "dev" },
        json: { type: "boolean", default: false },
        dir: { type: "string", default: process.cwd() },
        previous: { type: "string" },
        help: { type: "boolean", default: false },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const now = new Date();
  let previous;
  if (values.previous) {
    try {
      previous = previousFromOutputs(JSON.parse(await readRegularFile(values.previous)));
    } catch (e) {
      console.error(`--previous ${values.previous}: ${(e as Error).message} (expected the output of \`pulumi stack output --json\`)`);
      return 2;
    }
  }
  const result = await planStack(values.dir, values.stack, now, previous ? { previous } : {});
  if (!result.ok) {
    if (values.json) console.log(JSON.stringify({ ok: false, source: result.source, errors: result.errors }, null, 2));
    else console.error(renderErrors(result.source, result.errors));
    return 1;
  }
  const summary = summarize(result.plan, now);
  if (values.json) {
    console.log(JSON.stringify(planJson(result.plan, now), null, 2));
  } else {
    console.log(renderPlanText(summary, result.plan.warnings));
  }
  return 0;
}

runCli(main);
