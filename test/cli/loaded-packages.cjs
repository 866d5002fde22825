// Preloaded (`node -r`) into a CLI process by test/cli/lazy-commands.test.ts: when the process exits, the packages under
// node_modules whose code it loaded through require (the compiled CLI loads packages that way), as one line on stderr.
process.on("exit", () => {
  const names = new Set();
  for (const file of Object.keys(require.cache)) {
    const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/.][^\\/]*)[\\/](.+)$/.exec(file);
    if (m && !/(^|[\\/])package\.json$/.test(m[2])) names.add(m[1].replace(/\\/g, "/"));
  }
  process.stderr.write(`\nLOADED_PACKAGES=${JSON.stringify([...names].sort())}\n`);
});
