import { readFile } from "node:fs/promises";
import { eventFor } from "../src/actions/event-input";
import { runAction } from "../src/actions/runtime";
import { parseCliArgs, planForCli, runCli } from "./common";

const USAGE = "usage: npm run action -- <action> --event <file.json> [--stack dev] [--secret NAME=value ...] [--allow-network]";

async function main(): Promise<number> {
  const parsed = parseCliArgs(
    {
      allowPositionals: true,
      options: {
        event: { type: "string" },
        stack: { type: "string", default: "dev" },
        dir: { type: "string", default: process.cwd() },
        secret: { type: "string", multiple: true, default: [] },
        "allow-network": { type: "boolean", default: false },
      },
    },
    USAGE,
  );
  if (!parsed) return 2;
  const { values, positionals } = parsed;
  const key = positionals[0];
  if (!key || !values.event) {
    console.error(USAGE);
    return 2;
  }
  const plan = await planForCli(values.dir, values.stack);
  if (!plan) return 1;
  const action = plan.spec.actions[key];
  if (!action) {
    console.error(
      `action "${key}" is not declared in stack ${values.stack} (declared: ${Object.keys(plan.spec.actions).join(", ") || "none"})`,
    );
    return 2;
  }
  let partial: Record<string, unknown>;
  try {
    partial = JSON.parse(await readFile(values.event, "utf8"));
  } catch (e) {
    console.error(`--event ${values.event}: ${(e as Error).message}`);
    return 2;
  }
  const secrets: Record<string, string> = {};
  for (const s of values.secret) {
    const at = s.indexOf("=");
    if (at < 1) {
      console.error(`--secret ${s}: expected NAME=value`);
      return 2;
    }
    secrets[s.slice(0, at)] = s.slice(at + 1);
  }
  const run = await runAction(action.bundle.code, action.trigger, eventFor(action.trigger, partial), {
    secrets,
    allowNetwork: values["allow-network"],
  });
  console.log(
    JSON.stringify(
      {
        action: key,
        trigger: action.trigger,
        bundleSha256: action.bundle.sha256,
        ...(action.trigger === "post-login" ? { idTokenClaims: run.idTokenClaims } : {}),
        accessTokenClaims: run.accessTokenClaims,
        dropped: run.dropped,
        denied: run.denied ?? null,
        durationMs: Number(run.durationMs.toFixed(3)),
        logs: run.logs,
      },
      null,
      2,
    ),
  );
  return run.denied ? 3 : 0;
}

runCli(main);
