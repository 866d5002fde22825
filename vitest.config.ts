import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";
import SlowestFilesReporter from "./test/support/slowest-files-reporter";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    isolate: false,
    // Vitest's default is one worker per core less one: a single worker on a 2-core machine. Much of the suite waits
    // on child processes (the CLI, the action host, SDK clients) and timers, so one worker more than the cores keeps
    // the cores busy while a file waits.
    maxWorkers: availableParallelism() + 1,
    // Tests keep the key-facts cache in memory; test/key-facts-cache.test.ts exercises the disk copy.
    env: { AUTH0_TENANT_CACHE_DIR: "off" },
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/pulumi-debug-stacks.ts", "test/support/file-cpu.ts"],
    reporters: ["default", new SlowestFilesReporter()],
    // The transformed TypeScript of every test and source file, kept between runs under .cache/ (which CI keeps too),
    // keyed by each file's content, the config and Vitest's version: a run transforms only the files that changed.
    experimental: { fsModuleCache: true, fsModuleCachePath: ".cache/vitest" },
  },
});
