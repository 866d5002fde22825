import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gitEnv } from "./support/git-repo";
import { acmeRoot, projectRoot } from "./support/temp-project";

/**
 * Every shell block of the README and docs/ is a command a reader will paste, so each runs here, in order, in a
 * throwaway copy of the project (the tool, plus the acme example as its tenant, committed to git with an
 * `origin/main`). A block that cannot run here says why, right above it, with one of the reasons below.
 */
const NOT_RUN_REASONS = [
  "needs the Pulumi CLI and a real Auth0 tenant",
  "needs a real Auth0 tenant",
  "starts a server that runs until stopped",
  "needs the local tenant running in another terminal",
  "runs the whole test suite, which includes this check",
  "a benchmark, minutes of CPU",
];

interface Block {
  file: string;
  line: number;
  code: string;
  /** Why it is not run, or the exit status it must end with (default 0). */
  notRun?: string;
  exit: number;
}

/** The ```sh and ```bash blocks of a Markdown file, each with the marker on the last non-blank line above it. */
export function shellBlocks(file: string, text: string): { blocks: Block[]; problems: string[] } {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  const problems: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- (not run|exit (\d+)): (.*) -->$/.exec(lines[i]!);
    if (marker) {
      let next = i + 1;
      while (lines[next] === "") next++;
      if (!/^```(sh|bash)$/.test(lines[next] ?? "")) problems.push(`${file}:${i + 1}: a marker not followed by a shell block`);
      if (marker[1] === "not run" && !NOT_RUN_REASONS.includes(marker[3]!))
        problems.push(`${file}:${i + 1}: "${marker[3]}" is not an allowed reason (allowed: ${NOT_RUN_REASONS.join("; ")})`);
      continue;
    }
    if (/^\s+```(sh|bash)/.test(lines[i]!)) problems.push(`${file}:${i + 1}: an indented shell block (not checked; unindent it)`);
    if (!/^```(sh|bash)$/.test(lines[i]!)) {
      if (lines[i]!.startsWith("```")) i = lines.indexOf("```", i + 1); // skip other fenced blocks whole
      if (i === -1) break;
      continue;
    }
    const end = lines.indexOf("```", i + 1);
    if (end === -1) {
      problems.push(`${file}:${i + 1}: unterminated code block`);
      break;
    }
    let above = i - 1;
    while (above >= 0 && lines[above] === "") above--;
    const m = /^<!-- (not run|exit (\d+)): (.*) -->$/.exec(lines[above] ?? "");
    blocks.push({
      file,
      line: i + 1,
      code: lines.slice(i + 1, end).join("\n"),
      ...(m?.[1] === "not run" ? { notRun: m[3]! } : {}),
      exit: m?.[2] ? Number(m[2]) : 0,
    });
    i = end;
  }
  return { blocks, problems };
}

const documents = ["README.md", ...readdirSync(path.join(projectRoot, "docs")).map((f) => `docs/${f}`)].filter((f) => f.endsWith(".md"));

/**
 * The repository a reader clones, made once per run: the tool and the acme example tenant, node_modules linked (the
 * installed tree; `npm install` itself is the one step not repeated), committed.
 */
function upstreamRepository(): { dir: string; cleanup: () => void } {
  const top = mkdtempSync(path.join(tmpdir(), "docs-upstream-"));
  const dir = path.join(top, "project");
  for (const f of [
    "cli",
    "src",
    "components",
    "packages",
    "policy",
    "package.json",
    "tsconfig.json",
    ".prettierrc.json",
    ".prettierignore",
  ])
    cpSync(path.join(projectRoot, f), path.join(dir, f), { recursive: true });
  for (const f of readdirSync(acmeRoot)) cpSync(path.join(acmeRoot, f), path.join(dir, f), { recursive: true });
  symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env: gitEnv, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "clone");
  return { dir, cleanup: () => rmSync(top, { recursive: true, force: true }) };
}

let upstream: ReturnType<typeof upstreamRepository> | undefined;
afterAll(() => upstream?.cleanup());

/** The project as a reader has it after `git clone` (origin/main included), with a home of its own (keys, caches). */
function throwawayProject(): { dir: string; home: string; cleanup: () => void } {
  upstream ??= upstreamRepository();
  const top = mkdtempSync(path.join(tmpdir(), "docs-commands-"));
  const dir = path.join(top, "project");
  const home = path.join(top, "home");
  mkdirSync(home);
  execFileSync("git", ["clone", "-q", "--local", upstream.dir, dir], { env: gitEnv, stdio: "pipe" });
  return { dir, home, cleanup: () => rmSync(top, { recursive: true, force: true }) };
}

/**
 * Two shims, each doing what the real command does here without its start-up cost: `npx auth0-tenant` runs the
 * package's own bin (package.json "bin", checked below), and `npm install` / `npm ci` find node_modules installed.
 */
const PRELUDE = `
npx() { if [ "$1" = auth0-tenant ]; then shift; node "$PROJECT/cli/auth0-tenant.mjs" "$@"; else command npx "$@"; fi; }
npm() { if [ "$1" = install ] || [ "$1" = ci ]; then return 0; fi; command npm "$@"; }
`;

function runBlock(block: Block, dir: string, home: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      "bash",
      ["-e", "-o", "pipefail", "-c", `${PRELUDE}\n${block.code}`],
      {
        cwd: dir,
        timeout: 120_000,
        maxBuffer: 64 << 20,
        env: { ...gitEnv, PROJECT: dir, HOME: home, XDG_CACHE_HOME: path.join(home, ".cache"), NO_COLOR: "1", npm_config_offline: "true" },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
    child.stdin?.end();
  });
}

describe("the documentation's shell blocks", () => {
  it("every marker is above a shell block and gives an allowed reason", () => {
    const problems = documents.flatMap((f) => shellBlocks(f, readFileSync(path.join(projectRoot, f), "utf8")).problems);
    expect(problems).toEqual([]);
  });

  it("the shim runs what npx would: the package's bin", () => {
    const pkg = JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { bin: Record<string, string> };
    expect(pkg.bin["auth0-tenant"]).toBe("cli/auth0-tenant.mjs");
  });

  it("the parser finds blocks and markers", () => {
    const text = [
      "```sh",
      "a",
      "```",
      "",
      "<!-- not run: a benchmark, minutes of CPU -->",
      "",
      "```bash",
      "b",
      "```",
      "<!-- exit 3: denies -->",
      "```sh",
      "c",
      "```",
    ].join("\n");
    const { blocks, problems } = shellBlocks("x.md", text);
    expect(problems).toEqual([]);
    expect(blocks.map((b) => [b.code, b.notRun, b.exit])).toEqual([
      ["a", undefined, 0],
      ["b", "a benchmark, minutes of CPU", 0],
      ["c", undefined, 3],
    ]);
    expect(shellBlocks("x.md", "<!-- not run: it is late -->\n```sh\nx\n```").problems[0]).toContain(
      '"it is late" is not an allowed reason',
    );
  });

  // Over 5 s for the longer documents: each runs every shell block a reader would paste, through the real executable, in
  // a fresh copy of the project; the time is the commands', one process start each.
  it.each(documents)(
    "%s: each block runs in a fresh copy of the project, in order, with the exit status it says",
    async (file) => {
      const { blocks } = shellBlocks(file, readFileSync(path.join(projectRoot, file), "utf8"));
      const runnable = blocks.filter((b) => b.notRun === undefined);
      if (runnable.length === 0) return;
      const project = throwawayProject();
      try {
        for (const block of runnable) {
          const { code, output } = await runBlock(block, project.dir, project.home);
          expect(code, `${file}:${block.line}\n${block.code}\n--- output ---\n${output}`).toBe(block.exit);
        }
      } finally {
        project.cleanup();
      }
    },
    600_000,
  ); // one child process per block, each up to 120 s
});
