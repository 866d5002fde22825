import { copyFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ActionHost } from "../../src/actions/sandbox";
import { review } from "../../src/review/review";
import { cli } from "../support/cli";
import { throwawayRepo } from "../support/git-repo";

/**
 * A pull request decides how many stacks a review plans and what their actions do. What the review spends on action
 * code is bounded for the whole command: the same code is not run again after it used its whole limit, and all of
 * it shares one time limit. Times are printed, not asserted.
 */

let repo: ReturnType<typeof throwawayRepo> | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
  delete process.env.AUTH0_TENANT_ACTION_TIME_LIMIT;
});

describe("review: action code a pull request adds", () => {
  it("a top level that loops costs its time limit once, not once per stack", async () => {
    repo = throwawayRepo();
    repo.write(
      "actions/loop.ts",
      'for (;;) if (Date.now() === 0) console.log("loop-marker");\nexport const onExecutePostLogin = async () => {};\n',
    );
    repo.edit("tenant.yaml", /^actions:\n/m, "actions:\n  loop:\n    trigger: post-login\n    source: actions/loop.ts\n");
    for (const s of ["s1", "s2"]) copyFileSync(path.join(repo.dir, "Pulumi.dev.yaml"), path.join(repo.dir, `Pulumi.${s}.yaml`));
    const loads = vi.spyOn(ActionHost.prototype, "load");
    const start = performance.now();
    const report = await review({ dir: repo.dir, base: "main" });
    console.log(`review of 4 stacks with a looping top level: ${(performance.now() - start).toFixed(0)} ms`);
    expect(report.stacks.map((s) => [s.stack, s.status])).toEqual([
      ["dev", "invalid"],
      ["prod", "invalid"],
      ["s1", "invalid"],
      ["s2", "invalid"],
    ]);
    for (const s of report.stacks)
      expect(s.invalid![0]!.errors).toContainEqual(
        expect.objectContaining({
          path: "actions.loop.source",
          message: expect.stringMatching(/^actions\/loop\.ts: the action's top level did not finish within 5000 ms/),
        }),
      );
    // The looping top level was loaded once; the other stacks reused its outcome.
    expect(loads.mock.calls.filter(([code]) => code.includes("loop-marker")).length).toBe(1);
    loads.mockRestore();
  });

  it("a handler that loops stops the review at the command's action time limit: exit 1, the action and the limit named, no report", async () => {
    repo = throwawayRepo();
    repo.write("actions/client-claims.ts", "export const onExecuteCredentialsExchange = async () => {\n  for (;;) {}\n};\n");
    process.env.AUTH0_TENANT_ACTION_TIME_LIMIT = "3";
    const start = performance.now();
    const { code, stdout, stderr } = await cli(["review", "--dir", repo.dir, "--base", "main", "--format", "markdown"]);
    console.log(`review with a looping handler, limit 3 s: ${(performance.now() - start).toFixed(0)} ms`);
    expect(stderr).toContain(
      "actions.client-claims (credentials-exchange): not run to its end, this command's action code has used its time limit of 3 seconds (raise it with AUTH0_TENANT_ACTION_TIME_LIMIT=<seconds>)",
    );
    expect(code).toBe(1);
    // The limit is not the action's answer: no comment saying token requests are now denied.
    expect(stdout).toBe("");
  });
});

describe("review: files at the base revision are read under the same rules", () => {
  it("a base stack file that is not UTF-8 makes that stack invalid, naming the file and the byte; the others are reviewed", async () => {
    repo = throwawayRepo();
    const valid = repo.read("Pulumi.dev.yaml");
    writeFileSync(
      path.join(repo.dir, "Pulumi.dev.yaml"),
      Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from(`\n${valid}`)]),
    );
    repo.git("commit", "-qam", "a Latin-1 byte");
    repo.write("Pulumi.dev.yaml", valid);
    const report = await review({ dir: repo.dir, base: "main" });
    const dev = report.stacks.find((s) => s.stack === "dev")!;
    expect(dev.status).toBe("invalid");
    expect(dev.invalid).toEqual([
      expect.objectContaining({
        revision: "base",
        errors: [
          expect.objectContaining({
            message:
              "Pulumi.dev.yaml: is not UTF-8 text: byte 5 (line 1, column 6) is 0xe9; allowed: UTF-8 text only (save the file as UTF-8)",
          }),
        ],
      }),
    ]);
    expect(report.stacks.find((s) => s.stack === "prod")!.status).toBe("unchanged");
  });
});
