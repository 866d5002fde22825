// Preloaded into benchmarked child processes: reports the process's own CPU time (user + system, microseconds) on
// stderr when it exits. Its child processes (the esbuild service, the action host) are not counted.
process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\nBENCH_CPU_US=${user + system}\n`);
});
