import { concurrencyOf, consoleIo, EXIT, runLive, runLiveCli, TENANT_OPTIONS, TENANT_USAGE } from "./live-common";

const USAGE = `usage: npm run import -- --stack <new stack> ${TENANT_USAGE} [--keys <dir of public keys>] [--force]`;

runLiveCli(() =>
  runLive(
    {
      ...TENANT_OPTIONS,
      stack: { type: "string" },
      keys: { type: "string" },
      force: { type: "boolean", default: false },
      help: { type: "boolean" },
    },
    USAGE,
    async (v) => {
      if (!v.stack || (!v.domain && !v.local)) {
        console.error(USAGE);
        return EXIT.usage;
      }
      const concurrency = concurrencyOf(v.concurrency);
      // Loaded only now: a --local run re-executes itself before it pays for the SDK and the planner.
      const { runImport } = await import("../src/live/commands");
      return runImport(
        {
          stack: v.stack,
          dir: v.dir,
          force: v.force,
          ...(v.domain ? { domain: v.domain } : {}),
          ...(v.local ? { local: v.local } : {}),
          ...(v["client-id"] ? { clientId: v["client-id"] } : {}),
          ...(v["key-file"] ? { keyFile: v["key-file"] } : {}),
          ...(v.keys ? { keys: v.keys } : {}),
          ...(concurrency ? { concurrency } : {}),
        },
        consoleIo(),
      );
    },
  ),
);
