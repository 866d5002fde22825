/**
 * Actions benchmark: bundle size and build time per action of a stack, the local runtime's cost per warm
 * execution of each (target: under 0.2 ms for a claim-only action), and the isolated action host's start cost
 * (a fresh child process: spawn, permission check, lockdown, ready) and first load of a bundle.
 *
 *   npm run bench:actions [-- --stack dev --runs 20000 --starts 10]
 */
import { performance } from "node:perf_hooks";
import * as path from "node:path";
import { bundleAction } from "../src/actions/bundle";
import { completeEvent as eventFor } from "../src/actions/events";
import { runAction } from "../src/actions/runtime";
import { cpuMsOf } from "../src/actions/host/usage";
import { ActionHost, closeActionHost } from "../src/actions/sandbox";
import { directoryReader } from "../src/config/files";
import { planStack } from "../src/plan";
import { benchArgs } from "./args";

const values = benchArgs(__filename, {
  stack: { type: "string", default: "dev" },
  runs: { type: "string", default: "20000" },
  starts: { type: "string", default: "10" },
});
const runs = Math.max(100, Math.min(200_000, Number(values.runs)));
const starts = Math.max(3, Math.min(100, Number(values.starts)));
const root = path.resolve(__dirname, "..");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

async function main() {
  const planned = await planStack(root, values.stack);
  if (!planned.ok) throw new Error(`stack ${values.stack} has errors`);
  const events = {
    "post-login": eventFor("post-login", {
      user: { user_id: "auth0|1", app_metadata: { roles: ["admin"], plan: "pro", country: "DE" } },
      connection: { name: "google-oauth2" },
    }),
    "credentials-exchange": eventFor("credentials-exchange", { client: { metadata: { tenant_id: "acme", tier: "gold" } } }),
  };
  console.log(`node ${process.version}; stack ${values.stack}; ${runs} warm runs per action`);
  console.log(
    "action          trigger               bytes  build ms (median of 5)  first run ms  warm mean ms  warm p99 ms  target <0.2 ms",
  );
  for (const action of Object.values(planned.plan.spec.actions)) {
    const bundle = planned.plan.model.actions[action.key]!.bundle;
    const builds: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await bundleAction({
        source: action.source,
        readFile: directoryReader(root),
        runtime: action.runtime as "node22",
        config: { claims: action.claims, ...(action.deny ? { deny: action.deny } : {}) },
      });
      builds.push(performance.now() - t);
    }
    const event = events[action.trigger];
    const t0 = performance.now();
    await runAction(bundle.code, action.trigger, event);
    const first = performance.now() - t0;
    const samples: number[] = [];
    const start = performance.now();
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await runAction(bundle.code, action.trigger, event);
      samples.push(performance.now() - t);
    }
    const mean = (performance.now() - start) / runs;
    console.log(
      `${action.key.padEnd(14)}  ${action.trigger.padEnd(20)}  ${String(bundle.bytes).padStart(5)}  ${median(builds).toFixed(1).padStart(22)}  ${first.toFixed(2).padStart(12)}  ${mean.toFixed(4).padStart(12)}  ${quantile(samples, 0.99).toFixed(4).padStart(11)}  ${mean < 0.2 ? "met" : "MISSED"}`,
    );
  }
  await closeActionHost();

  // The host's start cost: a fresh child each time (what a run pays after a kill, and once per process).
  const code = Object.values(planned.plan.model.actions)[0]?.bundle.code ?? "exports.x = 1;";
  const ready: number[] = [];
  const readyCpu: number[] = [];
  const firstLoad: number[] = [];
  for (let i = 0; i < starts; i++) {
    const host = new ActionHost();
    const t0 = performance.now();
    await host.load("exports.x = 1;");
    const t1 = performance.now();
    const cpu = cpuMsOf(host.pid);
    if (cpu !== undefined) readyCpu.push(cpu);
    await host.load(code);
    firstLoad.push(performance.now() - t1);
    ready.push(t1 - t0);
    await host.close();
  }
  console.log(
    `action host start (spawn + permission check + lockdown + ready + a trivial load), ${starts} fresh children: median ${median(ready).toFixed(1)} ms, max ${Math.max(...ready).toFixed(1)} ms`,
  );
  if (readyCpu.length > 0)
    console.log(
      `the child's own CPU time (user + system, 10 ms ticks) up to that point: median ${median(readyCpu)} ms, max ${Math.max(...readyCpu)} ms`,
    );
  console.log(`first load of a bundle in a started child: median ${median(firstLoad).toFixed(2)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
