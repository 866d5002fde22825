import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../support/cli";

const root = path.resolve(__dirname, "../..");
const bin = mkdtempSync(path.join(tmpdir(), "completion-"));
afterAll(() => rmSync(bin, { recursive: true, force: true }));
let script = "";

beforeAll(async () => {
  // `auth0-tenant` on PATH, as an installed tool would be: the real executable.
  const shim = path.join(bin, "auth0-tenant");
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${path.join(root, "cli/auth0-tenant.mjs")}" "$@"\n`);
  chmodSync(shim, 0o755);
  const r = await cli(["completion", "bash"]);
  expect(r.code, r.stderr).toBe(0);
  script = path.join(bin, "auth0-tenant.bash");
  writeFileSync(script, r.stdout);
});

/** Completes the words in a real bash with the script loaded (`complete -p` names its function), from `cwd`. */
async function complete(words: string[], cwd = root): Promise<string[]> {
  const shell = [
    `source "${script}"`,
    `fn=$(complete -p auth0-tenant | sed -E 's/.*-F ([^ ]+).*/\\1/')`,
    `COMP_WORDS=(${["auth0-tenant", ...words].map((w) => `'${w}'`).join(" ")})`,
    `COMP_CWORD=${words.length}`,
    `"$fn"`,
    `printf '%s\\n' "\${COMPREPLY[@]}"`,
  ].join("\n");
  const { stdout } = await promisify(execFile)("bash", ["--norc", "--noprofile", "-c", shell], {
    cwd,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  return stdout.split("\n").filter(Boolean).sort();
}

describe("shell completion, driven through a real bash", () => {
  it("commands, and the subcommands of a group", async () => {
    expect(await complete(["p"])).toEqual(["plan"]);
    expect(await complete(["keys", "r"])).toEqual(["retire", "rotate"]);
    expect(await complete([""])).toContain("completion");
  });

  it("options of the command being typed, and an option's choices", async () => {
    expect(await complete(["plan", "--j"])).toEqual(["--json"]);
    expect(await complete(["keys", "rotate", "billing", "--e"])).toEqual(["--expires"]);
    expect(await complete(["review", "--format", ""])).toEqual(["json", "markdown", "md", "text"]);
  });

  it("stack names, application keys and action names of the project found from here", async () => {
    expect(await complete(["plan", "--stack", ""], path.join(root, "actions"))).toEqual(["dev", "prod"]);
    expect(await complete(["keys", "rotate", ""])).toEqual(["billing", "payments", "reporting", "web-portal"]);
    expect(await complete(["token", "--app", "re"])).toEqual(["reporting"]);
    expect(await complete(["action", ""])).toEqual(["client-claims", "login-claims"]);
    // outside any project: nothing, and no error on the terminal
    expect(await complete(["plan", "--stack", ""], bin)).toEqual([]);
  }, 120_000);

  it("zsh and fish scripts are generated from the same tree; an unknown shell is a usage error", async () => {
    expect((await cli(["completion", "zsh"])).stdout).toContain("bashcompinit");
    const fish = (await cli(["completion", "fish"])).stdout;
    expect(fish).toContain('complete -c auth0-tenant -n "__fish_use_subcommand" -a "plan review keys');
    expect(fish).toContain("-l stack");
    expect((await cli(["completion", "tcsh"])).code).toBe(2);
  });
});
