import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import { loadOrGenerateKeyPairs } from "./rsa-key-pairs";

const root = path.resolve(__dirname, "../..");

/**
 * Once per run, before any test file (vitest.config.ts globalSetup):
 * - compiles the executable's bundle (kept under the hash of the sources; cli/auth0-tenant.mjs), so that the suite's
 *   many runs of the real executable find it built instead of each of the first ones, started together by several
 *   workers, compiling it at once;
 * - provides the run's shared RSA key pairs (test/support/rsa-key-pairs.ts), generated once and kept beside the bundle.
 */
export default async function setup(project: TestProject) {
  const [pairs] = await Promise.all([
    loadOrGenerateKeyPairs(path.join(root, "node_modules/.cache/auth0-tenant/test-rsa-key-pairs.json")),
    promisify(execFile)(process.execPath, [path.join(root, "cli/auth0-tenant.mjs"), "--version"], { cwd: root }),
  ]);
  project.provide("rsaKeyPairs", pairs);
}
