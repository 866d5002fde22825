import { Agent, request } from "node:https";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { dump } from "js-yaml";
import { TenantReadError } from "../../src/errors";
import { startLocalTenant, type LocalTenant } from "../../src/local-tenant";
import { READ_SCOPES, type ManagementClientOption } from "../../src/local-tenant/management";
import { TenantReader, type ReaderOptions } from "../../src/live/reader";
import type { ReaderSettings } from "../../src/live/settings";
import { directoryReader } from "../../src/config/files";
import { layeredTenant } from "../../src/config/layers";
import { readStackConfig } from "../../src/plan";
import { sharedKeyPair } from "../support/rsa-key-pairs";
import { acmeRoot, tempProject } from "../support/temp-project";

/**
 * A fetch that trusts one CA, for readers run inside the test process (NODE_EXTRA_CA_CERTS is read only when a
 * process starts; the CLI tests start theirs with it, as users do). It goes through node:https, as fetch would.
 */
export function trustingFetch(ca: string): typeof fetch {
  const agent = new Agent({ ca, keepAlive: true, maxSockets: 8 });
  const once = (input: Parameters<typeof fetch>[0], init: RequestInit | undefined, retried: boolean): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
      const headers = new Headers(init?.headers);
      const body =
        init?.body === undefined || init.body === null
          ? undefined
          : typeof init.body === "string"
            ? Buffer.from(init.body, "utf8")
            : Buffer.from(init.body as ArrayBuffer);
      // Framed as fetch frames it: node:https sends a DELETE's body unframed (no length, not chunked), which the
      // server reads as the start of another request and answers 400 with no body.
      if (body !== undefined) headers.set("content-length", String(body.length));
      const req = request(
        url,
        { method: init?.method ?? "GET", headers: Object.fromEntries(headers.entries()), agent, signal: init?.signal ?? undefined },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const out = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(", ") : v);
            const status = res.statusCode ?? 500;
            resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: out }));
          });
        },
      );
      // As fetch does, and as Node's docs advise for a keep-alive agent: a kept-alive socket the server closed as it
      // was reused ends the request with ECONNRESET before any answer; an idempotent request is sent again once, on a
      // new connection. On a loaded machine the server's idle timeout often meets the reuse.
      req.on("error", (e: NodeJS.ErrnoException) => {
        const idempotent = ["GET", "HEAD"].includes((init?.method ?? "GET").toUpperCase());
        if (!retried && idempotent && req.reusedSocket && e.code === "ECONNRESET") once(input, init, true).then(resolve, reject);
        else reject(e);
      });
      req.end(body);
    });
  return (input, init) => once(input, init, false);
}

/** One key pair for every reader of the test run (the run's shared pairs; test/support/rsa-key-pairs.ts). */
export const readerKeyPair = () => sharedKeyPair(0);

export const READER_ID = "live-reader";

/** A second key pair (a key that is not the reader's, a narrow reader's). */
export const otherKeyPair = () => sharedKeyPair(1);

export interface LiveFixture {
  project: ReturnType<typeof tempProject>;
  scratch: string;
  tenant: LocalTenant;
  settings: ReaderSettings;
  reader: (options?: ReaderOptions) => TenantReader;
  close: () => Promise<void>;
}

/**
 * A temp project with `Pulumi.<stack>.yaml` holding `config`, served as a local tenant (its Management API seeded
 * from the plan as if deployed), with a reader client holding the read scopes.
 */
export async function liveFixture(options: {
  stack: string;
  config: Record<string, unknown>;
  files?: Record<string, string>;
  scopes?: readonly string[];
  now?: () => Date;
  /** More Management API clients (e.g. a dashboard-like writer holding every scope). */
  managementClients?: ManagementClientOption[];
}): Promise<LiveFixture> {
  const project = tempProject(options.files ?? {});
  const scratch = mkdtempSync(path.join(tmpdir(), "live-"));
  writeFileSync(path.join(project.root, `Pulumi.${options.stack}.yaml`), dump({ config: options.config }, { lineWidth: -1 }));
  const key = readerKeyPair();
  const tenant = await startLocalTenant({
    dir: project.root,
    stack: options.stack,
    tlsDir: path.join(scratch, "tls"),
    managementClients: [
      { clientId: READER_ID, publicKeyPem: key.publicKey, scopes: options.scopes ?? READ_SCOPES, name: "Tenant reader" },
      ...(options.managementClients ?? []),
    ],
    ...(options.now ? { now: options.now } : {}),
  });
  const settings: ReaderSettings = { domain: new URL(tenant.url).host, clientId: READER_ID, privateKey: key.privateKey, alg: "RS256" };
  const fetch = trustingFetch(tenant.tls!.caPem);
  return {
    project,
    scratch,
    tenant,
    settings,
    reader: (o = {}) => new TenantReader(settings, { fetch, ...o }),
    close: async () => {
      await tenant.close();
      project.cleanup();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** An example stack's config with its tenant merged over tenant.yaml (extends resolved), for a project of one file. */
export async function exampleStackConfig(stack: string): Promise<Record<string, unknown>> {
  const config = await readStackConfig(acmeRoot, stack);
  const { tenant } = await layeredTenant(config.values["auth0-tenant:tenant"], `Pulumi.${stack}.yaml`, directoryReader(acmeRoot));
  return { ...config.values, "auth0-tenant:tenant": tenant };
}

/** The TenantReadError `p` rejects with (any other outcome fails the test). */
export const readFailure = async (p: Promise<unknown>): Promise<TenantReadError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof TenantReadError) return e;
    throw e;
  }
  throw new Error("expected a TenantReadError");
};
