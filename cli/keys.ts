import { parseArgs } from "node:util";
import { addKey, keyStatus, KeysError, retireKey, type KeysContext } from "../src/keys/commands";
import { table } from "../src/plan/render";
import { DEFAULT_EXPIRY_WARNING_DAYS } from "../src/rotation/expiry";

const USAGE = `usage: npm run keys -- <command> [options]
  new <app>     [--stack dev] [--alg RS256|RS384|PS256] [--bits 2048|3072|4096] [--expires 90d|<ISO date>] [--name <credential>] [--out <private key path>] [--dry-run]
  rotate <app>  (phase 1: same options as new; refuses when both slots are used and names the one to retire)
  add <app> --public-key <file>  [--stack dev] [--alg ...] [--expires ...] [--name ...] [--dry-run]   (register an existing public key or certificate)
  retire <app> <credential>  [--stack dev] [--dry-run]   (phase 2; never the last credential)
  status        [--stack dev] [--json] [--window 30] [--fail-on expiring|expired]`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        stack: { type: "string", default: "dev" },
        dir: { type: "string", default: process.cwd() },
        alg: { type: "string" },
        bits: { type: "string" },
        expires: { type: "string" },
        name: { type: "string" },
        out: { type: "string" },
        "public-key": { type: "string" },
        "dry-run": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        window: { type: "string", default: String(DEFAULT_EXPIRY_WARNING_DAYS) },
        "fail-on": { type: "string" },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, app, credential] = positionals;
  const ctx: KeysContext = { dir: values.dir, stack: values.stack, now: new Date() };
  const options = {
    ...(values.alg ? { alg: values.alg } : {}),
    ...(values.bits ? { bits: values.bits } : {}),
    ...(values.expires ? { expires: values.expires } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(values.out ? { out: values.out } : {}),
    ...(values["public-key"] ? { publicKey: values["public-key"] } : {}),
    dryRun: values["dry-run"],
  };
  switch (command) {
    case "new":
    case "rotate":
    case "add": {
      if (!app) break;
      const r = await addKey(ctx, command, app, options);
      console.log(r.lines.join("\n"));
      return 0;
    }
    case "retire": {
      if (!app || !credential) break;
      const r = await retireKey(ctx, app, credential, { dryRun: values["dry-run"] });
      console.log(r.lines.join("\n"));
      return 0;
    }
    case "status": {
      const window = Number(values.window);
      if (!Number.isInteger(window) || window < 0 || window > 365)
        throw new KeysError(`--window ${values.window}: a whole number of days from 0 to 365`);
      const failOn = values["fail-on"];
      if (failOn !== undefined && failOn !== "expiring" && failOn !== "expired")
        throw new KeysError(`--fail-on ${failOn} is not allowed (allowed: expiring, expired)`);
      const rows = await keyStatus(ctx, window);
      if (values.json) console.log(JSON.stringify({ stack: ctx.stack, windowDays: window, credentials: rows }, null, 2));
      else {
        console.log(`Credentials of stack ${ctx.stack} (expiring = within ${window} days)`);
        console.log(
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
              r.state,
            ]),
          ),
        );
      }
      const bad = rows.filter(
        (r) => r.state === "expired" || r.state === "unreadable" || (failOn === "expiring" && r.state === "expiring"),
      );
      return failOn && bad.length > 0 ? 1 : 0;
    }
  }
  console.error(USAGE);
  return 2;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof KeysError ? `keys: ${e.message}` : e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
