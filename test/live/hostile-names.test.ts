import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { dump, load } from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { driftReport } from "../../src/live/drift";
import { importTenant } from "../../src/live/import";
import { TenantReader } from "../../src/live/reader";
import { readTenant, type LiveTenant } from "../../src/live/snapshot";
import { planStack } from "../../src/plan";
import { renderMarkdown } from "../../src/review/render";
import { tempProject, validTenant } from "../support/temp-project";
import { localTls, startHostileApi } from "./hostile-api";
import { readerKeyPair, trustingFetch } from "./support";

// Names are data: every string the tenant chooses, in every field import and drift emit, carries each hostile
// construct (a newline that would end a YAML comment and start a key, U+2028 and NEL that end a line for Go's YAML
// reader, `<!--` that hides the rest of a GitHub comment, table pipes, code spans, emphasis, links, terminal escapes).
// The stack file must parse to exactly the config the import meant, and the report must carry no markup of the tenant's.

const EVIL = [
  "\nconfig:\n  auth0:domain: evil.example\n  x:tenant: {protect: true}\n#",
  "# not a comment",
  "<!-- hidden",
  "a | b",
  "`code`",
  "*bold* _it_",
  "[x](https://evil.example) ![i](https://evil.example/p.png)",
  "ls\u2028ps\u2029nel\u0085cr\r",
  "esc\u001b[31mbel\u0007",
  "rtl\u202eabc",
].join(" ");
const evil = (what: string) => `${what} ${EVIL}`;

let live: LiveTenant;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), "names-"));
  const tls = await localTls(path.join(scratch, "tls"));
  const m2m = { client_id: "m2m1", name: evil("Service"), description: evil("d").slice(0, 100), app_type: "non_interactive" };
  const api = await startHostileApi({
    tls,
    routes: {
      "GET /api/v2/clients": () => ({
        body: {
          clients: [
            {
              ...m2m,
              client_metadata: { tier: evil("gold") },
              client_authentication_methods: { private_key_jwt: { credentials: [{ id: "cred_1" }] } },
            },
            { client_id: "web1", name: evil("Portal"), app_type: "regular_web", callbacks: [evil("https://portal.example/cb")] },
            { client_id: "spa1", name: evil("Single page"), app_type: "spa" },
          ],
        },
      }),
      "GET /api/v2/clients/m2m1/credentials": () => ({
        body: [{ id: "cred_1", name: evil("key"), kid: evil("kid"), alg: "RS256", credential_type: "public_key" }],
      }),
      "GET /api/v2/client-grants": () => ({
        body: {
          client_grants: [
            { id: "cgr_1", client_id: "m2m1", audience: evil("https://orders.example"), scope: [evil("orders:read")] },
            { id: "cgr_2", client_id: "spa1", audience: "https://orders.acme.example", scope: [evil("orders:delete")] },
          ],
        },
      }),
      "GET /api/v2/resource-servers": () => ({
        body: {
          resource_servers: [
            {
              id: "rs1",
              identifier: evil("https://orders.example"),
              name: evil("Orders"),
              scopes: [{ value: "orders:read", description: evil("Read") }],
            },
            { id: "rs2", identifier: "https://bad.example", name: evil("Bad"), signing_alg: evil("HS256") },
          ],
        },
      }),
      "GET /api/v2/actions/actions": () => ({
        body: {
          actions: [
            {
              id: "a1",
              name: evil("claims"),
              supported_triggers: [{ id: "post-login", version: "v3" }],
              secrets: [{ name: evil("API_KEY") }],
              deployed_version: { code: "exports.onExecutePostLogin = async () => {};", runtime: "node22", deployed: true },
            },
            {
              id: "a2",
              name: evil("deps"),
              supported_triggers: [{ id: "post-login", version: "v3" }],
              dependencies: [{ name: evil("lodash") }],
              deployed_version: { code: "", runtime: "node22" },
            },
          ],
        },
      }),
      "GET /api/v2/roles": () => ({
        body: {
          roles: [
            { id: "rol_1", name: evil("Admins"), description: evil("Manage") },
            { id: "rol_2", name: evil("Readers"), description: null },
          ],
          start: 0,
          limit: 100,
          total: 2,
        },
      }),
      "GET /api/v2/roles/rol_1/permissions": () => ({
        body: {
          permissions: [
            {
              permission_name: "orders:read",
              resource_server_identifier: "https://orders.acme.example",
              resource_server_name: evil("Orders"),
            },
          ],
          start: 0,
          limit: 100,
          total: 1,
        },
      }),
      "GET /api/v2/roles/rol_2/permissions": () => ({
        body: {
          permissions: [{ permission_name: evil("orders:read"), resource_server_identifier: evil("https://orders.example") }],
          start: 0,
          limit: 100,
          total: 1,
        },
      }),
      "GET /api/v2/actions/triggers/post-login/bindings": () => ({
        body: {
          bindings: [
            { id: "b1", display_name: evil("shown"), action: { id: "a1", name: evil("claims") } },
            { id: "b2", display_name: evil("other"), action: { id: "zz", name: evil("gone") } },
          ],
        },
      }),
    },
  });
  try {
    const reader = new TenantReader(
      { domain: api.domain, clientId: "reader", privateKey: readerKeyPair().privateKey, alg: "RS256" },
      { fetch: trustingFetch(tls.caPem), maxRetries: 0 },
    );
    live = await readTenant(reader);
  } finally {
    await api.close();
  }
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Characters that end a line for some reader, or that a terminal acts on, other than the file's own \n. */
const LINE_OR_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/u;

describe("import: the stack file holds the tenant's names as data only", () => {
  it("parses to exactly the config the import meant, whatever the names hold", () => {
    const result = importTenant(live, {
      stack: "copy",
      project: "auth0-tenant",
      domain: "acme.eu.auth0.com",
      keys: [],
      now: new Date("2026-12-01T00:00:00Z"),
    });
    const lines = result.stackFile.split("\n");
    expect(lines.filter((l) => LINE_OR_CONTROL.test(l))).toEqual([]);
    // Comments carry no bidirectional override either (values are js-yaml's to quote).
    expect(lines.filter((l) => /^\s*#/.test(l) && /\p{Cf}/u.test(l))).toEqual([]);
    const parsed = load(result.stackFile) as Record<string, Record<string, unknown>>;
    expect(Object.keys(parsed)).toEqual(["config"]);
    expect(parsed.config).toEqual({ "auth0:domain": "acme.eu.auth0.com", "auth0-tenant:tenant": result.tenant });
    // The names reach the spec unchanged, as data (these applications are acknowledged: their names are too long to declare).
    const unmanaged = (result.tenant as { unmanaged: Record<string, { name: string }> }).unmanaged;
    expect(unmanaged.m2m1!.name.startsWith(evil("Service").slice(0, 60))).toBe(true);
    // The notes that carry the tenant's names are comments, each on its line.
    expect(result.skipped.length + result.updates.length).toBeGreaterThan(3);
    expect(result.stackFile).toContain("#    - application Single page \\u{000A}config:");
    // Roles: each one's name reaches the stack file as data (a declared role, or a note saying why it is left out).
    expect(live.roles.map((r) => r.name)).toEqual([evil("Admins"), evil("Readers")]);
    const roleNotes = [
      ...Object.values((result.tenant as { roles?: Record<string, { name?: string }> }).roles ?? {}).map((r) => r.name),
      ...result.skipped.map((x) => x.subject),
    ];
    expect(roleNotes.filter((n) => n?.includes("Admins")).length + roleNotes.filter((n) => n?.includes("Readers")).length).toBe(2);
  });
});

describe("drift: the Markdown report shows the tenant's names as text, never as markup", () => {
  it("no HTML, link, image, code span, emphasis, cell break or line break of the tenant's", async () => {
    const project = tempProject({
      "Pulumi.dev.yaml": dump({ config: { "auth0:domain": "acme-dev.eu.auth0.com", "auth0-tenant:tenant": validTenant() } }),
    });
    try {
      const planned = await planStack(project.root, "dev");
      if (!planned.ok) throw new Error("the fixture does not plan");
      const report = driftReport(planned.plan, { ...live, domain: evil("tenant.example") });
      const markdown = renderMarkdown(report);
      expect(report.stacks[0]!.changes.length).toBeGreaterThan(5);
      expect(markdown.split("\n").filter((l) => LINE_OR_CONTROL.test(l) || /\p{Cf}/u.test(l))).toEqual([]);
      // What remains once the renderer's own markup and escapes are taken out: no markup at all.
      const text = markdown
        .replace("<!-- auth0-tenant-review -->", "")
        .replace(/<br>|<\/?sub>/g, "")
        .replace(/\*\*(HIGH|MEDIUM|low|info|INVALID)\*\*|\*\*[^*]+\*\* across/g, "")
        .replace(/\\[\\`*_[\]|~]/g, "");
      expect(text.split("\n").filter((l) => /[<>`[\]*~]/.test(l))).toEqual([]);
      for (const row of markdown.split("\n").filter((l) => l.startsWith("| ")))
        expect(row.replace(/\\\|/g, "").match(/\|/g)).toHaveLength(3);
      expect(markdown).toContain("Service \\\\u{000A}config:"); // the name is there, as text
      expect(report.stacks[0]!.changes.filter((c) => c.kind === "role.added")).toHaveLength(2);
      expect(markdown).toContain("Admins \\\\u{000A}config:");
    } finally {
      project.cleanup();
    }
  });
});
