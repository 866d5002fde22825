import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { inspectBlocks, type KeyBlock } from "../../src/spec/key-inspector.cjs";
import { inspectKeyBlocks, keyBlockInspection } from "../../src/spec/key-inspector-pool";
import { inspectPublicKeys, publicKeyInspection } from "../../src/spec/public-key";
import { FIXTURE_PUBLIC_KEY_PEM, rsaPublicKeyOfBits } from "../support/rsa-keys";

/** Over the worker pool or in this thread, the same blocks get the same reports, in their order. */
let made: KeyBlock[] | undefined;
const blocks = () => (made ??= make());

function make(): KeyBlock[] {
  const pem = (text: string) => /-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/.exec(text)![0];
  const cert = pem(readFileSync(path.join(__dirname, "../fixtures/keys/expired.crt"), "utf8"));
  const odd: KeyBlock[] = [
    { label: "CERTIFICATE", pem: cert },
    { label: "PUBLIC KEY", pem: pem(FIXTURE_PUBLIC_KEY_PEM).replace(/\n(.{8})/, "\n$1$1") },
    { label: "RSA PUBLIC KEY", pem: pem(rsaPublicKeyOfBits(3072, "pkcs1")) },
    { label: "PUBLIC KEY", pem: pem(rsaPublicKeyOfBits(1024)) },
  ];
  const plain = Array.from({ length: 60 }, () => ({ label: "PUBLIC KEY" as const, pem: pem(rsaPublicKeyOfBits(2048)) }));
  return [...plain.slice(0, 20), ...odd, ...plain.slice(20)];
}

describe("key inspection over worker threads", () => {
  it("reports what the calling thread reports, in the blocks' order, for keys, certificates and broken blocks", async () => {
    const given = blocks();
    const expected = await inspectBlocks(given);
    expect(expected.filter((r) => r.parseError !== undefined)).toHaveLength(1);
    expect(expected[20]).toMatchObject({ keyType: "rsa", bits: 2048, notAfter: "2021-01-01T00:00:00.000Z" });
    await expect(inspectKeyBlocks(given, { workers: 2, threshold: 1, chunk: 8 })).resolves.toEqual(expected);
  });

  it("a worker that cannot start leaves its chunks to this thread", async () => {
    const given = blocks();
    const script = path.join(mkdtempSync(path.join(tmpdir(), "key-pool-")), "broken.cjs");
    writeFileSync(script, "throw new Error('this worker does not start');\n");
    await expect(inspectKeyBlocks(given, { workers: 2, threshold: 1, chunk: 8, script })).resolves.toEqual(await inspectBlocks(given));
  });

  it("a few blocks are inspected without starting a worker", async () => {
    const given = blocks().slice(0, 10);
    const script = path.join(mkdtempSync(path.join(tmpdir(), "key-pool-")), "never.cjs");
    writeFileSync(script, "process.exit(3);\n");
    await expect(inspectKeyBlocks(given, { workers: 2, script })).resolves.toEqual(await inspectBlocks(given));
  });

  it("blocks added in batches, before and after the workers start, get the same reports in their order", async () => {
    const given = blocks();
    const inspection = keyBlockInspection({ workers: 2, threshold: 20, chunk: 8 });
    for (let i = 0; i < given.length; i += 13) {
      inspection.add(given.slice(i, i + 13));
      await new Promise((resolve) => setTimeout(resolve, 5)); // the caller reading its next batch
    }
    await expect(inspection.done()).resolves.toEqual(await inspectBlocks(given));
  });

  it("workers left waiting by a caller that never calls done() do not keep the process alive", async () => {
    const script = path.join(mkdtempSync(path.join(tmpdir(), "key-pool-")), "abandon.ts");
    const pool = path.join(__dirname, "../../src/spec/key-inspector-pool.ts");
    const pem = JSON.stringify(blocks()[0]!.pem);
    writeFileSync(
      script,
      `import { keyBlockInspection } from ${JSON.stringify(pool)};
const inspection = keyBlockInspection({ workers: 1, threshold: 1, chunk: 1 });
inspection.add([{ label: "PUBLIC KEY", pem: ${pem} }]);
// The worker answers its chunk and waits for more; this caller fails before done().
setTimeout(() => console.log("left"), 500);
`,
    );
    const started = Date.now();
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ["--import", "tsx", script],
        { cwd: path.join(__dirname, "../.."), timeout: 30_000 },
        (e, stdout, stderr) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe("left\n");
    expect(Date.now() - started).toBeLessThan(25_000);
  });

  it("key files added in batches answer as inspectPublicKeys of them all: cached, parsed and refused, in order", async () => {
    const texts = [...blocks().map((b) => `${b.pem}\n`), "not a key", FIXTURE_PUBLIC_KEY_PEM, FIXTURE_PUBLIC_KEY_PEM];
    const expected = await inspectPublicKeys(texts);
    const inspection = publicKeyInspection();
    for (let i = 0; i < texts.length; i += 7) inspection.add(texts.slice(i, i + 7));
    await expect(inspection.results()).resolves.toEqual(expected);
  });
});
