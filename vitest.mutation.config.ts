import { configDefaults, defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

/**
 * The test run Stryker uses (stryker.config.mjs). Same settings as vitest.config.ts: `isolate: false` is safe under
 * Stryker because every mutant run starts a fresh worker (modules, and so static mutants, are loaded anew per run).
 * Left out, because they are slow and cannot kill a mutant of the mutated modules (stryker.config.mjs `mutate`):
 */
export const EXCLUDED_FROM_MUTATION = [
  // Runs the CLI and a local tenant in child processes: the child executes code Stryker can neither see nor switch (~10 s).
  "test/local-tenant/demo-cli.test.ts",
  // Official SDKs in child processes against the local tenant: interoperability, not rules; token-endpoint.test.ts
  // covers the same checks in process (~3 s and ~1 s of child processes per covered mutant).
  "test/local-tenant/management-sdk.test.ts",
  "test/local-tenant/sdk-clients.test.ts",
  // The action sandbox against hostile code (child processes, ~8 s): what runs in the child cannot be switched to a
  // mutant; the mutated host and runner parts have fast tests of their own (test/actions/host-parts, runner-parts).
  "test/actions/hostile.test.ts",
  // Loads the program in a child process as Pulumi does: nothing in process to mutate.
  "test/pulumi-entry.test.ts",
  // Asks git about the working tree: Stryker's sandbox is a copy outside git's view of the repository.
  "test/repo-hygiene.test.ts",
];

/**
 * While iterating on one module, MUTATION_TESTS narrows the run to some test files (comma-separated globs), e.g.
 *   MUTATION_TESTS="test/rules/**" npx stryker run --concurrency 1 --mutate src/rotation/rules.ts
 * which gives a lower bound of the module's score. Do not use Stryker's own --testFiles: with a test filter,
 * Stryker 9.6.1 activates static mutants (module-level constants such as regexes and zod schemas) only at run time,
 * after the module has loaded, so they all survive (core/src/mutants/mutant-test-planner.ts, mutantActivation).
 */
const only = process.env.MUTATION_TESTS?.split(",").filter((g) => g !== "");

// isolate: true — Stryker's vitest runner keeps one Vitest instance for every mutant run; with modules shared across
// runs (the suite's isolate: false), a module-level value such as a regex is built once, unmutated, and its mutants
// all "survive" (seen: SENSITIVE_SCOPE's mutants survived although test/rules/risk-words.test.ts kills each one).
const config = mergeConfig(
  base,
  defineConfig({ test: { isolate: true, exclude: [...configDefaults.exclude, ...EXCLUDED_FROM_MUTATION] } }),
);
// mergeConfig would append to the base's include; narrowing replaces it.
if (only) config.test!.include = only;

export default config;
