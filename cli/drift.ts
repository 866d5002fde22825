import { concurrencyOf, consoleIo, EXIT, runLive, runLiveCli, TENANT_OPTIONS, TENANT_USAGE } from "./live-common";

const USAGE = `usage: npm run drift -- --stack <name> ${TENANT_USAGE} [--format markdown|json] [--fail-on high|medium] [--previous <pulumi stack output --json file>]`;

/** Exit codes: 0 no drift at or above --fail-on; 1 such drift, or an invalid spec; 2 usage; 3 the tenant could not be read. */
runLiveCli(() =>
  runLive(
    {
      ...TENANT_OPTIONS,
      stack: { type: "string" },
      format: { type: "string", default: "markdown" },
      "fail-on": { type: "string" },
      previous: { type: "string" },
      help: { type: "boolean" },
    },
    USAGE,
    async (v) => {
      const format = v.format === "md" ? "markdown" : v.format;
      const failOn = v["fail-on"];
      if (!v.stack || (format !== "markdown" && format !== "json") || (failOn !== undefined && failOn !== "high" && failOn !== "medium")) {
        console.error(USAGE);
        return EXIT.usage;
      }
      const concurrency = concurrencyOf(v.concurrency);
      // Loaded only now: a --local run re-executes itself before it pays for the SDK and the planner.
      const { runDrift } = await import("../src/live/commands");
      return runDrift(
        {
          stack: v.stack,
          dir: v.dir,
          format,
          ...(failOn ? { failOn } : {}),
          ...(v.previous ? { previous: v.previous } : {}),
          ...(v.domain ? { domain: v.domain } : {}),
          ...(v.local ? { local: v.local } : {}),
          ...(v["client-id"] ? { clientId: v["client-id"] } : {}),
          ...(v["key-file"] ? { keyFile: v["key-file"] } : {}),
          ...(concurrency ? { concurrency } : {}),
        },
        consoleIo(),
      );
    },
  ),
);
