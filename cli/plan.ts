import { readRegularFile } from "../src/config/regular-file";
import { previousFromOutputs } from "../src/rotation/fingerprints";
import { directoryReader } from "../src/config/files";
import { clientIdsFromOutputs, knownClientIds, liveCredentials } from "../src/live/guard";
import { localDomain, reexecTrustingLocalCa } from "../src/live/local";
import { readerSettings } from "../src/live/settings";
import { planJson, planStack, readStackConfig, renderErrors, renderPlanText, summarize } from "../src/plan";
import { validateTenant } from "../src/spec";
import { parseCliArgs, runCli } from "./common";

const USAGE =
  "usage: npm run plan [-- --stack <name>] [--json] [--dir <project dir>] [--previous <pulumi stack output --json file>]" +
  " [--live [--local <https://localhost:port>] [--client-id <id>] [--key-file <pem>]]";

async function main(): Promise<number> {
  const parsed = parseCliArgs(
    {
      options: {
        stack: { type: "string", default: "dev" },
        json: { type: "boolean", default: false },
        dir: { type: "string", default: process.cwd() },
        previous: { type: "string" },
        live: { type: "boolean", default: false },
        local: { type: "string" },
        ca: { type: "string" },
        "client-id": { type: "string" },
        "key-file": { type: "string" },
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
  let previousSource = "the last deployment's outputs (--previous)";
  if (values.live) {
    // The credentials Auth0 holds, as the live rotation guard of `pulumi preview` reads them (README, the live guard).
    if (values.local) {
      const code = await reexecTrustingLocalCa(values.ca);
      if (code !== undefined) return code;
    }
    try {
      const live = await livePrevious(values);
      previous = live.previous;
      previousSource = live.source;
    } catch (e) {
      console.error(`--live: ${(e as Error).message}`);
      return 3;
    }
  } else if (values.previous) {
    try {
      previous = previousFromOutputs(JSON.parse(await readRegularFile(values.previous)));
    } catch (e) {
      console.error(`--previous ${values.previous}: ${(e as Error).message} (expected the output of \`pulumi stack output --json\`)`);
      return 2;
    }
  }
  const result = await planStack(values.dir, values.stack, now, previous ? { previous, previousSource } : {});
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

/** The live credentials of the stack's applications (client ids from --previous outputs, else the spec's adopt:). */
async function livePrevious(values: {
  dir: string;
  stack: string;
  previous?: string;
  local?: string;
  "client-id"?: string;
  "key-file"?: string;
}) {
  const stackConfig = await readStackConfig(values.dir, values.stack);
  const settings = await readerSettings({
    config: stackConfig.values,
    ...(values.local ? { domain: localDomain(values.local) } : {}),
    ...(values["client-id"] ? { clientId: values["client-id"] } : {}),
    ...(values["key-file"] ? { keyFile: values["key-file"] } : {}),
  });
  const validated = await validateTenant(stackConfig.tenant, {
    stack: values.stack,
    now: new Date(),
    readFile: directoryReader(values.dir),
  });
  if (!validated.spec) throw new Error("the spec has errors (run the plan without --live to see them)");
  const deployed = values.previous ? clientIdsFromOutputs(JSON.parse(await readRegularFile(values.previous))) : {};
  const clientIds = knownClientIds(Object.keys(validated.spec.applications), validated.spec.adopt, deployed);
  return {
    previous: await liveCredentials(settings, clientIds),
    source: `the credentials ${settings.domain} holds (read live for ${Object.keys(clientIds).length} applications)`,
  };
}

runCli(main);
