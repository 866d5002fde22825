import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { dump } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./support/cli";
import { readJsonObject } from "../src/config/json-file";
import { readRegularFile } from "../src/config/regular-file";
import { addKey } from "../src/keys/commands";
import { planStack } from "../src/plan";
import { tenantProgram } from "../src/program";
import { SpecError, type SpecIssue } from "../src/spec";
import { throwawayRepo } from "./support/git-repo";
import { underMocks } from "./support/mock-runtime";
import { tempProject, validTenant } from "./support/temp-project";

/**
 * Specs, stack files and keys arrive in pull requests and are planned and reviewed next to deploy credentials. Each
 * catalogue below is one class of hostile input; every case asserts the error (code, path, words), that nothing was
 * declared or written, and that the command finished (a bound on completion, not on speed).
 */

const NOW = new Date("2026-11-22T12:00:00Z");
const FINISHES_WITHIN_MS = 15_000;

let project: ReturnType<typeof tempProject>;
let outside: string;
beforeAll(() => {
  project = tempProject();
  outside = mkdtempSync(path.join(tmpdir(), "outside-"));
  writeFileSync(path.join(outside, "secret.pem"), readFileSync(path.join(project.root, "keys/billing-2026-q3.pem")));
  symlinkSync(path.join(outside, "secret.pem"), path.join(project.root, "keys/link-out.pem"));
  symlinkSync("/dev/zero", path.join(project.root, "keys/zero.pem"));
  execFileSync("mkfifo", [path.join(project.root, "keys/fifo.pem")]);
  writeFileSync(path.join(project.root, "keys/huge.pem"), "A".repeat(5 * 1024 * 1024));
});
afterAll(() => {
  project.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

/** Every file under a directory with its size and mode: to prove a refused command wrote nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const full = path.join(d, f);
      const info = statSync(full, { throwIfNoEntry: false });
      if (!info) continue;
      if (info.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = info.isFile() ? `${info.size}:${info.mtimeMs}` : "special";
    }
  };
  walk(dir);
  return out;
}

async function program(tenant: unknown, extra: Record<string, unknown> = {}) {
  const started = Date.now();
  const run = await underMocks({ stack: "dev", config: { "auth0-tenant:tenant": tenant, ...extra } }, () =>
    tenantProgram(project.root, { now: NOW }),
  );
  expect(Date.now() - started).toBeLessThan(FINISHES_WITHIN_MS);
  return run;
}

function expectRefused(run: Awaited<ReturnType<typeof program>>, want: Partial<SpecIssue> & { message?: unknown }) {
  expect(run.error, String(run.error)).toBeInstanceOf(SpecError);
  expect((run.error as SpecError).issues).toContainEqual(expect.objectContaining(want));
  expect(run.registered).toEqual([]);
}

describe("class 1: hangs — every command ends by itself, in bounded time and memory", () => {
  const writeStack = (name: string, text: string) => writeFileSync(path.join(project.root, `Pulumi.${name}.yaml`), text);

  it("a billion-laughs stack file (aliases nested ten deep) is refused naming the file, before anything reads it", async () => {
    let yaml = 'config:\n  auth0-tenant:tenant:\n    apis:\n      a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i <= 10; i++)
      yaml += `      a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(",")}]\n`;
    writeStack("laughs", yaml);
    const started = Date.now();
    await expect(planStack(project.root, "laughs", NOW)).rejects.toThrow(
      /Pulumi\.laughs\.yaml: config\.auth0-tenant:tenant\.apis\.a\d+(\[\d+\])*: YAML aliases expand to more than 2000000 nodes/,
    );
    expect(Date.now() - started).toBeLessThan(FINISHES_WITHIN_MS);
  });

  it("nesting 1000 levels deep is refused", async () => {
    writeStack("deep", `config:\n  auth0-tenant:tenant: ${"[".repeat(1000)}${"]".repeat(1000)}\n`);
    await expect(planStack(project.root, "deep", NOW)).rejects.toThrow(
      /Pulumi\.deep\.yaml: invalid YAML: nesting exceeded maxDepth \(64\)/,
    );
  });

  it("a 10 MB value is quoted in the error as a bounded excerpt", async () => {
    const t = validTenant();
    t.apis["orders-api"].signingAlg = "X".repeat(10 * 1024 * 1024);
    const run = await program(t);
    expectRefused(run, { path: "apis.orders-api.signingAlg", code: "invalid_value" });
    const message = (run.error as SpecError).message;
    expect(message.length).toBeLessThan(2000);
    expect(message).toContain("… (10485762 characters)");
  });

  it("a key so long it cannot be a key is cut in the path too, and a million errors are listed as the first hundred", async () => {
    const t = validTenant();
    for (let i = 0; i < 2000; i++) t.applications.billing.grants[`missing-${i}`] = ["x"];
    t.apis[`${"K".repeat(100_000)}`] = { identifier: "https://k.example" };
    const run = await program(t);
    const error = run.error as SpecError;
    expect(error.issues.length).toBeGreaterThan(2000);
    expect(error.message.split("\n").length).toBeLessThan(110);
    expect(error.message).toMatch(/… and \d+ more/);
    expect(error.message.length).toBeLessThan(40_000);
  });

  it.each([
    ["a FIFO", "keys/fifo.pem", /keys\/fifo\.pem is a FIFO, not a regular file \(allowed: regular files only\)/],
    ["a link to a device", "keys/zero.pem", /keys\/zero\.pem leads outside the project through a symbolic link \(to \/dev\/zero\)/],
    ["a 5 MB file", "keys/huge.pem", /keys\/huge\.pem is 5242880 bytes \(allowed: at most 4194304\)/],
  ])("a key path to %s is refused without reading it", async (_, file, message) => {
    const t = validTenant();
    t.applications.billing.credentials[0].publicKey = file;
    expectRefused(await program(t), {
      path: "applications.billing.credentials[0].publicKey",
      code: "file_unreadable",
      message: expect.stringMatching(message),
    });
  });

  // A file whose content outgrows the size fstat gave (a /proc file reports 0 bytes) is read to its end, and bounded.
  it.runIf(process.platform === "linux")("a file that grows while read is read whole, within the bound", () => {
    const whole = readFileSync("/proc/self/maps", "utf8");
    expect(readRegularFile("/proc/self/maps").split("\n")[0]).toBe(whole.split("\n")[0]);
    expect(readRegularFile("/proc/self/maps").length).toBeGreaterThan(1000);
    expect(() => readRegularFile("/proc/self/maps", 100)).toThrow(/grew beyond 100 bytes while being read/);
  });

  it("an event file that is a FIFO is refused without blocking", async () => {
    await expect(readJsonObject(path.join(project.root, "keys/fifo.pem"), "an event")).rejects.toThrow(/is a FIFO, not a regular file/);
  });
});

describe("class 2: escapes — nothing outside the project is read or written", () => {
  it("a key under keys/ that links outside the repository is refused, naming where it leads", async () => {
    const t = validTenant();
    t.applications.billing.credentials[0].publicKey = "keys/link-out.pem";
    expectRefused(await program(t), {
      path: "applications.billing.credentials[0].publicKey",
      code: "file_unreadable",
      message: expect.stringContaining("keys/link-out.pem leads outside the project through a symbolic link"),
    });
  });

  it.each(["/../../x/y", "../outside", "a/b", "", "x".repeat(101), "dev\nprod"])(
    "--stack %j is not a stack name: plan and keys refuse it and write nothing",
    async (stack) => {
      const before = snapshot(project.root);
      const outsideBefore = snapshot(outside);
      await expect(planStack(project.root, stack, NOW)).rejects.toThrow(
        /is not a stack name \(allowed: 1 to 100 letters, digits, "-", "_" and "\."/,
      );
      await expect(
        addKey({ dir: project.root, stack, now: NOW, deployed: { sources: [], notes: [] }, configHome: outside }, "rotate", "billing", {}),
      ).rejects.toThrow(/is not a stack name/);
      expect(snapshot(project.root)).toEqual(before);
      expect(snapshot(outside)).toEqual(outsideBefore);
    },
  );
});

describe("class 2: escapes — stack files and the key tool's writes", () => {
  const keysCtx = (stack: string) => ({ dir: project.root, stack, now: NOW, deployed: { sources: [], notes: [] }, configHome: outside });

  it("a stack file that links outside the project is refused unread by plan and by the key tool, which writes nothing", async () => {
    writeFileSync(path.join(outside, "Pulumi.out.yaml"), "config:\n  auth0-tenant:tenant:\n    apis: {}\n");
    symlinkSync(path.join(outside, "Pulumi.out.yaml"), path.join(project.root, "Pulumi.out.yaml"));
    try {
      const before = snapshot(project.root);
      const outsideBefore = readFileSync(path.join(outside, "Pulumi.out.yaml"), "utf8");
      await expect(planStack(project.root, "out", NOW)).rejects.toThrow(
        /Pulumi\.out\.yaml leads outside the project through a symbolic link/,
      );
      await expect(addKey(keysCtx("out"), "rotate", "billing", {})).rejects.toThrow(/Pulumi\.out\.yaml leads outside the project/);
      expect(snapshot(project.root)).toEqual(before);
      expect(readFileSync(path.join(outside, "Pulumi.out.yaml"), "utf8")).toBe(outsideBefore);
    } finally {
      rmSync(path.join(project.root, "Pulumi.out.yaml"));
    }
  });

  it.each([
    ["a FIFO", () => execFileSync("mkfifo", [path.join(project.root, "Pulumi.fifo.yaml")]), /is a FIFO, not a regular file/],
    ["a device", () => symlinkSync("/dev/zero", path.join(project.root, "Pulumi.fifo.yaml")), /leads outside the project|is a device/],
  ])("a stack file that is %s: plan and the key tool finish with an error", async (_, make, message) => {
    make();
    try {
      const started = Date.now();
      await expect(planStack(project.root, "fifo", NOW)).rejects.toThrow(message);
      await expect(addKey(keysCtx("fifo"), "rotate", "billing", {})).rejects.toThrow(message);
      expect(Date.now() - started).toBeLessThan(FINISHES_WITHIN_MS);
    } finally {
      rmSync(path.join(project.root, "Pulumi.fifo.yaml"));
    }
  });

  it("keys/ linked outside the project: the key tool refuses to write a public key there", async () => {
    const copy = tempProject();
    const target = mkdtempSync(path.join(tmpdir(), "keys-out-"));
    try {
      rmSync(path.join(copy.root, "keys"), { recursive: true });
      symlinkSync(target, path.join(copy.root, "keys"));
      writeFileSync(
        path.join(copy.root, "Pulumi.dev.yaml"),
        "config:\n  auth0-tenant:tenant:\n    apis: {}\n    applications:\n      billing:\n        type: m2m\n",
      );
      await expect(
        addKey({ dir: copy.root, stack: "dev", now: NOW, deployed: { sources: [], notes: [] }, configHome: outside }, "new", "billing", {}),
      ).rejects.toThrow(/keys\/billing-dev-[\d-]+\.pem leads through keys, a symbolic link/);
      expect(readdirSync(target)).toEqual([]);
    } finally {
      copy.cleanup();
      rmSync(target, { recursive: true, force: true });
    }
  });
});

describe("class 3: silent acceptance — nothing changes what gets deployed without saying so", () => {
  it.each([
    ["null", null],
    ["an empty mapping", {}],
    ["empty maps", { apis: {}, applications: {} }],
    ["only an empty actions map", { actions: {} }],
    ["empty maps and empty triggers", { apis: {}, applications: {}, actions: {}, triggers: { "post-login": [] } }],
  ])("a spec that is %s is refused (pulumi up would empty the tenant)", async (_, tenant) => {
    expectRefused(await program(tenant), {
      path: "(root)",
      code: "required",
      message: expect.stringContaining("write `allowEmpty: true`"),
    });
  });

  it("emptying a tenant on purpose is explicit", async () => {
    const run = await program({ allowEmpty: true });
    expect(run.error).toBeUndefined();
    expect(run.registered.filter((r) => r.type.startsWith("auth0:"))).toEqual([]);
  });

  /** The program receives its config as JSON, where `__proto__` is an own key (JSON.parse); so does js-yaml. */
  const withKey = (at: string, entry: string) => JSON.stringify(validTenant()).replace(at, `${at}${entry},`);
  it.each([
    ["apis", withKey('"apis":{', '"__proto__":{"identifier":"https://p.example"}'), "apis.__proto__"],
    ["applications", withKey('"applications":{', '"__proto__":{"type":"m2m"}'), "applications.__proto__"],
    ["scopes", withKey('"scopes":{', '"__proto__":"x"'), "apis.orders-api.scopes.__proto__"],
    ["metadata", withKey('"metadata":{', '"__proto__":"x"'), "applications.billing.metadata.__proto__"],
    ["grants", withKey('"grants":{', '"__proto__":["orders:read"]'), "applications.billing.grants.__proto__"],
    ["the spec itself", withKey("{", '"__proto__":{"protect":false}'), "__proto__"],
  ])("a __proto__ key in %s is refused with its path", async (_, tenant, where) => {
    expect(tenant).toContain('"__proto__"');
    expectRefused(await program(tenant), {
      path: where,
      code: "invalid_key",
      message: expect.stringContaining("a __proto__ key is never data"),
    });
  });

  it("keys named constructor, toString or hasOwnProperty are names like any other", async () => {
    const t = validTenant();
    t.apis.constructor = { identifier: "https://constructor.example", scopes: { constructor: "c", toString: "t", hasOwnProperty: "h" } };
    t.applications.constructor = {
      type: "m2m",
      metadata: { constructor: "c", then: "t" },
      credentials: [{ name: "c1", publicKey: "keys/payments-2026-q4.pem" }],
      grants: { constructor: ["constructor", "toString"] },
    };
    const run = await program(t);
    expect(run.error).toBeUndefined();
    const grant = run.registered.find((r) => r.name === "constructor/constructor")!;
    expect(grant.inputs).toMatchObject({ audience: "https://constructor.example", scopes: ["constructor", "toString"] });
    expect(run.registered.find((r) => r.type.endsWith("Client") && r.name === "constructor")!.inputs.clientMetadata).toEqual({
      constructor: "c",
      then: "t",
    });
  });

  it("a metadata key that names an Object method code calls (toString) is refused with the reason", async () => {
    const t = validTenant();
    t.applications.billing.metadata = { toString: "t" };
    expectRefused(await program(t), {
      path: "applications.billing.metadata.toString",
      code: "invalid_key",
      message: expect.stringContaining("rename it"),
    });
  });

  it("a grant on an API named like an Object member that does not exist is 'not declared', not a crash", async () => {
    const t = validTenant();
    t.applications.billing.grants = { constructor: ["x"], toString: ["y"] };
    const run = await program(t);
    expectRefused(run, { path: "applications.billing.grants.constructor", code: "not_declared" });
  });

  it.each(["auth0:clientAssertionPrivateKey", "pulumi:access-token", "aws:secretKey"])(
    "an action secret from %s is refused",
    async (source) => {
      const t = {
        ...validTenant(),
        actions: { c: { trigger: "credentials-exchange", source: "actions/client-claims.ts", secrets: { K: { config: source } } } },
        triggers: { "credentials-exchange": ["c"] },
      };
      expectRefused(await program(t, { [source]: "x" }), {
        path: "actions.c.secrets.K.config",
        code: "secret_source_forbidden",
        message: expect.stringContaining(
          "action secrets come only from this project's own keys (allowed: a bare key such as billingApiKey, or auth0-tenant:billingApiKey)",
        ),
      });
    },
  );

  it.each([
    ["callbacks", "javascript:alert(document.cookie)", "scheme javascript: is not allowed"],
    ["callbacks", "data:text/html,<script>x</script>", "scheme data: is not allowed"],
    ["callbacks", "file:///etc/passwd", "scheme file: is not allowed"],
    ["callbacks", "http://portal.acme.example/cb", "scheme http: is not allowed (allowed: https:, or http: for localhost and 127.0.0.1"],
    ["allowedLogoutUrls", "vbscript:x", "scheme vbscript: is not allowed"],
    ["webOrigins", "https://portal.acme.example/path", "a web origin is scheme://host[:port] only"],
    ["webOrigins", "javascript:1", "scheme javascript: is not allowed"],
  ])("%s %j is refused", async (field, url, words) => {
    const t = validTenant();
    t.applications.portal[field] = [url];
    expectRefused(await program(t), {
      path: `applications.portal.${field}[0]`,
      code: "invalid_value",
      message: expect.stringContaining(words),
    });
  });

  it("http on localhost and 127.0.0.1 stays allowed for development", async () => {
    const t = validTenant();
    t.applications.portal.callbacks = ["http://localhost:3000/cb", "http://127.0.0.1:8080/cb"];
    t.applications.portal.webOrigins = ["http://localhost:3000"];
    expect((await program(t)).error).toBeUndefined();
  });

  it.each([
    ["a trailing slash", "https://orders.acme.example/"],
    ["letter case", "HTTPS://Orders.Acme.Example"],
  ])("API identifiers differing only by %s are warned about", async (_, identifier) => {
    const t = validTenant();
    t.apis["orders-v2"] = { identifier };
    const planned = await (
      await import("../src/plan")
    ).planFromConfig(
      { project: "auth0-tenant", stack: "dev", tenant: t, values: {} },
      (await import("../src/config/files")).directoryReader(project.root),
      NOW,
    );
    expect(planned.ok).toBe(true);
    expect(planned.ok && planned.plan.warnings).toContainEqual(
      expect.objectContaining({ path: "apis.orders-v2.identifier", message: expect.stringContaining("only by case or a trailing slash") }),
    );
  });
});

describe("class 5: exit codes and errors that name the file", () => {
  it("review: a working tree whose stack file has a duplicate key is an invalid revision (exit 1, reported), not a usage error", async () => {
    const repo = throwawayRepo();
    try {
      repo.edit(
        "Pulumi.dev.yaml",
        "  auth0:domain: acme-dev.eu.auth0.com\n",
        "  auth0:domain: acme-dev.eu.auth0.com\n  auth0:domain: twice.example\n",
      );
      const {
        code,
        stdout: out,
        stderr: err,
      } = await cli(["review", "--dir", repo.dir, "--base", "main", "--stack", "dev", "--format", "markdown"]);
      expect(code).toBe(1);
      expect(out).toContain("**INVALID** dev");
      expect(out).toMatch(/Pulumi\.dev\.yaml: invalid YAML: duplicated mapping key/);
      expect(err).toBe("");
    } finally {
      repo.cleanup();
    }
  });

  it.each([
    ["null", "null", "must hold a JSON object (an event), got null"],
    ["an array", "[1,2]", "must hold a JSON object (an event), got an array"],
    ["a string", '"x"', "must hold a JSON object (an event), got a string"],
    ["not JSON", "{", "not valid JSON"],
  ])("an event file holding %s is refused naming the file", async (_, text, words) => {
    const file = path.join(outside, "event.json");
    writeFileSync(file, text);
    await expect(readJsonObject(file, "an event")).rejects.toThrow(`${file}: ${words}`);
  });

  it("the refused cases above wrote nothing into the project", () => {
    expect(existsSync(path.join(project.root, "Pulumi.dev.yaml.lock"))).toBe(false);
    mkdirSync(path.join(outside, "probe"), { recursive: true });
    expect(readdirSync(project.root).filter((f) => !/^(keys|actions|Pulumi\.[a-z]+\.yaml|Pulumi\.yaml)$/.test(f))).toEqual([]);
  });
});

void dump;
