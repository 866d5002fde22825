import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImport, type Io } from "../../src/live/commands";
import type { CallStats } from "../../src/live/reader";
import { rsaPublicKeyOfBits } from "../support/rsa-keys";
import { adoptionRuns } from "./imported-state";
import { liveFixture, READER_ID, readerKeyPair, trustingFetch, type LiveFixture } from "./support";

// Adoption at scale: a tenant of many machine-to-machine applications (one key each, a grant on one of 3 APIs),
// deployed to the local tenant, imported, and run as the two deployments of adoption under the provider double.

// 30 in the suite: with pages of PER_PAGE the applications and their grants span several pages of each list, and the
// per-client credential reads run many rounds of the reader's concurrency, which is what a tenant of any size adds
// over a small one; each app costs three resources under mocks in each run. `ADOPT_APPS=1000 npx vitest run
// test/live/adopt-thousand.test.ts` runs the same proof for 1000, with Auth0's page size.
const APPS = Number(process.env.ADOPT_APPS ?? 30);
const PER_PAGE = process.env.ADOPT_APPS ? undefined : 7;
const NOW = new Date();
let f: LiveFixture;
let io: Io & { output: string[] };
let code: number;
let stats: CallStats | undefined;

beforeAll(async () => {
  const files: Record<string, string> = {};
  const applications: Record<string, unknown> = {};
  const apis = ["orders", "ledger", "search"];
  for (let i = 0; i < APPS; i++) {
    files[`keys/svc-${i}.pem`] = rsaPublicKeyOfBits(2048);
    applications[`svc-${i}`] = {
      type: "m2m",
      name: `Service ${i}`,
      credentials: [{ name: `svc-${i}-key`, publicKey: `keys/svc-${i}.pem` }],
      grants: { [apis[i % 3]!]: i % 2 ? ["read", "write"] : ["read"] },
    };
  }
  const tenant = {
    apis: Object.fromEntries(
      apis.map((a) => [a, { identifier: `https://${a}.big.example`, name: `${a} API`, scopes: { read: "Read", write: "Write" } }]),
    ),
    applications,
  };
  f = await liveFixture({ stack: "big", config: { "auth0:domain": "acme-big.eu.auth0.com", "auth0-tenant:tenant": tenant }, files });
  const keyFile = path.join(f.scratch, "reader.key");
  writeFileSync(keyFile, readerKeyPair().privateKey, { mode: 0o600 });
  const output: string[] = [];
  io = {
    output,
    out: (s) => output.push(s),
    err: (s) => output.push(s),
    env: {},
    reader: { fetch: trustingFetch(f.tenant.tls!.caPem), perPage: PER_PAGE },
    onRead: (s) => (stats = s),
  };
  code = await runImport({ stack: "adopted", dir: f.project.root, local: f.tenant.url, clientId: READER_ID, keyFile, now: NOW }, io);
}, 300_000);
afterAll(() => f?.close());

describe(`adopting a tenant of ${APPS} applications`, () => {
  it("the first pulumi up only imports, with zero differences; the second writes each app's public key into the state and nothing else", async () => {
    expect(code, io.output.join("")).toBe(0);
    if (PER_PAGE) expect(stats?.byEndpoint["GET /api/v2/clients"]).toBeGreaterThan(APPS / PER_PAGE);
    const runs = await adoptionRuns({
      root: f.project.root,
      stack: "adopted",
      store: f.tenant.management.store,
      secretKeys: [],
      now: NOW,
      engine: "legacy",
    });
    expect(runs.adopt.registered).toHaveLength(3 + 3 + APPS * 3);
    expect(runs.adopt.changes.filter((c) => c.op !== "import" || c.paths.length > 0)).toEqual([]);
    expect(runs.adopt.warnings).toEqual([]);
    expect(runs.second.filter((c) => !/^ClientCredentials::service-\d+ privateKeyJwt\.credentials$/.test(c))).toEqual([]);
    expect(runs.second).toHaveLength(APPS);
    expect(runs.second.every((c) => /^ClientCredentials::service-\d+ privateKeyJwt\.credentials$/.test(c))).toBe(true);
    expect(runs.third).toEqual([]);
  }, 600_000);
});
