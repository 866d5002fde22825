// @ts-check
/**
 * Mutation testing (issue 18): `npm run test:mutation`. Only the rule modules are mutated: spec validation and key
 * inspection, claim rules, rotation rules, the local tenant's assertion and token checks and replay cache, the review's
 * risk rules and detectors, the model and the components, stack layering, the key tool's stack-file edits, and the live
 * reader, drift, import and snapshot, and the action host's pure parts. The run fails below a mutation score of 85 %.
 *
 * On a shared 2-core machine run it with `--concurrency 1`; while iterating, mutate one file at a time, e.g.
 *   npx stryker run --concurrency 1 --mutate src/rotation/rules.ts
 * Incremental mode reuses the results of unchanged mutants and tests (reports/stryker-incremental.json, not committed).
 *
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  packageManager: "npm",
  testRunner: "vitest",
  // vitest.mutation.config.ts: vitest.config.ts less the slow files that cannot kill a mutant of these modules.
  vitest: { configFile: "vitest.mutation.config.ts" },
  coverageAnalysis: "perTest",
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  mutate: [
    // spec validation and key inspection
    "src/tenant/load.ts",
    "src/spec/schema.ts",
    "src/spec/public-key.ts",
    "src/kinds/*/spec.ts",
    "src/spec/strict.ts",
    "src/keys/limits.ts",
    // claim rules
    "src/spec/claim-rules.ts",
    // rotation rules
    "src/rotation/*.ts",
    "src/spec/expiry.ts",
    // the local tenant's assertion and token checks and replay cache
    "src/local-tenant/assertion.ts",
    "src/local-tenant/token-endpoint.ts",
    "src/local-tenant/replay.ts",
    "src/local-tenant/token-signer.ts",
    // review risk rules
    "src/review/risk.ts",
    "src/review/detectors/*.ts",
    "src/review/changes.ts",
    // the model and components
    "src/model/*.ts",
    "components/*.ts",
    // stack layering, the key tool's stack-file edits, the tenant reader, drift, import and snapshot
    "src/config/layers.ts",
    "src/keys/stack-edit.ts",
    "src/live/reader.ts",
    "src/live/drift.ts",
    "src/live/import.ts",
    "src/live/snapshot.ts",
    "src/kinds/*/drift.ts",
    "src/kinds/*/import.ts",
    "src/kinds/*/live.ts",
    // the action host's pure parts: its limits, frames, reply checks and call queue; the runner's recorder, frames,
    // error description and module allow-list (the rest of the runner runs only in the host's child process)
    "src/actions/host/arguments.ts",
    "src/actions/host/budget.ts",
    "src/actions/host/failure.ts",
    "src/actions/host/frames.ts",
    "src/actions/host/limits.ts",
    "src/actions/host/queue.ts",
    "src/actions/host/replies.ts",
    "src/actions/runner/describe-error.cjs",
    "src/actions/runner/frames.cjs",
    "src/actions/runner/limits.cjs",
    "src/actions/runner/modules.cjs",
    "src/actions/runner/recorder.cjs",
    "src/actions/runner/text.cjs",
  ],
  reporters: ["html", "clear-text", "progress", "json"],
  // test/mutation/run.ts names one report per group.
  htmlReporter: { fileName: process.env.MUTATION_HTML_REPORT ?? "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false },
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  // GitHub's hosted runners have 4 cores; elsewhere (a shared 2-core machine) one mutant at a time.
  concurrency: process.env.GITHUB_ACTIONS === "true" ? 3 : 1,
  thresholds: { high: 90, low: 85, break: 85 },
  // Vitest reloads the Pulumi SDK for each run: allow for a slow start on a loaded machine.
  timeoutMS: 20_000,
  timeoutFactor: 2,
  tempDirName: ".stryker-tmp",
  // Not copied into Stryker's sandbox: benchmark tenants (tens of thousands of key files), reports, local caches.
  ignorePatterns: [".bench", "reports", ".stryker-tmp", "node_modules/.cache"],
};
