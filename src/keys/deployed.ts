import { execFile } from "node:child_process";
import { readPreviousFile } from "../plan/diff-checkpoint";
import { ProjectError } from "../errors";
import { layeredTenant } from "../config/layers";
import { promisify } from "node:util";
import { parseStackConfig, projectName, stackFileName } from "../config/stack-file";
import { gitRevision } from "../review/git";
import { previousFromOutputs, previousFromSpec, type PreviousCredentials } from "../rotation/fingerprints";
import { validateTenant } from "../tenant/load";

const run = promisify(execFile);

/** One record of what may be deployed, checked before the key tool writes anything. */
export interface DeployedSource {
  /** Where it comes from, as the tool reports it. */
  source: string;
  previous: PreviousCredentials;
}

export interface DeployedOptions {
  dir: string;
  stack: string;
  now: Date;
  /** A `pulumi stack output --json` document given with --previous (replaces asking the Pulumi CLI). */
  previousFile?: string;
  /** Runs the Pulumi CLI; replaced in tests. */
  pulumi?: (args: string[], cwd: string) => Promise<string>;
}

const runPulumi = async (args: string[], cwd: string) =>
  (await run("pulumi", args, { cwd, timeout: 60_000, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" })).stdout;

/**
 * What the key tool checks a rotation step against, besides the stack file as it is now: the last deployment (the
 * same stack output the deploy-time guard reads: `--previous <file>`, else `pulumi stack output` when the Pulumi CLI is
 * installed and logged in) and the last commit of the stack file (git HEAD). Two tool runs in one uncommitted change
 * (rotate, then retire the old key) are each safe against the working tree, but not against what is deployed or
 * committed. Sources that cannot be read are reported in `notes`, never guessed.
 */
export async function deployedSources(options: DeployedOptions): Promise<{ sources: DeployedSource[]; notes: string[] }> {
  const sources: DeployedSource[] = [];
  const notes: string[] = [];
  if (options.previousFile) {
    sources.push({
      source: `last deployment (${options.previousFile})`,
      previous: previousFromOutputs(readPreviousFile(options.previousFile).outputs),
    });
  } else {
    try {
      const out = await (options.pulumi ?? runPulumi)(["stack", "output", "--json", "--stack", options.stack], options.dir);
      sources.push({
        source: `last deployment (pulumi stack output --stack ${options.stack})`,
        previous: previousFromOutputs(JSON.parse(out)),
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      notes.push(
        err.code === "ENOENT"
          ? "last deployment not checked: the Pulumi CLI is not installed (pass --previous <pulumi stack output --json file>)"
          : `last deployment not checked: pulumi stack output failed (${(err.stderr ?? err.message).trim().split("\n")[0]})`,
      );
    }
  }
  const committed = await committedCredentials(options);
  if (committed.previous) sources.push({ source: "last commit (git HEAD)", previous: committed.previous });
  else if (committed.note) notes.push(committed.note);
  return { sources, notes };
}

async function committedCredentials(options: DeployedOptions): Promise<{ previous?: PreviousCredentials; note?: string }> {
  let revision;
  try {
    revision = await gitRevision(options.dir, "HEAD");
  } catch {
    return { note: "last commit not checked: not a git repository (or no commit yet)" };
  }
  const file = stackFileName(options.stack);
  const [project, stackText] = await Promise.all([revision.readFile("Pulumi.yaml"), revision.readFile(file)]);
  if (project === undefined || stackText === undefined) return { note: `last commit not checked: ${file} is not committed yet` };
  let tenant: unknown;
  try {
    // The committed stack file may extend the committed shared definition: validate what that commit deployed.
    tenant = (await layeredTenant(parseStackConfig(projectName(project), options.stack, stackText).tenant, file, revision.readFile)).tenant;
  } catch (e) {
    if (!(e instanceof ProjectError)) throw e;
    return { note: `last commit not checked: ${e.message}` };
  }
  const result = await validateTenant(tenant, {
    stack: options.stack,
    project: projectName(project),
    now: options.now,
    readFile: revision.readFile,
  });
  if (!result.spec) return { note: `last commit not checked: its ${file} does not validate` };
  return { previous: previousFromSpec(result.spec) };
}
