import * as path from "node:path";
import { ActionLoadError } from "../../errors";
import { HOST_LIMITS } from "./limits";

/**
 * The permission model's flag for a Node version: `--permission` since 22.13 / 23.5 (where it became stable); older
 * versions only know `--experimental-permission`, and Node 24 dropped that alias.
 */
export function permissionFlag(version: string): "--permission" | "--experimental-permission" {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  if (major < 20) throw new ActionLoadError(`Node ${version} has no permission model; the action host needs Node 20 or newer`);
  if (major >= 24 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13)) return "--permission";
  return "--experimental-permission";
}

export interface ActionHostOptions {
  /** Leaves the network entry points in place (npx auth0-tenant action --allow-network); fs and processes stay blocked. */
  allowNetwork?: boolean;
  /**
   * Tests only: allows code generation from strings in the child, so that a test can simulate a vm escape
   * (`Buffer.constructor("return process")()`) and check what the permission model and the lockdown still block.
   */
  unsafeAllowCodeGenerationForTests?: boolean;
}

/** The runner's entry point in its folder (src/actions/runner/). */
export const RUNNER_MAIN = "main.cjs";

/**
 * The arguments the child is started with: it may read its runner folder (a folder grant covers what is below it,
 * nothing beside it) and nothing else.
 */
export function childArguments(options: ActionHostOptions, runnerDir: string): string[] {
  const network = options.allowNetwork === true;
  return [
    permissionFlag(process.version),
    `--allow-fs-read=${runnerDir}`,
    "--no-addons",
    "--frozen-intrinsics",
    ...(options.unsafeAllowCodeGenerationForTests ? [] : ["--disallow-code-generation-from-strings"]),
    `--max-old-space-size=${HOST_LIMITS.heapMb}`,
    "--no-warnings",
    // Node 25 added network to the permission model: there it needs an explicit grant.
    ...(network && process.allowedNodeEnvironmentFlags.has("--allow-net") ? ["--allow-net"] : []),
    path.join(runnerDir, RUNNER_MAIN),
    JSON.stringify({ network }),
  ];
}
