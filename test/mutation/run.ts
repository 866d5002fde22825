/**
 * Mutation testing of the rule modules, group by group (test/mutation/groups.ts), without the TypeScript checker:
 *
 *   npm run test:mutation [-- <group> ...]
 *
 * Prints each group's figures and the total; exits 1 when the total score is below 85 %. Each group's report is
 * kept in reports/mutation/<group>.json (Stryker's incremental file: an unchanged mutant is not run again).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { MUTATION_GROUPS } from "./groups";

const root = path.resolve(__dirname, "../..");
const BREAK = 85;
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !MUTATION_GROUPS.some((g) => g.name === w));
if (unknown.length > 0) {
  process.stderr.write(`unknown group(s): ${unknown.join(", ")} (groups: ${MUTATION_GROUPS.map((g) => g.name).join(", ")})\n`);
  process.exit(2);
}

type Counts = Record<"killed" | "timeout" | "survived" | "noCoverage", number>;
const STATUS: Record<string, keyof Counts | undefined> = {
  Killed: "killed",
  Timeout: "timeout",
  Survived: "survived",
  NoCoverage: "noCoverage",
};
const score = (c: Counts) => (100 * (c.killed + c.timeout)) / Math.max(1, c.killed + c.timeout + c.survived + c.noCoverage);

/** Counts a group's mutants by status from its incremental report (compile and runtime errors do not count). */
export function countReport(file: string): Counts {
  const counts: Counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0 };
  const report = JSON.parse(readFileSync(file, "utf8")) as { files: Record<string, { mutants: { status: string }[] }> };
  for (const { mutants } of Object.values(report.files))
    for (const m of mutants) {
      const key = STATUS[m.status];
      if (key) counts[key]++;
    }
  return counts;
}

if (require.main === module) {
  mkdirSync(path.join(root, "reports/mutation"), { recursive: true });
  const total: Counts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0 };
  for (const group of MUTATION_GROUPS.filter((g) => wanted.length === 0 || wanted.includes(g.name))) {
    const report = path.join(root, "reports/mutation", `${group.name}.json`);
    const started = Date.now();
    const run = spawnSync(
      "npx",
      [
        "stryker",
        "run",
        "--checkers",
        "",
        "--mutate",
        group.mutate.join(","),
        "--incrementalFile",
        report,
        "--reporters",
        // progress-append-only: a line of counts every few seconds, so a run stopped early still tells how far it got.
        "clear-text,html,progress-append-only",
        "--logLevel",
        "warn",
      ],
      {
        cwd: root,
        env: { ...process.env, MUTATION_TESTS: group.tests.join(","), MUTATION_HTML_REPORT: `reports/mutation/${group.name}.html` },
        stdio: ["ignore", "inherit", "inherit"],
        encoding: "utf8",
      },
    );
    if (!existsSync(report)) {
      process.stderr.write(`${group.name}: Stryker wrote no report (exit ${run.status})\n`);
      process.exit(1);
    }
    const counts = countReport(report);
    for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += counts[k];
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    console.log(
      `${group.name.padEnd(13)} ${score(counts).toFixed(1).padStart(5)} %  killed ${counts.killed + counts.timeout}, survived ${counts.survived}, no coverage ${counts.noCoverage}  (${minutes} min)`,
    );
  }
  console.log(`${"total".padEnd(13)} ${score(total).toFixed(1).padStart(5)} %  (break below ${BREAK} %)`);
  process.exit(score(total) >= BREAK ? 0 : 1);
}
