import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { directoryReader } from "../../src/config/files";
import { gitRevision } from "../../src/review/git";
import { cli } from "../support/cli";
import { gitEnv, throwawayRepo } from "../support/git-repo";
import { rsaPublicKeyOfBits } from "../support/rsa-keys";

let repo: ReturnType<typeof throwawayRepo>;
beforeAll(() => {
  repo = throwawayRepo();
});
afterEach(() => repo.reset());
afterAll(() => repo.cleanup());

async function review(...args: string[]) {
  const r = await cli(["review", "--dir", repo.dir, "--base", "main", ...args]);
  return {
    code: r.code,
    out: r.stdout,
    err: r.stderr,
    json: () =>
      JSON.parse(r.stdout) as {
        stacks: { stack: string; status: string; changes: { risk: string; kind: string; text: string; details?: string[] }[] }[];
      },
  };
}

/** The prod overlay's billing entry, where a prod-only grant goes. */
const PROD_BILLING = "      billing:\n";
const prodBillingGrant = (scopes: string) => `      billing:\n        grants:\n          orders-api: [${scopes}]\n`;

describe("npm run review", () => {
  it("reports nothing when nothing changed, and exits 0", async () => {
    const r = await review();
    expect(r.code).toBe(0);
    expect(r.out).toContain("No auth changes.");
  });

  it("scenario: billing gains orders:delete in prod and an action is edited: one HIGH line at the top, code change listed, nothing secret", async () => {
    const CANARY = "canary-9d2f-never-print";
    repo.edit("Pulumi.prod.yaml", PROD_BILLING, prodBillingGrant("orders:read, orders:write, orders:delete"));
    repo.edit(
      "Pulumi.prod.yaml",
      "  auth0:domain: acme.eu.auth0.com\n",
      `  auth0:domain: acme.eu.auth0.com\n  auth0:clientAssertionPrivateKey:\n    secure: v1:${CANARY}\n  auth0-tenant:billingApiKey:\n    secure: v1:${CANARY}\n`,
    );
    repo.write(
      "Pulumi.prod.yaml",
      repo.read("Pulumi.prod.yaml") +
        "    actions:\n      client-claims:\n        secrets:\n          API_KEY: { config: billingApiKey }\n",
    );
    repo.edit(
      "actions/client-claims.ts",
      "if (value !== undefined) api.accessToken",
      'if (value !== undefined && value !== "") api.accessToken',
    );
    const r = await review("--stack", "prod", "--fail-on", "high");
    expect(r.code).toBe(1);
    const summary = r.out.split("\n").filter((l) => l.startsWith("- **"));
    expect(summary[0]).toBe("- **HIGH** prod: billing gains orders:delete on orders-api");
    expect(r.out).toMatch(/\*\*HIGH\*\* prod: client-claims code changes: bundle [0-9a-f]{12} → [0-9a-f]{12}/);
    expect(r.out).toContain("actions/client-claims.ts +1 -1");
    expect(r.out).toContain("client-claims secrets: none → API_KEY (values are never shown)");
    expect(r.out).not.toContain(CANARY);
    const json = await review("--stack", "prod", "--format", "json");
    expect(json.out).not.toContain(CANARY);
    expect(json.json().stacks[0]!.changes[0]).toMatchObject({
      risk: "high",
      kind: "grant.scope-gained",
      text: "billing gains orders:delete on orders-api",
    });
  });

  it("the same grant in dev is medium, and a read-only scope is low (--fail-on sets the exit code)", async () => {
    repo.edit(
      "Pulumi.dev.yaml",
      "      billing:\n",
      "      billing:\n        grants:\n          orders-api: [orders:read, orders:write, orders:delete]\n          reports-api: [reports:read]\n",
    );
    const r = await review("--stack", "dev", "--format", "json");
    const changes = r.json().stacks[0]!.changes;
    expect(changes).toContainEqual(expect.objectContaining({ risk: "medium", text: "billing gains orders:delete on orders-api" }));
    expect(changes).toContainEqual(expect.objectContaining({ risk: "low", text: "billing gains reports:read on reports-api" }));
    expect((await review("--stack", "dev", "--fail-on", "high")).code).toBe(0);
    expect((await review("--stack", "dev", "--fail-on", "medium")).code).toBe(1);
  });

  it("applications added and removed; a removed app's protected resources are called out in prod", async () => {
    repo.write("Pulumi.prod.yaml", repo.read("Pulumi.prod.yaml") + "      web-portal: null\n");
    const r = await review("--stack", "prod", "--format", "json");
    const texts = r.json().stacks[0]!.changes.map((c) => `${c.risk} ${c.text}`);
    expect(texts).toContain("high application web-portal (regular_web) is removed: its clients lose access");
    expect(texts).toContain(
      "high deletes protected Client web-portal: pulumi up will refuse until it is unprotected (pulumi state unprotect)",
    );
  });

  it("API scopes removed name the grants that relied on them; API identifier changes are high", async () => {
    repo.edit("tenant.yaml", "      reports:export: Export reports as files\n", "");
    repo.edit("tenant.yaml", "reports-api: [reports:read, reports:export]", "reports-api: [reports:read]");
    repo.edit("tenant.yaml", "identifier: https://orders.acme.example", "identifier: https://orders.v2.acme.example");
    const texts = (await review("--stack", "dev", "--format", "json")).json().stacks[0]!.changes.map((c) => `${c.risk} ${c.text}`);
    expect(texts).toContain("low API reports-api loses scope reports:export (was granted to reporting)");
    expect(texts).toContain("low reporting loses reports:export on reports-api");
    expect(texts).toContain(
      "high API orders-api changes identifier https://orders.acme.example → https://orders.v2.acme.example: the API is replaced and every token audience changes",
    );
  });

  it("a renamed key is a deletion and a re-creation on a deployed stack: said for apps and APIs, high in prod", async () => {
    repo.edit("tenant.yaml", /^  reporting:$/m, "  reports-service:");
    for (const f of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"]) repo.edit(f, /^      reporting:$/m, "      reports-service:");
    for (const f of ["tenant.yaml", "Pulumi.prod.yaml"]) repo.edit(f, /reports-api:/g, "reports:");
    const texts = (stack: string) =>
      review("--stack", stack, "--format", "json").then((r) => r.json().stacks[0]!.changes.map((c) => `${c.risk} ${c.kind} ${c.text}`));
    const prod = await texts("prod");
    expect(prod).toContain(
      "high resource.replaced application reporting is renamed reports-service: Pulumi deletes the deployed one and creates another (a new client_id; its callers, keys and grants must follow); to rename only what people see, keep the key and change name",
    );
    expect(prod).toContain(
      "high resource.replaced API reports-api is renamed reports: Pulumi deletes the deployed one and creates another (Auth0 refuses a second API with the same identifier while the old one exists, so the deployment fails half-way); to rename only what people see, keep the key and change name",
    );
    expect((await texts("dev")).filter((t) => t.includes("resource.replaced")).map((t) => t.split(" ")[0])).toEqual(["medium", "medium"]);
  });

  it("credentials: a key added (with thumbprint) and a key retired; swapping every key at once is a HIGH unsafe rotation", async () => {
    const publicKey = rsaPublicKeyOfBits(2048);
    repo.write("keys/billing-2027.pem", publicKey);
    repo.edit(
      "Pulumi.dev.yaml",
      "          - name: billing-2026-q3\n            publicKey: keys/billing-2026-q3.pem",
      "          - name: billing-2027\n            publicKey: keys/billing-2027.pem",
    );
    const changes = (await review("--stack", "dev", "--format", "json")).json().stacks[0]!.changes;
    expect(changes.find((c) => c.kind === "credential.added")!.text).toMatch(
      /^billing: key billing-2027 \(RS256, 2048 bits, thumbprint [A-Za-z0-9_-]{43}, expires 2027-09-30\) is added$/,
    );
    expect(changes.find((c) => c.kind === "credential.retired")!.text).toContain("billing: key billing-2026-q3");
    expect(changes.find((c) => c.kind === "rotation.unsafe")).toMatchObject({
      risk: "high",
      text: expect.stringContaining("replaces every credential at once"),
    });
  });

  it("a key file overwritten in place with another key is a key change (the base reads it from git, not the working tree)", async () => {
    const publicKey = rsaPublicKeyOfBits(2048);
    repo.write("keys/billing-2026-q3.pem", publicKey);
    const changes = (await review("--stack", "dev", "--format", "json")).json().stacks[0]!.changes;
    expect(changes.map((c) => c.kind)).toEqual(expect.arrayContaining(["credential.added", "credential.retired"]));
  });

  it("a web app losing its keys falls back to its Auth0 client secret: HIGH in prod", async () => {
    repo.write(
      "Pulumi.prod.yaml",
      repo.read("Pulumi.prod.yaml") +
        "      web-portal:\n        credentials:\n          - name: portal-1\n            publicKey: keys/billing-2026-q3.pem\n",
    );
    repo.git("checkout", "-qb", "portal-key");
    repo.git("commit", "-qam", "portal gets a key");
    repo.edit(
      "Pulumi.prod.yaml",
      "      web-portal:\n        credentials:\n          - name: portal-1\n            publicKey: keys/billing-2026-q3.pem\n",
      "",
    );
    const changes = (await review("--base", "HEAD", "--stack", "prod", "--format", "json")).json().stacks[0]!.changes;
    expect(changes.find((c) => c.kind === "credential.method-reverted")).toMatchObject({
      risk: "high",
      text: "web-portal keeps existing but loses every key: it falls back to client_secret_post with the secret Auth0 generated for it",
    });
    repo.git("checkout", "-qf", "main");
  });

  it("claims: a mapping change, a metadata change and a binding order change, in plain words", async () => {
    repo.edit("tenant.yaml", "from: client.metadata.tier", "from: client.metadata.tenant_id");
    repo.edit("tenant.yaml", "  post-login: [login-claims]", "  post-login: []");
    const texts = (await review("--stack", "dev", "--format", "json")).json().stacks[0]!.changes.map((c) => c.text);
    expect(texts).toContain(
      "credentials-exchange: client-claims claim https://acme.example/tier on the access token now comes from client.metadata.tenant_id (was client.metadata.tier)",
    );
    expect(texts).toContain('billing: access tokens change https://acme.example/tier "gold" → "acme"');
    expect(texts).toContain("post-login runs no actions (was login-claims)");
  });

  it("an invalid spec in the working tree is reported with its errors and fails the review", async () => {
    repo.edit(
      "Pulumi.dev.yaml",
      "      billing:\n",
      "      billing:\n        grants:\n          orders-api: [orders:read, orders:purge]\n",
    );
    const r = await review("--stack", "dev");
    expect(r.code).toBe(1);
    expect(r.out).toContain("- **INVALID** dev: the spec has errors");
    expect(r.out).toContain(
      'Pulumi.dev.yaml (stack overlay): applications.billing.grants.orders-api[1]: scope "orders:purge" is not defined on API orders-api',
    );
  });

  it("a change to the shared definition is reviewed in every stack that extends it", async () => {
    repo.edit("tenant.yaml", "orders-api: [orders:read, orders:write]", "orders-api: [orders:read, orders:write, orders:delete]");
    const r = await review("--all-stacks", "--format", "json");
    const gains = r.json().stacks.map((st) => [st.stack, st.changes.find((c) => c.kind === "grant.scope-gained")?.risk]);
    expect(gains).toEqual([
      ["dev", "medium"],
      ["prod", "high"],
    ]);
  });

  it("stacks added and removed", async () => {
    repo.write("Pulumi.staging.yaml", repo.read("Pulumi.dev.yaml"));
    rmSync(path.join(repo.dir, "Pulumi.prod.yaml"));
    const r = (await review("--all-stacks", "--format", "json")).json();
    expect(r.stacks.map((s) => `${s.stack}:${s.status}`)).toEqual(["dev:unchanged", "prod:removed", "staging:added"]);
    expect(r.stacks.find((s) => s.stack === "prod")!.changes[0]).toMatchObject({ risk: "high", kind: "stack.removed" });
  });

  it("is deterministic", async () => {
    repo.edit("Pulumi.prod.yaml", PROD_BILLING, prodBillingGrant("orders:read"));
    const a = await review();
    const b = await review();
    expect(a.out).toBe(b.out);
  });

  it("usage errors exit 2 with the reason and the usage", async () => {
    const noBase = await cli(["review", "--dir", repo.dir]);
    expect(noBase.code).toBe(2);
    expect(noBase.stderr).toContain("error: required option '--base <ref>' not specified");
    const bad = await review("--fail-on", "low");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("error: option '--fail-on <level>' argument 'low' is invalid. Allowed choices are high, medium.");
    const ref = await review("--base", "no-such-ref");
    expect(ref.code).toBe(2);
    expect(ref.err).toContain("--base no-such-ref: not a commit");
    expect(ref.err).toContain("(see `auth0-tenant review --help`)");
    const qa = await review("--stack", "qa");
    expect(qa.code).toBe(2);
    expect(qa.err).toContain("--stack qa: no Pulumi.qa.yaml");
    const missing = await cli(["review", "--dir", path.join(repo.dir, "no-such-dir"), "--base", "main"]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining("no-such-dir: no such directory")]);
    const outside = mkdtempSync(path.join(tmpdir(), "not-a-repo-"));
    try {
      const notGit = await cli(["review", "--dir", outside, "--base", "main"]);
      expect([notGit.code, notGit.stderr]).toEqual([2, expect.stringContaining(`--dir ${outside}: not inside a git repository`)]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe("the base revision reads files unchanged since it through the working tree", () => {
  /** The working tree's reader, as the review gives it. */
  const tree = (dir: string) => directoryReader(dir);
  /**
   * A repository with the project below its root (`below`, e.g. infra/auth0), holding copies of `files` from the
   * throwaway repository; `prepare` runs before the first commit.
   */
  function nestedRepository(below: string[], files: string[], prepare: (project: string, top: string) => void = () => undefined) {
    const top = mkdtempSync(path.join(tmpdir(), "review-nested-"));
    const project = path.join(top, ...below);
    mkdirSync(project, { recursive: true });
    for (const f of files) cpSync(path.join(repo.dir, f), path.join(project, f), { recursive: true });
    const git = (...args: string[]) => execFileSync("git", args, { cwd: top, encoding: "utf8", env: gitEnv });
    git("init", "-q", "-b", "main");
    prepare(project, top);
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    return { top, project, git, cleanup: () => rmSync(top, { recursive: true, force: true }) };
  }
  /** Removes the loose object of a file's committed blob: a read that still succeeds came from the working tree. */
  const dropBlob = (f: string) => {
    const id = repo.git("rev-parse", `HEAD:${f}`).trim();
    rmSync(path.join(repo.dir, ".git/objects", id.slice(0, 2), id.slice(2)));
  };

  it("an unchanged file comes from the working tree; a changed, renamed or linked one from git", async () => {
    symlinkSync("billing-2026-q3.pem", path.join(repo.dir, "keys/link.pem"));
    repo.git("add", "-A");
    repo.git("commit", "-q", "-m", "a link");
    try {
      const committed = (f: string) => repo.git("show", `HEAD:${f}`);
      const prod = committed("Pulumi.prod.yaml");
      const devBefore = committed("Pulumi.dev.yaml");
      const payments = committed("keys/payments-2026-q2.pem");
      dropBlob("Pulumi.prod.yaml");
      repo.edit("Pulumi.dev.yaml", /^/, "# edited\n");
      renameSync(path.join(repo.dir, "keys/payments-2026-q2.pem"), path.join(repo.dir, "keys/reporting-renamed.pem"));
      const base = await gitRevision(repo.dir, "HEAD", { workingTree: tree(repo.dir) });
      expect(await base.readFile("Pulumi.prod.yaml")).toBe(prod); // its blob is gone: read from the working tree
      expect(await base.readFile("Pulumi.dev.yaml")).toBe(devBefore);
      expect(await base.readFile("keys/payments-2026-q2.pem")).toBe(payments);
      expect(await base.readFile("keys/link.pem")).toBe("billing-2026-q3.pem"); // a link's blob is its target
      expect(await base.readFile("keys/reporting-renamed.pem")).toBeUndefined(); // not in the revision
    } finally {
      repo.git("reset", "-q", "--hard", "HEAD~1");
    }
  });

  // git's index can call a changed file unchanged; the review compares the bytes' blob id instead.
  it.each([
    ["assume-unchanged", ["update-index", "--assume-unchanged", "keys/prod-billing-2026-q3.pem"]],
    ["skip-worktree", ["update-index", "--skip-worktree", "keys/prod-billing-2026-q3.pem"]],
  ])("a key swapped in place and flagged %s is still a key change", async (_, flag) => {
    try {
      copyFileSync(path.join(repo.dir, "keys/billing-2026-q3.pem"), path.join(repo.dir, "keys/prod-billing-2026-q3.pem"));
      repo.git(...flag);
      const r = await review("--stack", "prod", "--format", "json");
      expect(r.json().stacks[0]!.status).not.toBe("unchanged");
    } finally {
      repo.git("update-index", "--no-assume-unchanged", "--no-skip-worktree", "keys/prod-billing-2026-q3.pem");
    }
  });

  it("a project whose path has spaces, non-ASCII letters or pathspec magic still lists the revision's stacks", async () => {
    const nested = nestedRepository(
      ["my infra", ":(exclude)ünï"],
      [...["Pulumi.yaml", "tenant.yaml", "Pulumi.dev.yaml", "keys", "actions"], "Pulumi.prod.yaml"],
    );
    try {
      rmSync(path.join(nested.project, "Pulumi.prod.yaml"));
      const r = JSON.parse((await cli(["review", "--dir", nested.project, "--base", "main", "--format", "json"])).stdout);
      expect(r.stacks.map((s: { stack: string; status: string }) => `${s.stack} ${s.status}`)).toEqual(["dev unchanged", "prod removed"]);
    } finally {
      nested.cleanup();
    }
  });

  it("actions' packages come from the project's node_modules, whatever the current directory; a directory without stacks is a usage error", async () => {
    const nested = nestedRepository(
      ["infra", "auth0"],
      ["Pulumi.yaml", "tenant.yaml", "Pulumi.dev.yaml", "keys", "actions"],
      (project, top) => {
        writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "p", dependencies: { tinypkg: "1.0.0" } }));
        mkdirSync(path.join(project, "node_modules/tinypkg"), { recursive: true });
        writeFileSync(
          path.join(project, "node_modules/tinypkg/package.json"),
          JSON.stringify({ name: "tinypkg", version: "1.0.0", main: "index.js" }),
        );
        writeFileSync(path.join(project, "node_modules/tinypkg/index.js"), 'exports.tag = "t";\n');
        writeFileSync(path.join(top, ".gitignore"), "node_modules/\n");
        const action = path.join(project, "actions/client-claims.ts");
        writeFileSync(action, `import { tag } from "tinypkg";\nvoid tag;\n${readFileSync(action, "utf8")}`);
      },
    );
    try {
      // This process's current directory is the repository of the tests, whose node_modules has no tinypkg.
      const reviewed = await cli(["review", "--dir", nested.project, "--base", "main", "--format", "json"]);
      expect(reviewed.code, reviewed.stdout + reviewed.stderr).toBe(0);
      expect(JSON.parse(reviewed.stdout).stacks).toEqual([{ stack: "dev", status: "unchanged", changes: [] }]);
      const atRoot = await cli(["review", "--dir", nested.top, "--base", "main"]);
      expect(atRoot.code).toBe(2);
      expect(atRoot.stderr).toContain(`--dir ${nested.top}: no Pulumi.<stack>.yaml in the working tree or in main`);
    } finally {
      nested.cleanup();
    }
  });

  it("a project below the repository's root is reviewed against its own files (not as every stack added)", async () => {
    // A directory named like the project's own actions/.
    const nested = nestedRepository(["actions", "auth0"], ["Pulumi.yaml", "tenant.yaml", "Pulumi.dev.yaml", "keys", "actions"]);
    try {
      const { project } = nested;
      const unchanged = await cli(["review", "--dir", project, "--base", "main", "--format", "json"]);
      expect(JSON.parse(unchanged.stdout).stacks).toEqual([{ stack: "dev", status: "unchanged", changes: [] }]);
      const text = nested.git("show", "HEAD:actions/auth0/Pulumi.dev.yaml");
      writeFileSync(
        path.join(project, "Pulumi.dev.yaml"),
        text.replace("description: Invoices customers from their orders", "description: Bills"),
      );
      const action = path.join(project, "actions/client-claims.ts");
      writeFileSync(action, readFileSync(action, "utf8").replace("if (deny) {", "if (deny && deny.code) {"));
      const changed = JSON.parse((await cli(["review", "--dir", project, "--base", "main", "--format", "json"])).stdout);
      expect(changed.stacks[0]).toMatchObject({ stack: "dev", status: "changed" });
      const code = changed.stacks[0].changes.find((c: { kind: string }) => c.kind === "action.code-changed");
      expect(code?.details).toEqual(["actions/client-claims.ts +1 -1"]);
    } finally {
      nested.cleanup();
    }
  });

  it("in a project below the repository's root (diff.relative set), a changed file comes from git", async () => {
    const nested = nestedRepository(["infra", "auth"], ["Pulumi.dev.yaml"], (_, top) =>
      execFileSync("git", ["config", "diff.relative", "true"], { cwd: top }),
    );
    try {
      writeFileSync(path.join(nested.project, "Pulumi.dev.yaml"), "# edited\n");
      const base = await gitRevision(nested.project, "HEAD", { workingTree: tree(nested.project) });
      expect(await base.readFile("Pulumi.dev.yaml")).toBe(nested.git("show", "HEAD:infra/auth/Pulumi.dev.yaml"));
    } finally {
      nested.cleanup();
    }
  });
});
