import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProjectFileError } from "../../src/errors";
import { BlobReader } from "../../src/review/git-blobs";
import { gitEnv } from "../support/git-repo";
import { timed } from "../support/timed";

/** The review reads the base revision's files from git: a blob is bounded from its header, before its body is kept. */

describe("git blobs are bounded from their header", () => {
  let repo: string;
  const git = (args: string[], input?: Buffer) =>
    execFileSync("git", args, { cwd: repo, env: gitEnv, input, maxBuffer: 1 << 20 })
      .toString()
      .trim();
  beforeAll(() => {
    repo = mkdtempSync(path.join(tmpdir(), "blobs-"));
    git(["init", "-q"]);
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("a 64 MB blob is refused before its body is kept, and the reads queued behind it are answered", async () => {
    const huge = git(["hash-object", "-w", "--stdin"], Buffer.alloc(64 * 1024 * 1024, 0x41));
    const small = git(["hash-object", "-w", "--stdin"], Buffer.from("small\n"));
    const reader = new BlobReader(repo);
    const [big, after] = await timed("64 MB blob", () =>
      Promise.allSettled([reader.read(huge, "keys/huge.pem", 1024), reader.read(small, "keys/small.pem", 1024)]),
    );
    expect(big.status === "rejected" && big.reason).toBeInstanceOf(ProjectFileError);
    expect(big.status === "rejected" && (big.reason as Error).message).toBe("keys/huge.pem is 67108864 bytes (allowed: at most 1024)");
    expect(after).toEqual({ status: "fulfilled", value: "small\n" });
    await expect(reader.read(small, "keys/small.pem", 1024)).resolves.toBe("small\n");
    reader.close();
  });

  it("a blob that is not UTF-8 is refused naming the path and the byte", async () => {
    const latin1 = git(["hash-object", "-w", "--stdin"], Buffer.from([0x61, 0x0a, 0x62, 0xe9]));
    const reader = new BlobReader(repo);
    await expect(reader.read(latin1, "Pulumi.dev.yaml", 1024)).rejects.toThrow(
      "Pulumi.dev.yaml: is not UTF-8 text: byte 3 (line 2, column 2) is 0xe9",
    );
    reader.close();
  });
});
