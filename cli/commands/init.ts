import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { EXIT, UsageError, type Io } from "../io";

/** The tool's own directory (its package.json), from wherever this file runs: the sources, or the compiled bundle. */
function toolRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "auth0-tenant") return dir;
    if (path.dirname(dir) === dir) throw new Error("auth0-tenant: cannot find the tool's own package.json");
  }
}

const PROJECT_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export function initCommand(program: Command, io: Io, run: (f: () => Promise<number>) => Promise<void>) {
  program
    .command("init")
    .description("start a new tenant repository: Pulumi.yaml, tenant.yaml, the dev stack, a first key, a claims action, CI")
    .argument("[directory]", "where (default: the current directory); nothing there is ever overwritten")
    .option("--name <project>", "the Pulumi project name (default: the directory's name)")
    .option("--domain <tenant>", "the dev tenant's domain (default: <project>-dev.eu.auth0.com)")
    .option("--tool <npm spec>", "how the new repository depends on this tool (default: file:<its path from there>)")
    .option("--key-out <path>", "where the first private key goes (outside the repository; default ~/.config/auth0-tenant/dev/)")
    .action((directory: string | undefined, opts: { name?: string; domain?: string; tool?: string; keyOut?: string }) =>
      run(async () => {
        const dir = path.resolve(io.cwd, directory ?? ".");
        const project =
          opts.name ??
          (path
            .basename(dir)
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-")
            .replace(/^[^a-z]+|-+$/g, "") ||
            "auth0-tenant");
        if (!PROJECT_NAME.test(project))
          throw new UsageError(
            `--name ${project}: not a project name (allowed: a lowercase letter, then letters, digits and "-", at most 63)`,
          );
        const root = toolRoot();
        const { init } = await import("../../src/init/scaffold");
        const result = await init({
          dir,
          project,
          domain: opts.domain ?? `${project}-dev.eu.auth0.com`,
          tool: opts.tool ?? `file:${path.relative(dir, root) || "."}`,
          toolRoot: root,
          now: new Date(),
          ...(opts.keyOut ? { keyOut: path.resolve(io.cwd, opts.keyOut) } : {}),
          ...(io.env.XDG_CONFIG_HOME ? { configHome: io.env.XDG_CONFIG_HOME } : {}),
        });
        const here = path.relative(io.cwd, dir) || ".";
        io.out(
          [
            `created a tenant repository in ${here} (project ${project}):`,
            ...result.files.map((f) => `  ${f}`),
            ...result.keyLines.filter((l) => !l.startsWith("next:")),
            "",
            "next:",
            ...(here === "." ? [] : [`  cd ${here}`]),
            "  npm install",
            "  npx auth0-tenant plan",
            "  npm test",
          ].join("\n") + "\n",
        );
        return EXIT.ok;
      }),
    );
}
