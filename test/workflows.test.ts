import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { load as parse } from "js-yaml";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
type Step = { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; id?: string };
type Job = {
  "timeout-minutes"?: number;
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
  strategy?: { matrix: Record<string, unknown> };
};
type Workflow = {
  on: Record<string, { branches?: string[] } | { cron: string }[] | null>;
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
    expect((wf.on.pull_request as { branches?: string[] }).branches).toEqual(["main"]);
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
    expect(run).toContain('echo "high-risk=true" >> "$GITHUB_OUTPUT"');
    const sticky = review.steps.find((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@"))!;
    expect(sticky.with).toEqual({ header: "auth0-tenant-review", path: "review.md" });
    expect(secretsIn(review)).toEqual([]);
    for (const [name, job] of Object.entries(wf.jobs)) if (name !== "review") expect(job.permissions?.["pull-requests"]).toBeUndefined();
  });

  it("accepting high-risk changes is an approval GitHub enforces (a protected environment), not a label anyone can add", () => {
    const accept = wf.jobs["accept-high-risk"]!;
    expect(needs(accept)).toEqual(["review"]);
    expect(accept.if).toBe("needs.review.outputs.high-risk == 'true'");
    expect(accept.environment).toBe("auth-risk-acceptance");
    expect(JSON.stringify(wf)).not.toContain("labels");
    expect(secretsIn(accept)).toEqual([]);
  });

  it("previews each stack with read-only previewer credentials from its own environment, never the deployer's", () => {
    const preview = wf.jobs.preview!;
    expect(preview.strategy!.matrix.stack).toEqual(["dev", "prod"]);
    expect(preview.environment).toBe("${{ matrix.stack }}-preview");
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
    // Environment secrets of "<stack>-preview": the previewer app; deploy.yml's environments hold the deployer.
    expect(new Set(secretsIn(preview))).toEqual(
      new Set(["secrets.PULUMI_ACCESS_TOKEN", "secrets.AUTH0_CLIENT_ID", "secrets.AUTH0_CLIENT_ASSERTION_PRIVATE_KEY"]),
    );
  });

  it("the stack files name no deployer: the provider's client and key come from the job's environment", () => {
    for (const f of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
      const config = (parse(readFileSync(path.join(root, f), "utf8")) as { config: Record<string, unknown> }).config;
      expect(Object.keys(config).filter((k) => k.startsWith("auth0:"))).toEqual(["auth0:domain"]);
    }
  });
});

describe("deploy workflow", () => {
  const wf = load("deploy.yml");

  it("runs on pushes to main, one deployment at a time, never cancelled midway", () => {
    expect(Object.keys(wf.on)).toEqual(["push"]);
    expect((wf.on.push as { branches?: string[] }).branches).toEqual(["main"]);
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
        new Set(["secrets.PULUMI_ACCESS_TOKEN", "secrets.AUTH0_CLIENT_ID", "secrets.AUTH0_CLIENT_ASSERTION_PRIVATE_KEY"]),
      );
    }
  });
});

describe("drift workflow", () => {
  const wf = load("drift.yml");
  const preview = load("pull-request.yml").jobs.preview!;
  const job = wf.jobs.drift!;

  it("runs on a schedule (and by hand) with read-only permissions, never cancelled midway", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect((wf.on as unknown as { schedule: { cron: string }[] }).schedule[0]!.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(job.permissions).toBeUndefined();
    expect(wf.concurrency?.["cancel-in-progress"]).toBe(false);
  });

  it("reads each tenant with the previewer of its <stack>-preview environment, exactly as the PR preview does", () => {
    expect(job.strategy!.matrix.stack).toEqual(["dev", "prod"]);
    expect(job.environment).toBe("${{ matrix.stack }}-preview");
    expect(job.environment).toBe(preview.environment);
    expect(job.env).toEqual(preview.env);
    expect(new Set(secretsIn(job))).toEqual(new Set(secretsIn(preview)));
  });

  it("fails on high-risk drift and puts the report in the run summary; without credentials it fails loudly", () => {
    const run = job.steps.find((s) => s.run?.includes("npm run --silent drift"))!.run!;
    expect(run).toContain('npm run --silent drift -- --stack "${{ matrix.stack }}" --format markdown --fail-on high $previous > drift.md');
    expect(run).toContain('cat drift.md >> "$GITHUB_STEP_SUMMARY"');
    expect(run).toContain('exit "$code"');
    expect(job.steps[0]!.run).toContain("exit 1");
    expect(job.steps.map((s) => s.run).filter((r) => r === "npm ci")).toHaveLength(1);
  });
});

describe("mutation workflow", () => {
  const wf = load("mutation.yml");

  it("runs weekly and on demand, read-only, never two at once", () => {
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    const schedule = wf.on.schedule as { cron: string }[];
    expect(schedule).toHaveLength(1);
    // minute hour * * weekday: once a week
    expect(schedule[0]!.cron).toMatch(/^\d+ \d+ \* \* [0-6]$/);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(wf.concurrency?.["cancel-in-progress"]).toBe(false);
  });

  it("runs npm run test:mutation on Node 20 after npm ci, with a time limit and no secrets", () => {
    const job = wf.jobs.mutation!;
    expect(job["timeout-minutes"]).toBeGreaterThan(0);
    const setup = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))!;
    expect(setup.with).toMatchObject({ "node-version": 20 });
    expect(job.steps.map((s) => s.run).filter(Boolean)).toEqual(["npm ci", "npm run test:mutation"]);
    expect(secretsIn(job)).toEqual([]);
  });

  it("uploads the HTML report even when the score is under the threshold", () => {
    const upload = wf.jobs.mutation!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(upload.uses).toBe("actions/upload-artifact@v4");
    expect(upload.if).toBe("always()");
    const config = readFileSync(path.join(root, "stryker.config.mjs"), "utf8");
    const html = /htmlReporter: \{ fileName: process\.env\.MUTATION_HTML_REPORT \?\? "([^"]+)" \}/.exec(config)?.[1];
    expect(html).toBeDefined();
    expect(html!.startsWith(String(upload.with!.path))).toBe(true);
  });
});

describe("npm run test:mutation", () => {
  it("its groups mutate exactly the modules stryker.config.mjs names, each group with tests that exist", async () => {
    const { MUTATION_GROUPS } = await import("./mutation/groups");
    const configFile = "../stryker.config.mjs"; // plain JavaScript, without type declarations
    const config = ((await import(configFile)) as { default: { mutate: string[] } }).default;
    expect(MUTATION_GROUPS.flatMap((g) => g.mutate).sort()).toEqual([...config.mutate].sort());
    for (const g of MUTATION_GROUPS) for (const t of g.tests) expect(existsSync(path.join(root, t)), t).toBe(true);
  });

  it("every module pattern names files that exist (a module moved elsewhere would silently leave mutation testing)", async () => {
    const { MUTATION_GROUPS } = await import("./mutation/groups");
    // The patterns use `*` within one path segment only.
    const matches = (pattern: string): string[] =>
      pattern.split("/").reduce<string[]>(
        (dirs, segment) =>
          dirs.flatMap((dir) => {
            if (!segment.includes("*")) return existsSync(path.join(root, dir, segment)) ? [path.join(dir, segment)] : [];
            const re = new RegExp(
              `^${segment
                .split("*")
                .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
                .join("[^/]*")}$`,
            );
            return existsSync(path.join(root, dir))
              ? readdirSync(path.join(root, dir))
                  .filter((name) => re.test(name))
                  .map((name) => path.join(dir, name))
              : [];
          }),
        [""],
      );
    for (const g of MUTATION_GROUPS) for (const m of g.mutate) expect(matches(m).length, `${g.name}: ${m}`).toBeGreaterThan(0);
  });
});

describe("every workflow", () => {
  it("uses only actions pinned to a major version and defaults to read-only permissions", () => {
    for (const f of readdirSync(path.join(root, ".github/workflows"))) {
      const wf = load(f);
      expect(wf.permissions, f).toEqual({ contents: "read" });
      for (const job of Object.values(wf.jobs))
        for (const step of job.steps) if (step.uses) expect(step.uses, f).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    }
  });
});

describe("the checks' cache in CI", () => {
  it.each(["pull-request.yml", "deploy.yml"])("%s test restores .cache (type-check build info, format check) before npm test", (file) => {
    const steps = load(file).jobs.test!.steps;
    const at = steps.findIndex((s) => s.uses?.startsWith("actions/cache@"));
    expect(at).toBeGreaterThan(steps.findIndex((s) => s.uses?.startsWith("actions/checkout@")));
    expect(at).toBeLessThan(steps.findIndex((s) => s.run === "npm test"));
    expect(steps[at]!.with).toEqual({
      path: ".cache",
      key: "npm-test-checks-${{ hashFiles('package-lock.json') }}-${{ github.sha }}",
      "restore-keys": "npm-test-checks-${{ hashFiles('package-lock.json') }}-",
    });
  });
});

describe("key-facts cache in CI", () => {
  // The jobs that load the tenant spec (review, pulumi preview/up, drift) keep what earlier runs learnt about keys/.
  it.each([
    ["pull-request.yml", "review"],
    ["pull-request.yml", "preview"],
    ["deploy.yml", "dev"],
    ["deploy.yml", "prod"],
    ["drift.yml", "drift"],
  ])("%s %s restores and saves it, keyed by the content of keys/, before the tenant is loaded", (file, job) => {
    const steps = load(file).jobs[job]!.steps;
    const at = steps.findIndex((s) => s.uses?.startsWith("actions/cache@"));
    expect(at).toBeGreaterThan(steps.findIndex((s) => s.uses?.startsWith("actions/checkout@")));
    expect(at).toBeLessThan(steps.findIndex((s) => s.run === "npm ci"));
    expect(steps[at]!.with).toEqual({
      path: "~/.cache/auth0-tenant",
      key: "auth0-tenant-key-facts-${{ hashFiles('keys/**') }}",
      "restore-keys": "auth0-tenant-key-facts-",
    });
  });
});
