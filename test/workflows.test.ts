import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
type Step = { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; id?: string };
type Job = {
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
  strategy?: { matrix: Record<string, unknown> };
};
type Workflow = {
  on: Record<string, { branches?: string[] }>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
};

const load = (f: string) => parse(readFileSync(path.join(root, ".github/workflows", f), "utf8")) as Workflow;
const needs = (j: Job) => (Array.isArray(j.needs) ? j.needs : j.needs ? [j.needs] : []);
const secretsIn = (j: Job) => JSON.stringify(j).match(/secrets\.[A-Z0-9_]+/g) ?? [];

describe("pull request workflow", () => {
  const wf = load("pull-request.yml");

  it("runs on pull requests to main with read-only default permissions", () => {
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.on.pull_request!.branches).toEqual(["main"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(wf.concurrency?.["cancel-in-progress"]).toBe(true);
  });

  it("tests exactly as CI does: npm ci, npm test", () => {
    expect(wf.jobs.test!.steps.map((s) => s.run).filter(Boolean)).toEqual(["npm ci", "npm test"]);
  });

  it("reviews against the PR base with full history and posts one sticky comment; only this job may write to PRs", () => {
    const review = wf.jobs.review!;
    expect(needs(review)).toEqual(["test"]);
    expect(review.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    expect(review.steps.find((s) => s.uses?.startsWith("actions/checkout"))!.with).toEqual({ "fetch-depth": 0 });
    const run = review.steps.find((s) => s.id === "review")!.run!;
    expect(run).toContain('npm run --silent review -- --base "origin/${{ github.base_ref }}" --all-stacks --fail-on high > review.md');
    const sticky = review.steps.find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"))!;
    expect(sticky.with).toEqual({ header: "auth0-tenant-review", path: "review.md" });
    const gate = review.steps.find((s) => s.name === "Gate on high-risk changes" || s.run?.includes("auth-risk-accepted"))!;
    expect(gate.if).toContain("auth-risk-accepted");
    expect(secretsIn(review)).toEqual([]);
    for (const [name, job] of Object.entries(wf.jobs)) if (name !== "review") expect(job.permissions?.["pull-requests"]).toBeUndefined();
  });

  it("previews each stack with refresh and diff through pulumi/actions, skipped with a notice without credentials", () => {
    const preview = wf.jobs.preview!;
    expect(preview.strategy!.matrix.stack).toEqual(["dev", "prod"]);
    const pulumi = preview.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(pulumi.with).toMatchObject({
      command: "preview",
      "stack-name": "${{ matrix.stack }}",
      refresh: true,
      diff: true,
      policyPacks: "policy",
    });
    expect(pulumi.if).toBe("steps.credentials.outputs.ready == 'true'");
    expect(preview.steps[0]!.run).toContain("::notice::pulumi preview skipped");
    expect(new Set(secretsIn(preview))).toEqual(new Set(["secrets.PULUMI_ACCESS_TOKEN", "secrets.AUTH0_CLIENT_ASSERTION_PRIVATE_KEY"]));
  });
});

describe("deploy workflow", () => {
  const wf = load("deploy.yml");

  it("runs on pushes to main, one deployment at a time, never cancelled midway", () => {
    expect(Object.keys(wf.on)).toEqual(["push"]);
    expect(wf.on.push!.branches).toEqual(["main"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(wf.concurrency).toEqual({ group: "deploy", "cancel-in-progress": false });
  });

  it("deploys dev after the tests and prod after dev, prod behind the production environment", () => {
    expect(needs(wf.jobs.dev!)).toEqual(["test"]);
    expect(needs(wf.jobs.prod!)).toEqual(["dev"]);
    expect(wf.jobs.dev!.environment).toBe("dev");
    expect(wf.jobs.prod!.environment).toBe("production");
    for (const stack of ["dev", "prod"]) {
      const up = wf.jobs[stack]!.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
      expect(up.with).toMatchObject({ command: "up", "stack-name": stack, refresh: true, policyPacks: "policy" });
    }
  });

  it("uses secrets only in the deploying jobs, and refuses to pretend a deployment happened without them", () => {
    expect(secretsIn(wf.jobs.test!)).toEqual([]);
    for (const stack of ["dev", "prod"]) {
      expect(wf.jobs[stack]!.steps[0]!.run).toContain("exit 1");
      expect(new Set(secretsIn(wf.jobs[stack]!))).toEqual(
        new Set(["secrets.PULUMI_ACCESS_TOKEN", "secrets.AUTH0_CLIENT_ASSERTION_PRIVATE_KEY"]),
      );
    }
  });
});
