/**
 * The rule modules, in groups, each with the test files that exercise it. `npm run test:mutation` mutates one group at
 * a time and runs only that group's tests against each mutant: minutes instead of hours on 2 cores, and a lower
 * bound of the score (a test outside the group can only kill more). `stryker.config.mjs` is the whole run (every
 * module against the whole suite, with the TypeScript checker), which the weekly workflow runs.
 */
export interface MutationGroup {
  name: string;
  mutate: string[];
  tests: string[];
}

export const MUTATION_GROUPS: MutationGroup[] = [
  {
    name: "spec",
    mutate: ["src/tenant/load.ts", "src/spec/schema.ts", "src/kinds/*/spec.ts", "src/spec/strict.ts"],
    tests: [
      "test/rules/spec-limits.test.ts",
      "test/rules/claim-case.test.ts",
      "test/rules/key-limits.test.ts",
      "test/bad-input.test.ts",
      "test/untrusted-input.test.ts",
      "test/layers.test.ts",
      "test/actions/action-spec.test.ts",
      "test/golden-plan.test.ts",
      "test/live/spec.test.ts",
    ],
  },
  {
    name: "keys",
    mutate: ["src/spec/public-key.ts", "src/keys/limits.ts"],
    tests: ["test/rules/key-limits.test.ts", "test/bad-input.test.ts", "test/untrusted-input.test.ts"],
  },
  {
    name: "claims",
    mutate: ["src/spec/claim-rules.ts"],
    tests: [
      "test/rules/claim-case.test.ts",
      "test/actions/claim-rules.test.ts",
      "test/actions/action-spec.test.ts",
      "test/bad-input.test.ts",
    ],
  },
  {
    name: "rotation",
    mutate: ["src/rotation/*.ts", "src/spec/expiry.ts"],
    tests: ["test/rules/rotation-boundaries.test.ts", "test/rotation/rotation.test.ts", "test/live/guard.test.ts"],
  },
  {
    name: "local-tenant",
    mutate: [
      "src/local-tenant/assertion.ts",
      "src/local-tenant/token-endpoint.ts",
      "src/local-tenant/replay.ts",
      "src/local-tenant/token-signer.ts",
    ],
    tests: [
      "test/rules/assertion-limits.test.ts",
      "test/local-tenant/token-endpoint.test.ts",
      "test/local-tenant/replay.test.ts",
      "test/local-tenant/token-signer.test.ts",
    ],
  },
  {
    name: "review-risk",
    mutate: ["src/review/risk.ts"],
    tests: ["test/rules/risk-words.test.ts"],
  },
  {
    name: "review",
    mutate: ["src/review/detectors/*.ts", "src/review/changes.ts"],
    tests: [
      "test/rules/review-detectors.test.ts",
      "test/rules/risk-words.test.ts",
      "test/review/review.test.ts",
      "test/resource-kinds.test.ts",
      "test/layers.test.ts",
    ],
  },
  {
    name: "model",
    mutate: ["src/model/*.ts", "components/*.ts"],
    tests: [
      "test/rules/model.test.ts",
      "test/model-values.test.ts",
      "test/components.test.ts",
      "test/urns.test.ts",
      "test/golden-plan.test.ts",
      "test/plan-matches-program.test.ts",
      "test/idempotence.test.ts",
      "test/live/spec.test.ts",
      "test/actions/action-spec.test.ts",
    ],
  },
  {
    name: "layers",
    mutate: ["src/config/layers.ts"],
    tests: ["test/layers.test.ts"],
  },
  {
    name: "stack-edit",
    mutate: ["src/keys/stack-edit.ts"],
    tests: ["test/keys/stack-edit.test.ts", "test/rotation/keys-cli.test.ts", "test/layers.test.ts"],
  },
  {
    name: "sandbox",
    // The action host's pure parts; the rest runs in its child process, where a mutant cannot be switched on.
    mutate: [
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
    tests: ["test/actions/host-parts.test.ts", "test/actions/runner-parts.test.ts"],
  },
  {
    name: "live-reader",
    mutate: ["src/live/reader.ts"],
    tests: ["test/live/read-error.test.ts", "test/live/reader.test.ts", "test/live/hostile-tenant.test.ts"],
  },
  {
    name: "live-import",
    mutate: ["src/live/import.ts", "src/kinds/*/import.ts"],
    tests: [
      "test/kinds/field-tables.test.ts",
      "test/kinds/roles.test.ts",
      "test/live/import-writes.test.ts",
      "test/live/hostile-names.test.ts",
      "test/live/round-trip.test.ts",
      "test/live/roles.test.ts",
    ],
  },
  {
    name: "live-drift",
    mutate: ["src/live/drift.ts", "src/live/snapshot.ts", "src/kinds/*/drift.ts", "src/kinds/*/live.ts"],
    tests: ["test/kinds/field-tables.test.ts", "test/kinds/roles.test.ts", "test/live/drift.test.ts", "test/live/hostile-names.test.ts"],
  },
];
