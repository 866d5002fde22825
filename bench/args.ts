import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * A benchmark's options: `--help` prints the script's own leading doc comment (its usage) and exits 0; an unknown or
 * malformed option prints the reason and that usage and exits 2, as the auth0-tenant commands do.
 */
export function benchArgs<T extends NonNullable<ParseArgsConfig["options"]>>(scriptFile: string, options: T) {
  const usage = () => {
    const doc = /^\/\*\*([\s\S]*?)\*\//.exec(readFileSync(scriptFile, "utf8"))?.[1] ?? "";
    return doc.replace(/^ ?\* ?/gm, "").trim() + "\n";
  };
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(usage());
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options, allowPositionals: false }).values;
  } catch (e) {
    process.stderr.write(`${path.basename(scriptFile)}: ${(e as Error).message}\n\n${usage()}`);
    process.exit(2);
  }
}
