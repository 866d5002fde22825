import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

const root = path.resolve(__dirname, "../test/fixtures/acme"); // the acme example, not the user's own stacks
let dir: string | undefined;
afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("key facts are cached by content hash", () => {
  it("a key inspected once is not parsed again, in the process or in a later one (the disk copy)", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "key-cache-"));
    vi.stubEnv("AUTH0_TENANT_CACHE_DIR", dir);
    vi.resetModules();
    const pem = readFileSync(path.join(root, "keys/billing-2026-q3.pem"), "utf8");
    const first = await import("../src/spec/public-key");
    const cache = await import("../src/spec/key-facts-cache");
    const info = await first.inspectPublicKey(pem);
    cache.flushKeyFacts();
    const file = path.join(dir, "public-keys.v1.json");
    const stored = JSON.parse(readFileSync(file, "utf8")) as { entries: Record<string, { thumbprint: string }> };
    expect(Object.values(stored.entries).map((e) => e.thumbprint)).toEqual([info.thumbprint]);
    // A later process trusts the disk copy for this exact content: poison it and see the cached value come back.
    const [hash] = Object.keys(stored.entries);
    writeFileSync(file, JSON.stringify({ version: 1, entries: { [hash!]: { format: "spki", bits: 4096, thumbprint: "A".repeat(43) } } }));
    vi.resetModules();
    const later = await import("../src/spec/public-key");
    expect((await later.inspectPublicKey(pem)).bits).toBe(4096);
    // Any other content (one changed byte) is parsed, not looked up.
    const other = await later.inspectPublicKey(readFileSync(path.join(root, "keys/payments-2026-q4.pem"), "utf8"));
    expect(other.bits).toBe(2048);
    // A malformed entry is not trusted: the key is parsed again.
    writeFileSync(
      file,
      JSON.stringify({ version: 1, entries: { [hash!]: { format: "spki", bits: 4096, thumbprint: "not-a-thumbprint" } } }),
    );
    vi.resetModules();
    const checked = await import("../src/spec/public-key");
    expect(await checked.inspectPublicKey(pem)).toMatchObject({ bits: 2048, thumbprint: info.thumbprint });
  });

  it("refused keys are never cached, and a corrupt cache file is ignored", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "key-cache-"));
    vi.stubEnv("AUTH0_TENANT_CACHE_DIR", dir);
    writeFileSync(path.join(dir, "public-keys.v1.json"), "{ not json");
    vi.resetModules();
    const mod = await import("../src/spec/public-key");
    const cache = await import("../src/spec/key-facts-cache");
    await expect(mod.inspectPublicKey(readFileSync(path.join(root, "../keys/rsa-1024.pem"), "utf8"))).rejects.toThrow("1024 bits");
    cache.flushKeyFacts();
    expect(readFileSync(path.join(dir, "public-keys.v1.json"), "utf8")).toBe("{ not json");
    expect((await mod.inspectPublicKey(readFileSync(path.join(root, "keys/billing-2026-q3.pem"), "utf8"))).bits).toBe(2048);
  });
});
