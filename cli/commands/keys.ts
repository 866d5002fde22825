import { Option, type Command } from "commander";
import type { AddKeyOptions, KeysContext } from "../../src/keys/commands";
import { KEY_ALGORITHMS, KEY_BITS } from "../../src/keys/limits";
import { table } from "../../src/text/table";
import { existing, stackName } from "./arguments";
import { EXIT, progress, type Io } from "../io";
import { dirOption, intOption, json, knownStack } from "./shared";

interface Common {
  stack: string;
  dir: string;
  previous?: string;
  dryRun?: boolean;
}

export function keysCommand(program: Command, io: Io, run: (f: () => Promise<number>) => Promise<void>) {
  const keys = program
    .command("keys")
    .description("rotate client credentials safely: new, rotate, add, retire, status")
    .addHelpText(
      "after",
      "\nEvery change is checked against the stack file, the last deployment (--previous <pulumi stack output --json file>,\nelse `pulumi stack output` when the Pulumi CLI is available) and the last commit (git HEAD) before anything is written.",
    );
  const common = (c: Command) => c.option("-s, --stack <name>", "the stack", stackName(), "dev").addOption(dirOption(io));
  const changing = (c: Command) =>
    common(c)
      .option(
        "--previous <file>",
        "the last deployment's outputs (pulumi stack output --json), checked before writing",
        existing("--previous", io.cwd),
      )
      .option("--dry-run", "say what would change, write nothing");
  // --bits only where a key is generated: a key that is added has the size it has.
  const keyOptions = (c: Command, generated: boolean) =>
    (generated ? c.addOption(new Option("--bits <bits>", "RSA key size").choices(KEY_BITS.map(String)).default("2048")) : c)
      .addOption(new Option("--alg <alg>", "the credential's algorithm").choices([...KEY_ALGORITHMS]).default("RS256"))
      .option("--expires <when>", "90d, or an ISO 8601 date (default 365d)")
      .option("--name <credential>", "the credential's name (default <app>-<stack>-<date>)");

  const context = async (opts: Common, changes: boolean): Promise<KeysContext> => {
    await knownStack(opts.dir, opts.stack);
    const now = new Date();
    const { deployedSources } = await import("../../src/keys/deployed");
    const deployed = changes
      ? await deployedSources({ dir: opts.dir, stack: opts.stack, now, ...(opts.previous ? { previousFile: opts.previous } : {}) })
      : { sources: [], notes: [] };
    return { dir: opts.dir, stack: opts.stack, now, deployed };
  };
  /** What the rotation rules were checked against: said once the change is made (an error is said alone, in one line). */
  const checkedAgainst = (ctx: KeysContext) => {
    io.err(
      `rotation rules checked against: Pulumi.${ctx.stack}.yaml as it is now${ctx.deployed.sources.map((s) => `, ${s.source}`).join("")}\n`,
    );
    for (const note of ctx.deployed.notes) io.err(`  note: ${note}\n`);
  };

  const adding = (mode: "new" | "rotate" | "add", description: string) => {
    const c = changing(keyOptions(keys.command(mode).description(description).argument("<app>", "the application"), mode !== "add"));
    if (mode === "add")
      c.requiredOption("--public-key <file>", "a public key or certificate someone gave you", existing("--public-key", io.cwd));
    else c.option("--out <path>", "where the private key goes (outside the repository; default ~/.config/auth0-tenant/<stack>/<name>.pem)");
    c.action(
      (app: string, opts: Common & { alg: string; bits?: string; expires?: string; name?: string; out?: string; publicKey?: string }) =>
        run(async () => {
          const ctx = await context(opts, true);
          const options: AddKeyOptions = {
            alg: opts.alg,
            ...(opts.bits ? { bits: opts.bits } : {}),
            ...(opts.expires ? { expires: opts.expires } : {}),
            ...(opts.name ? { name: opts.name } : {}),
            ...(opts.out ? { out: opts.out } : {}),
            ...(opts.publicKey ? { publicKey: opts.publicKey } : {}),
            dryRun: opts.dryRun === true,
          };
          const working = mode === "add" ? undefined : progress(io, `generating an RSA-${opts.bits ?? "2048"} key pair`);
          try {
            const { addKey } = await import("../../src/keys/commands");
            const result = await addKey(ctx, mode, app, options);
            checkedAgainst(ctx);
            io.out(result.lines.join("\n") + "\n");
          } finally {
            working?.done();
          }
          return EXIT.ok;
        }),
    );
  };
  adding("new", "add a key to an app (its first, or a second one)");
  adding("rotate", "phase 1 of a rotation: a new key beside the current one (refused when both slots are used)");
  adding("add", "register an existing public key or certificate");

  changing(keys.command("retire").description("phase 2 of a rotation: remove a credential (never the last one)"))
    .argument("<app>", "the application")
    .argument("<credential>", "the credential's name")
    .action((app: string, credential: string, opts: Common) =>
      run(async () => {
        const ctx = await context(opts, true);
        const { retireKey } = await import("../../src/keys/commands");
        const result = await retireKey(ctx, app, credential, { dryRun: opts.dryRun === true });
        checkedAgainst(ctx);
        io.out(result.lines.join("\n") + "\n");
        return EXIT.ok;
      }),
    );

  common(keys.command("status").description("every credential's algorithm, size, thumbprint, expiry and state"))
    .option("--json", "machine-readable output on stdout")
    .option("--window <days>", "credentials expiring within this many days are 'expiring'", "30")
    .addOption(new Option("--fail-on <state>", "exit 1 when a credential is in this state (or worse)").choices(["expiring", "expired"]))
    .action((opts: Common & { json?: boolean; window: string; failOn?: "expiring" | "expired" }) =>
      run(async () => {
        const window = intOption(opts.window, "--window", 0, 365, "a whole number of days");
        const ctx = await context(opts, false);
        const { keyStatus } = await import("../../src/keys/commands");
        const rows = await keyStatus(ctx, window);
        if (opts.json) io.out(json({ stack: ctx.stack, windowDays: window, credentials: rows }, io));
        else {
          io.out(`Credentials of stack ${ctx.stack} (expiring = within ${window} days)\n`);
          io.out(
            table(
              ["app", "credential", "alg", "bits", "thumbprint (RFC 7638)", "expires", "days left", "state"],
              rows.map((r) => [
                r.app,
                r.name,
                r.algorithm,
                r.bits === null ? "-" : String(r.bits),
                r.thumbprint ?? r.problem ?? "-",
                r.expiresAt?.slice(0, 10) ?? "never",
                r.daysLeft === null ? "-" : String(r.daysLeft),
                r.state === "active" ? r.state : io.look.risk(r.state === "expiring" ? "medium" : "high", r.state),
              ]),
              io.columns,
            ) + "\n",
          );
        }
        const bad = rows.filter(
          (r) => r.state === "expired" || r.state === "unreadable" || (opts.failOn === "expiring" && r.state === "expiring"),
        );
        if (!opts.failOn || bad.length === 0) return EXIT.ok;
        io.err(
          `--fail-on ${opts.failOn}: ${bad.map((r) => `${r.app} ${r.name} is ${r.state}${r.daysLeft !== null && r.state === "expiring" ? ` (${r.daysLeft} days left)` : ""}`).join("; ")}\n`,
        );
        return EXIT.findings;
      }),
    );
}
