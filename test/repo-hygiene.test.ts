import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const PRIVATE_KEY = /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/;
/** Deliberately bad inputs for tests; nothing here is a key anyone uses. */
const ALLOWED = /^test\/fixtures\/invalid\//;

function trackedFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter((f) => f !== "");
}

describe("repository hygiene", () => {
  it("no tracked (or addable) file holds private key material", () => {
    const offenders = trackedFiles()
      .filter((f) => !ALLOWED.test(f))
      .filter((f) => {
        try {
          return PRIVATE_KEY.test(readFileSync(path.join(root, f), "latin1"));
        } catch {
          return false; // deleted in the working tree
        }
      });
    expect(offenders, "private keys never enter the repo: keep them outside the working tree").toEqual([]);
  });

  it("the detector itself recognises PKCS#8, PKCS#1 and EC private keys", () => {
    for (const label of ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]) {
      expect(PRIVATE_KEY.test(`-----BEGIN ${label}-----`)).toBe(true);
    }
    expect(PRIVATE_KEY.test("-----BEGIN PUBLIC KEY-----")).toBe(false);
  });

  it("every file in keys/ is a public key or certificate", () => {
    const keys = trackedFiles().filter((f) => f.startsWith("keys/"));
    expect(keys.length).toBeGreaterThan(0);
    for (const f of keys)
      expect(readFileSync(path.join(root, f), "utf8"), f).toMatch(/-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/);
  });
});

describe("the provider version", () => {
  it("stays at @pulumi/auth0 3.48 or later (unordered credential set since 3.44, interleaved rotation since 3.48; docs/contributing.md, Provider version)", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const [major, minor] = /^\^?(\d+)\.(\d+)/.exec(pkg.dependencies["@pulumi/auth0"]!)!.slice(1).map(Number) as [number, number];
    expect(major === 3 ? minor >= 48 : major > 3).toBe(true);
    const installed = JSON.parse(readFileSync(path.join(root, "node_modules/@pulumi/auth0/package.json"), "utf8")) as { version: string };
    const [imaj, imin] = installed.version.split(".").map(Number) as [number, number];
    expect(imaj === 3 ? imin >= 48 : imaj > 3).toBe(true);
  });
});
