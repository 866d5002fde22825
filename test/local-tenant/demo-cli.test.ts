import { execFile, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acmeRoot, projectRoot, tempProject } from "../support/temp-project";

const run = promisify(execFile);
/** The `auth0-tenant` executable itself (package.json bin), as `npx auth0-tenant` runs it. */
const bin = path.join(projectRoot, "cli/auth0-tenant.mjs");
const tenantCli = (args: string[], cwd: string) => run(process.execPath, [bin, ...args], { cwd });

let project: ReturnType<typeof tempProject>;
let keyDir: string;
let server: ChildProcess | undefined;

beforeAll(() => {
  project = tempProject();
  for (const f of ["Pulumi.dev.yaml", "tenant.yaml"]) copyFileSync(path.join(acmeRoot, f), path.join(project.root, f));
  keyDir = mkdtempSync(path.join(tmpdir(), "demo-key-"));
});
afterAll(() => {
  server?.kill();
  project.cleanup();
  rmSync(keyDir, { recursive: true, force: true });
});

describe("the local demo of docs/local-tenant.md, through the real commands", () => {
  // Over 5 s: the demo end to end, each step a fresh process of the real executable (key, local tenant with its TLS
  // CA, token, a second token, the no-tenant case).
  it("make a key, start the local tenant, get a verified token with the action's claims", async () => {
    const key = path.join(keyDir, "reporting.pem");
    await tenantCli(["keys", "rotate", "reporting", "--out", key, "--dir", project.root], projectRoot);

    const tlsDir = path.join(keyDir, "tls"); // the CA cache, here instead of the user's cache directory
    server = spawn(process.execPath, [bin, "tenant", "local", "--port", "0", "--dir", project.root, "--tls-dir", tlsDir], {
      cwd: projectRoot,
    });
    let printed = "";
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`local tenant did not start: ${out}`)), 20_000);
      server!.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /at (https:\/\/localhost:\d+)/.exec(out);
        if (m && out.includes("Ctrl-C")) {
          printed = out;
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      server!.on("exit", (code) => reject(new Error(`local tenant exited ${code}: ${out}`)));
    });
    expect(printed).toContain(`export NODE_EXTRA_CA_CERTS=${path.join(tlsDir, "ca.pem")}`);
    // The CA is not in the default directory, so the printed token command names it.
    expect(printed).toMatch(new RegExp(`npx auth0-tenant token --local --port \\d+ --ca ${path.join(tlsDir, "ca.pem")} `));
    const port = url.split(":").pop()!;
    const ca = ["--ca", path.join(tlsDir, "ca.pem")];
    const { stdout } = await tenantCli(
      ["token", "--local", "--port", port, ...ca, "--app", "reporting", "--key", key, "--scope", "reports:read", "--dir", project.root],
      projectRoot,
    );
    const result = JSON.parse(stdout) as { header: { alg: string }; payload: Record<string, unknown>; signature: string };
    expect(result.signature).toBe("verified against the issuer's JWKS");
    expect(result.payload).toMatchObject({
      iss: `${url}/`,
      aud: "https://reports.acme.example",
      scope: "reports:read",
      "https://acme.example/tenant_id": "acme",
      "https://acme.example/tier": "silver",
    });

    // --raw: only the access token (verified), ready for `curl -H "Authorization: Bearer $(…)"`.
    const raw = await tenantCli(
      [
        "token",
        "--local",
        "--port",
        port,
        ...ca,
        "--app",
        "reporting",
        "--key",
        key,
        "--scope",
        "reports:read",
        "--raw",
        "--dir",
        project.root,
      ],
      projectRoot,
    );
    expect(raw.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(JSON.parse(Buffer.from(raw.stdout.split(".")[1]!, "base64url").toString()).scope).toBe("reports:read");

    const denied = await tenantCli(
      ["token", "--local", "--port", port, ...ca, "--app", "reporting", "--key", key, "--scope", "reports:delete", "--dir", project.root],
      projectRoot,
    ).catch((e) => e);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain("Client has not been granted scopes: reports:delete");

    // No local tenant on a port: say so, and how to start one.
    server.kill();
    const none = await tenantCli(
      ["token", "--local", "--port", port, ...ca, "--app", "reporting", "--key", key, "--dir", project.root],
      projectRoot,
    ).catch((e) => e);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      `no local tenant at https://localhost:${port} — start it with \`npx auth0-tenant tenant local --port ${port}\``,
    );
  });
});
