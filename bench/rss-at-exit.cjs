// Preloaded into benchmarked child processes: reports peak RSS (KiB) on stderr when the process exits.
process.on("exit", () => process.stderr.write(`\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`));
