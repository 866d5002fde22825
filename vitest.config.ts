import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    isolate: false,
    // Tests keep the key-facts cache in memory; test/key-facts-cache.test.ts exercises the disk copy.
    env: { AUTH0_TENANT_CACHE_DIR: "off" },
  },
});
