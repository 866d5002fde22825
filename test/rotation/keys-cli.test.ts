import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { dump } from "js-yaml";
const stringify = (value: unknown) => dump(value, { lineWidth: -1, skipInvalid: true });
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addKey, keyStatus, KeysError, retireKey, type KeysContext } from "../../src/keys/commands";
import { UsageError } from "../../src/errors";
import { deployedSources } from "../../src/keys/deployed";
import { cli } from "../support/cli";
import { planStack } from "../../src/plan";
import { keyPool } from "../support/key-pool";
import { gitEnv } from "../support/git-repo";
import { acmeRoot, projectRoot, tempProject, validTenant } from "../support/temp-project";

const NOW = new Date("2026-11-22T12:00:00Z");
const runFile = promisify(execFile);
const pool = keyPool(12);
let project: ReturnType<typeof tempProject>;
let home: string;
let ctx: KeysContext;

const STACK_HEADER = "# dev tenant: comments must survive edits\n";

beforeAll(() => undefined);
beforeEach(() => {
  pool.reset();
  project = tempProject();
  home = mkdtempSync(path.join(tmpdir(), "keys-home-"));
  const tenant = validTenant();
  tenant.applications.pair = {
    type: "m2m",
    credentials: [
      { name: "pair-old", publicKey: "keys/payments-2026-q2.pem", expiresAt: "2027-01-31T00:00:00Z" },
      { name: "pair-new", publicKey: "keys/payments-2026-q4.pem", expiresAt: "2027-12-31T00:00:00Z" },
    ],
  };
  writeFileSync(
    path.join(project.root, "Pulumi.dev.yaml"),
    STACK_HEADER + stringify({ config: { "auth0:domain": "t.eu.auth0.com", "auth0-tenant:tenant": tenant } }),
  );
  copyFileSync(path.join(project.root, "Pulumi.dev.yaml"), path.join(project.root, "Pulumi.other.yaml"));
  ctx = { dir: project.root, stack: "dev", now: NOW, configHome: home, generate: () => pool.next(), deployed: { sources: [], notes: [] } };
});
afterEach(() => {
  project.cleanup();
  rmSync(home, { recursive: true, force: true });
});

/** Every file of the project and the key home, with contents: to prove a refused command wrote nothing. */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, label: string) => {
    for (const f of readdirSync(dir)) {
      const full = path.join(dir, f);
      if (statSync(full).isDirectory()) walk(full, `${label}/${f}`);
      else out[`${label}/${f}`] = readFileSync(full, "latin1");
    }
  };
  walk(project.root, "project");
  walk(home, "home");
  return out;
}

async function refused(run: () => Promise<unknown>, text: string | RegExp, kind: new (...args: never[]) => Error = KeysError) {
  const before = snapshot();
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(kind);
  if (typeof text === "string") expect((error as Error).message).toContain(text);
  else expect((error as Error).message).toMatch(text);
  expect(snapshot()).toEqual(before);
}

describe("keys new / rotate", () => {
  it("writes the private key outside the repo (0600), the public key under keys/, and the credential into the stack", async () => {
    const r = await addKey(ctx, "rotate", "billing", { expires: "90d", alg: "PS256", bits: "2048" });
    const privatePath = path.join(home, "auth0-tenant/dev/billing-dev-2026-11-22.pem");
    expect(readFileSync(privatePath, "utf8").startsWith(`-----BEGIN ${"PRIVATE"} KEY-----`)).toBe(true);
    expect(statSync(privatePath).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(project.root, "keys/billing-dev-2026-11-22.pem"), "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const stack = readFileSync(path.join(project.root, "Pulumi.dev.yaml"), "utf8");
    expect(stack.startsWith(STACK_HEADER)).toBe(true);
    expect(stack).toContain('expiresAt: "2027-02-20T12:00:00.000Z"');
    expect(r.lines.join("\n")).toContain("move the workload to billing-dev-2026-11-22");
    const plan = await planStack(project.root, "dev", NOW);
    expect(plan.ok && plan.plan.spec.applications.billing!.credentials!.map((c) => c.name)).toEqual([
      "billing-1",
      "billing-dev-2026-11-22",
    ]);
    expect(plan.ok && plan.plan.spec.applications.billing!.credentials![1]!.algorithm).toBe("PS256");
  });

  it("--dry-run prints the snippet and writes nothing", async () => {
    const before = snapshot();
    const r = await addKey(ctx, "new", "billing", { dryRun: true, name: "billing-next" });
    expect(r.lines.join("\n")).toContain("- name: billing-next\n  publicKey: keys/billing-next.pem");
    expect(snapshot()).toEqual(before);
  });

  it("after a rotation with a short --expires, the next one advises retiring the older key, not the one just added", async () => {
    await addKey(ctx, "rotate", "billing", { name: "billing-short", expires: "30d" });
    await refused(() => addKey(ctx, "rotate", "billing", {}), "Retire one first (the older is billing-1)");
  });

  it("refuses a third slot and names the credential to retire first, with a command that works from here", async () => {
    await refused(
      () => addKey(ctx, "rotate", "pair", {}),
      "already uses both credential slots (pair-old, pair-new); Auth0 allows 2. Retire one first (the older is pair-old)",
    );
    // The project is not this process's current directory, so the command names it.
    await refused(
      () => addKey(ctx, "rotate", "pair", {}),
      `npx auth0-tenant keys retire pair pair-old --stack dev --dir ${project.root}, deploy`,
    );
  });

  it("refuses an --out inside the repository", () =>
    refused(
      () => addKey(ctx, "new", "billing", { out: path.join(project.root, "secrets/billing.pem") }),
      "is inside the repository; private keys never enter it",
    ));

  it("refuses an --out elsewhere in the git repository that holds the project (a monorepo)", async () => {
    const mono = mkdtempSync(path.join(tmpdir(), "keys-mono-"));
    try {
      const dir = path.join(mono, "infra");
      cpSync(project.root, dir, { recursive: true });
      execFileSync("git", ["init", "-q", "-b", "main"], { cwd: mono, env: gitEnv });
      const beside = path.join(mono, "billing.pem");
      const error = await addKey({ ...ctx, dir }, "new", "billing", { out: beside }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeysError);
      expect((error as Error).message).toContain(
        `--out ${beside} is inside the repository; private keys never enter it (choose a path outside ${mono})`,
      );
      expect(existsSync(beside)).toBe(false);
    } finally {
      rmSync(mono, { recursive: true, force: true });
    }
  });

  it("refuses an unknown app with a suggestion", () =>
    // A usage error (exit 2, with the command's usage), as for token, login and action.
    refused(
      () => addKey(ctx, "new", "biling", {}),
      'unknown application "biling" in Pulumi.dev.yaml (did you mean "billing"?',
      UsageError,
    ));
  it("refuses an unknown stack, listing the stacks", () =>
    refused(
      () => addKey({ ...ctx, stack: "staging" }, "new", "billing", {}),
      'unknown stack "staging": Pulumi.staging.yaml not found (stacks: dev, other)',
    ));
  it("refuses a duplicate credential name", () =>
    refused(() => addKey(ctx, "new", "billing", { name: "billing-1" }), 'already has a credential named "billing-1"'));
  it("refuses a bad --expires", () =>
    refused(
      () => addKey(ctx, "new", "billing", { expires: "soon" }),
      "--expires soon is not allowed (allowed: a number of days such as 90d",
      UsageError,
    ));
  it("refuses an --expires in the past", () =>
    refused(() => addKey(ctx, "new", "billing", { expires: "2026-01-01" }), "--expires 2026-01-01 is in the past", UsageError));
  it("refuses --bits 1024", () =>
    refused(() => addKey(ctx, "new", "billing", { bits: "1024" }), "--bits 1024 is not allowed (allowed: 2048, 3072, 4096)", UsageError));
  it("refuses --alg ES256", () =>
    refused(
      () => addKey(ctx, "new", "billing", { alg: "ES256" }),
      "--alg ES256 is not allowed (allowed: RS256, RS384, PS256)",
      UsageError,
    ));
  it("rotate needs an existing credential", () =>
    refused(() => addKey(ctx, "rotate", "portal", {}), "has no credential to rotate; use `keys new portal`"));
});

describe("keys add (an existing public key)", () => {
  const fixture = (f: string) => path.join(projectRoot, "test/fixtures", f);
  it("refuses a private key and never copies it into the repository", async () => {
    await refused(
      () => addKey(ctx, "add", "billing", { publicKey: fixture("invalid/private-key.pem") }),
      "holds a PRIVATE key; only the public half belongs in keys/",
    );
    const keyFiles = readdirSync(path.join(project.root, "keys")).filter((f) => statSync(path.join(project.root, "keys", f)).isFile());
    expect(keyFiles.some((f) => readFileSync(path.join(project.root, "keys", f), "utf8").includes("PRIVATE KEY"))).toBe(false);
  });
  it("refuses a truncated PEM", async () => {
    const truncated = path.join(home, "trunc.pem");
    writeFileSync(truncated, readFileSync(path.join(acmeRoot, "keys/billing-2026-q3.pem"), "utf8").slice(0, 200));
    await refused(() => addKey(ctx, "add", "billing", { publicKey: truncated }), "truncated");
  });
  it("refuses an EC key", () =>
    refused(
      () => addKey(ctx, "add", "billing", { publicKey: fixture("keys/ec-p256.pem") }),
      "is a EC key (allowed: RSA keys of 2048 to 4096 bits)",
    ));
  it("refuses a 1024-bit key", () =>
    refused(() => addKey(ctx, "add", "billing", { publicKey: fixture("keys/rsa-1024.pem") }), "RSA key of 1024 bits"));
  it("refuses an expired certificate", () =>
    refused(() => addKey(ctx, "add", "billing", { publicKey: fixture("keys/expired.crt") }), "the certificate expired on 2021-01-01"));
  it("registers a valid certificate", async () => {
    await addKey(ctx, "add", "billing", {
      publicKey: path.join(acmeRoot, "keys/reporting-2026.crt"),
      name: "billing-cert",
      expires: "2028-01-01",
    });
    expect(readFileSync(path.join(project.root, "keys/billing-cert.pem"), "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});

describe("keys retire", () => {
  it("refuses to retire an app's last credential", () =>
    refused(() => retireKey(ctx, "billing", "billing-1"), "is the last credential of billing; retiring it would lock the application out"));
  it("refuses an unknown credential, listing the app's credentials", () =>
    refused(() => retireKey(ctx, "pair", "pair-x"), 'has no credential "pair-x" in Pulumi.dev.yaml (credentials: pair-old, pair-new)'));

  it("removes the credential, and keeps a key file another stack still uses", async () => {
    const r = await retireKey(ctx, "pair", "pair-old");
    expect(r.lines).toContain("kept keys/payments-2026-q2.pem: still used by Pulumi.other.yaml");
    const plan = await planStack(project.root, "dev", NOW);
    expect(plan.ok && plan.plan.spec.applications.pair!.credentials!.map((c) => c.name)).toEqual(["pair-new"]);
  });

  it("removes the key file once no stack uses it", async () => {
    rmSync(path.join(project.root, "Pulumi.other.yaml"));
    const r = await retireKey(ctx, "pair", "pair-old");
    expect(r.removed).toEqual(["keys/payments-2026-q2.pem"]);
    expect(existsSync(path.join(project.root, "keys/payments-2026-q2.pem"))).toBe(false);
  });
});

describe("keys status", () => {
  it("reports bits, thumbprint, days left and state within the window", async () => {
    const rows = await keyStatus({ ...ctx, now: new Date("2027-01-10T00:00:00Z") }, 30);
    const old = rows.find((r) => r.name === "pair-old")!;
    expect(old).toMatchObject({ app: "pair", bits: 2048, daysLeft: 21, state: "expiring" });
    expect(old.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(rows.find((r) => r.name === "pair-new")!.state).toBe("active");
    const later = await keyStatus({ ...ctx, now: new Date("2027-02-10T00:00:00Z") }, 30);
    expect(later.find((r) => r.name === "pair-old")!.state).toBe("expired");
  });

  it("the CLI prints a table, and --fail-on expiring gates CI", async () => {
    const ok = await cli(["keys", "status", "--dir", project.root, "--window", "30"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/pair\s+pair-old\s+RS256\s+2048/);
    const failed = await cli(["keys", "status", "--dir", project.root, "--window", "365", "--fail-on", "expiring"]);
    expect(failed.code).toBe(1);
    const usage = await cli(["keys", "status", "--dir", project.root, "--window", "400"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--window 400: a whole number of days (0 to 365)");
  });
});

describe("each step is checked against the last deployment and the last commit, not only the working tree", () => {
  const git = (...args: string[]) =>
    require("node:child_process").execFileSync("git", args, { cwd: project.root, env: gitEnv, stdio: "pipe" });
  const noPulumi = async () => {
    throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
  };
  const sources = (extra: Partial<Parameters<typeof deployedSources>[0]> = {}) =>
    deployedSources({ dir: project.root, stack: "dev", now: NOW, pulumi: noPulumi, ...extra });

  it("rotate, then retire the old key, in one uncommitted change: the second step is refused against git HEAD", async () => {
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-qm", "base");
    ctx.deployed = await sources();
    expect(ctx.deployed.sources.map((s) => s.source)).toEqual(["last commit (git HEAD)"]);
    expect(ctx.deployed.notes).toEqual([
      "last deployment not checked: the Pulumi CLI is not installed (pass --previous <pulumi stack output --json file>)",
    ]);
    await addKey(ctx, "rotate", "billing", {});
    const before = snapshot();
    await expect(retireKey(ctx, "billing", "billing-1")).rejects.toThrow(
      /refused against last commit \(git HEAD\), nothing was written:[\s\S]*replaces every credential at once/,
    );
    expect(snapshot()).toEqual(before);
  });

  it("the last deployment from --previous (pulumi stack output --json) refuses what the files alone allow", async () => {
    const file = path.join(home, "outputs.json");
    // Deployed: only a key the stack file no longer has (someone retired it without deploying the rotation).
    writeFileSync(
      file,
      JSON.stringify({
        applications: { billing: { credentials: [{ name: "deployed-only", thumbprint: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }] } },
      }),
    );
    ctx.deployed = await sources({ previousFile: file });
    expect(ctx.deployed.sources[0]!.source).toBe(`last deployment (${file})`);
    await expect(addKey(ctx, "rotate", "billing", {})).rejects.toThrow(
      new RegExp(`refused against last deployment \\(${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\)`),
    );
  });

  it("the last deployment from --previous (pulumi stack export) is read from its stack outputs, not silently empty", async () => {
    const file = path.join(home, "state.json");
    const outputs = {
      applications: { billing: { credentials: [{ name: "deployed-only", thumbprint: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }] } },
    };
    const stackUrn = "urn:pulumi:dev::acme::pulumi:pulumi:Stack::acme-dev";
    writeFileSync(
      file,
      JSON.stringify({ version: 3, deployment: { resources: [{ urn: stackUrn, type: "pulumi:pulumi:Stack", outputs }] } }),
    );
    ctx.deployed = await sources({ previousFile: file });
    expect(ctx.deployed.sources[0]!.previous).toMatchObject({
      billing: [{ name: "deployed-only", thumbprint: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
    });
    await expect(addKey(ctx, "rotate", "billing", {})).rejects.toThrow(/refused against last deployment/);
  });

  it("asks the Pulumi CLI for the stack's outputs when it is there", async () => {
    const calls: string[][] = [];
    const result = await sources({
      pulumi: async (args) => {
        calls.push(args);
        return JSON.stringify({ applications: { billing: { credentials: [{ name: "b", thumbprint: "t", algorithm: "RS256" }] } } });
      },
    });
    expect(calls).toEqual([["stack", "output", "--json", "--stack", "dev"]]);
    expect(result.sources[0]).toEqual({
      source: "last deployment (pulumi stack output --stack dev)",
      previous: { billing: [{ name: "b", thumbprint: "t", expiresAt: null, algorithm: "RS256" }] },
    });
    expect(result.notes).toEqual(["last commit not checked: not a git repository (or no commit yet)"]);
  });
});

describe("edits change only the lines they must", () => {
  it.each(["dev", "prod"])(
    "keys rotate on the example stack %s adds exactly the credential's lines, every other byte unchanged",
    async (stack) => {
      const original = readFileSync(path.join(acmeRoot, `Pulumi.${stack}.yaml`), "utf8");
      copyFileSync(path.join(acmeRoot, "tenant.yaml"), path.join(project.root, "tenant.yaml"));
      writeFileSync(path.join(project.root, `Pulumi.${stack}.yaml`), original);
      for (const f of readdirSync(path.join(acmeRoot, "keys")))
        copyFileSync(path.join(acmeRoot, "keys", f), path.join(project.root, "keys", f));
      await addKey({ ...ctx, stack }, "rotate", "billing", { name: "billing-next" });
      const edited = readFileSync(path.join(project.root, `Pulumi.${stack}.yaml`), "utf8").split("\n");
      const before = original.split("\n");
      expect(edited.length - before.length).toBe(4);
      const at = edited.findIndex((l) => l.trim() === "- name: billing-next");
      expect(edited.slice(at, at + 4).map((l) => l.trim())).toEqual([
        "- name: billing-next",
        "publicKey: keys/billing-next.pem",
        "algorithm: RS256",
        expect.stringMatching(/^expiresAt: "\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z"$/),
      ]);
      // Removing the added lines gives back the original file, byte for byte.
      expect([...edited.slice(0, at), ...edited.slice(at + 4)].join("\n")).toBe(original);
    },
  );
});

describe("two runs on one stack never lose an update", () => {
  it("concurrent rotate runs: one succeeds, the other is refused and leaves nothing behind", async () => {
    const home2 = mkdtempSync(path.join(tmpdir(), "keys-home-"));
    const cli = (h: string) =>
      runFile(process.execPath, ["cli/auth0-tenant.mjs", "keys", "rotate", "billing", "--dir", project.root, "--stack", "dev"], {
        cwd: projectRoot,
        env: { ...process.env, XDG_CONFIG_HOME: h },
      }).then(
        (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
      );
    const results = await Promise.all([cli(home), cli(home2)]);
    const ok = results.filter((r) => r.code === 0);
    const refused = results.filter((r) => r.code !== 0);
    // Both may succeed one after the other only if the second saw the first's change; it then refuses the third slot.
    expect(ok.length).toBe(1);
    expect(refused[0]!.err).toMatch(
      /another keys command is changing Pulumi\.dev\.yaml right now; nothing was written|already uses both credential slots/,
    );
    const text = readFileSync(path.join(project.root, "Pulumi.dev.yaml"), "utf8");
    const names = [...text.matchAll(/- name: (billing-dev-[\d-]+)/g)].map((m) => m[1]);
    expect(names).toHaveLength(1);
    // exactly one new public key, and one private key in one of the two homes
    expect(readdirSync(path.join(project.root, "keys")).filter((f) => f.startsWith("billing-dev-"))).toEqual([`${names[0]}.pem`]);
    const privates = [home, home2].flatMap((h) =>
      existsSync(path.join(h, "auth0-tenant/dev")) ? readdirSync(path.join(h, "auth0-tenant/dev")) : [],
    );
    expect(privates).toEqual([`${names[0]}.pem`]);
    expect(existsSync(path.join(project.root, "Pulumi.dev.yaml.lock"))).toBe(false);
    rmSync(home2, { recursive: true, force: true });
  });

  it("a stack file changed while the command runs is not overwritten, and the new key files are removed", async () => {
    const before = snapshot();
    const file = path.join(project.root, "Pulumi.dev.yaml");
    const edited = readFileSync(file, "utf8") + "# edited by someone else\n";
    const generate = async () => {
      writeFileSync(file, edited);
      return pool.next();
    };
    await expect(addKey({ ...ctx, generate }, "rotate", "billing", {})).rejects.toThrow(
      "Pulumi.dev.yaml changed while this command ran; nothing was written",
    );
    expect(snapshot()).toEqual({ ...before, "project/Pulumi.dev.yaml": edited });
  });
});
