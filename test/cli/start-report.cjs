// Preloaded (`node -r`) into a CLI process by test/cli/start.test.ts: when the process exits, the packages whose code
// it loaded through require (the compiled CLI loads packages that way: from node_modules, or from the one file each it
// builds of some) and the compile cache directory Node uses (none before Node 22.8, or when off), a line each on stderr.
process.on("exit", () => {
  const names = new Set();
  for (const file of Object.keys(require.cache)) {
    const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/.][^\\/]*)[\\/](.+)$/.exec(file);
    if (m && !/(^|[\\/])package\.json$/.test(m[2])) names.add(m[1].replace(/\\/g, "/"));
    // A package the compiled CLI loads from its vendor folder (cli/auth0-tenant.mjs VENDORED).
    const vendored = /[\\/]vendor-[0-9a-f]{16}[\\/](.+)\.cjs$/.exec(file);
    if (vendored) names.add(vendored[1]);
  }
  const cacheDir = require("node:module").getCompileCacheDir?.();
  process.stderr.write(`\nLOADED_PACKAGES=${JSON.stringify([...names].sort())}\nCOMPILE_CACHE_DIR=${JSON.stringify(cacheDir ?? null)}\n`);
});
