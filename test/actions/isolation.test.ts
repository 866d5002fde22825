import { builtinModules } from "node:module";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsExchangeEvent } from "../../src/actions/events";
import { runAction } from "../../src/actions/runtime";
import { ActionHost } from "../../src/actions/sandbox";

/**
 * Actions loaded in the same child share nothing they can change. Action A walks everything it can reach from the
 * outside of its own context (its `require`, every built-in it is allowed to require, every global handed to it, the
 * prototypes of objects those return) and tries to change each object: add a property, define one, replace a method, overwrite a
 * value, use a setter, swap the prototype. Action B, loaded afterwards in the same child, walks the same graph; what
 * it sees must equal what the same walk sees in a fresh child.
 */

/** The walk and the tampering, as action source (runs inside the action's context). */
const WALKER = `
"use strict";
const MODULES = __MODULES__;
const MARK = "__isolationMark";
const LIVE = __LIVE__;
function roots() {
  // The require function itself: the runner hands the same one to every action.
  const out = [["require", require]];
  for (const name of MODULES) {
    try { out.push(["require(" + name + ")", require(name)]); } catch {}
  }
  for (const name of Object.getOwnPropertyNames(globalThis)) out.push([name, globalThis[name]]);
  const sample = (path, make) => { try { const v = make(); if (v !== null && typeof v === "object") out.push([path, Object.getPrototypeOf(v)]); } catch {} };
  const crypto = require("crypto");
  sample("Timeout", () => { const t = setTimeout(() => {}, 1e6); clearTimeout(t); return t; });
  sample("Immediate", () => { const t = setImmediate(() => {}); clearImmediate(t); return t; });
  sample("Hash", () => crypto.createHash("sha256"));
  sample("Hmac", () => crypto.createHmac("sha256", "k"));
  sample("SecretKeyObject", () => crypto.createSecretKey(Buffer.alloc(16)));
  sample("PublicKeyObject", () => crypto.generateKeyPairSync("ed25519").publicKey);
  sample("PrivateKeyObject", () => crypto.generateKeyPairSync("ed25519").privateKey);
  sample("Sign", () => crypto.createSign("sha256"));
  sample("Cipheriv", () => crypto.createCipheriv("aes-128-gcm", Buffer.alloc(16), Buffer.alloc(12)));
  sample("Gzip", () => require("zlib").createGzip());
  sample("PassThrough", () => new (require("stream").PassThrough)());
  sample("ReadableStreamDefaultReader", () => new (require("stream/web").ReadableStream)().getReader());
  sample("URLSearchParams iterator", () => new URL("http://a.invalid/?b=1").searchParams.entries());
  sample("timers/promises setInterval", () => require("timers/promises").setInterval(1e6));
  return out;
}
/** Objects not of this context's realm, each once, with a path. */
function walk() {
  const seen = new Map();
  const queue = roots();
  for (let i = 0; i < queue.length && seen.size < 100000; i++) {
    const [path, o] = queue[i];
    if (o === null || (typeof o !== "object" && typeof o !== "function") || seen.has(o)) continue;
    if (o instanceof Object) continue; // this context's own objects: not shared
    if (LIVE && LIVE.test(path)) continue;
    seen.set(o, path);
    queue.push([path + ".__proto__", Object.getPrototypeOf(o)]);
    for (const key of Reflect.ownKeys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (!d) continue;
      const p = path + "." + String(key);
      if ("value" in d) queue.push([p, d.value]);
      else queue.push([p + "<get>", d.get], [p + "<set>", d.set]);
    }
  }
  return seen;
}
/** What B reports: every mark left on a shared object, and the primitive values it holds. */
function observe() {
  const seen = walk();
  const marks = [];
  let values = "";
  for (const [o, path] of seen) {
    if (Object.getPrototypeOf(o) !== null && Object.prototype.hasOwnProperty.call(Object.getPrototypeOf(o), MARK + "Proto")) marks.push(path + " (prototype replaced)");
    for (const key of Reflect.ownKeys(o)) {
      if (String(key).startsWith(MARK)) marks.push(path + "." + String(key));
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (!d) continue;
      let v = d.value;
      if (!("value" in d) && d.get && typeof o === "function") { try { v = d.get.call(o); } catch { v = undefined; } }
      if (v === null || (typeof v !== "object" && typeof v !== "function")) values += path + "." + String(key) + "=" + String(v) + "\\n";
    }
  }
  let hash = 2166136261;
  for (let i = 0; i < values.length; i++) hash = Math.imul(hash ^ values.charCodeAt(i), 16777619) >>> 0;
  return { objects: seen.size, marks: marks.slice(0, 20), markCount: marks.length, values: hash };
}
/** A's attempts: counts what succeeded. */
function tamper() {
  const seen = walk();
  const done = [];
  const tried = { objects: seen.size, attempts: 0 };
  const attempt = (path, fn) => { tried.attempts++; try { if (fn() !== false) done.push(path); } catch {} };
  for (const [o, path] of seen) {
    attempt(path + " added", () => { o[MARK + "Added"] = 1; return Object.prototype.hasOwnProperty.call(o, MARK + "Added"); });
    attempt(path + " defined", () => Reflect.defineProperty(o, MARK + "Defined", { value: 1, configurable: true }));
    for (const key of Reflect.ownKeys(o)) {
      if (String(key).startsWith(MARK)) continue;
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (!d) continue;
      const p = path + "." + String(key);
      if ("value" in d && typeof d.value === "function" && !Object.prototype.hasOwnProperty.call(d.value, "prototype") && key !== "constructor") {
        const original = d.value;
        const wrapper = function (...args) { return new.target ? Reflect.construct(original, args, new.target) : Reflect.apply(original, this, args); };
        wrapper[MARK + "Wrapped"] = 1;
        attempt(p + " replaced", () => { o[key] = wrapper; return o[key] === wrapper; });
      } else if ("value" in d && (typeof d.value === "number" || typeof d.value === "boolean")) {
        const next = typeof d.value === "number" ? d.value + 1 : !d.value;
        attempt(p + " overwritten", () => { o[key] = next; return Object.is(o[key], next); });
      } else if (!("value" in d) && d.set && d.get && typeof o === "function") {
        attempt(p + " set", () => { const before = o[key]; if (typeof before !== "number") return false; o[key] = before + 1; return o[key] !== before; });
      }
    }
    attempt(path + " prototype", () => {
      const proto = Object.getPrototypeOf(o);
      const marked = Object.create(proto);
      marked[MARK + "Proto"] = 1;
      return Reflect.setPrototypeOf(o, marked);
    });
  }
  return { ...tried, succeeded: done.length, examples: done.slice(0, 20) };
}
exports.onExecuteCredentialsExchange = async (event, api) => {
  api.accessToken.setCustomClaim("https://t.example/r", __WHAT__());
};
`;

const moduleNames = JSON.stringify(builtinModules);
/**
 * With --allow-network, the connection agents are live objects that stay writable (docs/action-sandbox.md): the
 * walk leaves them out there, and only there.
 */
const LIVE_WITH_NETWORK = String(/^require\((node:)?https?\)\.globalAgent(<get>)?($|\.)/);
const source = (what: "tamper" | "observe", tag: string, network: boolean) =>
  `// ${tag}\n${WALKER.replace("__MODULES__", moduleNames)
    .replace("__LIVE__", network ? LIVE_WITH_NETWORK : "undefined")
    .replace("__WHAT__", what)}`;

const event = () =>
  credentialsExchangeEvent({ client: { client_id: "c", name: "C", metadata: {} }, resourceServer: { identifier: "https://api.example" } });

async function run<T>(host: ActionHost, code: string): Promise<T> {
  const r = await runAction(code, "credentials-exchange", event(), { host, timeoutMs: 30_000 });
  return r.accessTokenClaims["https://t.example/r"] as T;
}

interface Observed {
  objects: number;
  marks: string[];
  markCount: number;
  values: number;
}
interface Tampered {
  objects: number;
  attempts: number;
  succeeded: number;
  examples: string[];
}

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((_, res) => res.writeHead(204).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe.each([
  { network: false, name: "without network" },
  { network: true, name: "with --allow-network" },
])("what one action can reach, another cannot see changed ($name)", ({ network }) => {
  it("action A changes nothing that action B, loaded after it in the same child, sees", { timeout: 120_000 }, async () => {
    const fresh = new ActionHost({ allowNetwork: network });
    const shared = new ActionHost({ allowNetwork: network });
    try {
      const baseline = await run<Observed>(fresh, source("observe", "B", network));
      const tampered = await run<Tampered>(shared, source("tamper", "A", network));
      const after = await run<Observed>(shared, source("observe", "B", network));
      expect(shared.spawned, "A and B ran in the same child").toBe(1);
      // The walk reached the shared graph (so the test cannot pass by reaching nothing).
      expect(tampered.objects).toBeGreaterThan(1000);
      expect(tampered.attempts).toBeGreaterThan(10_000);
      expect(baseline.markCount).toBe(0);
      expect(after, JSON.stringify(tampered.examples)).toEqual(baseline);
      if (network) {
        // Node's own network code still works on the frozen objects.
        const status = await run<string>(
          shared,
          `exports.onExecuteCredentialsExchange = async (e, api) => { const s = await new Promise((ok, ko) => require("http").get("${origin}/", (r) => { r.resume(); r.on("end", () => ok(r.statusCode)); }).on("error", (x) => ko(x))); api.accessToken.setCustomClaim("https://t.example/r", String(s)); };`,
        );
        expect(status).toBe("204");
      }
    } finally {
      await Promise.all([fresh.close(), shared.close()]);
    }
  });
});

describe("another action's secrets", () => {
  it(
    "an action loaded first does not see what a later action holds (patched emit, pooled Buffer memory)",
    { timeout: 60_000 },
    async () => {
      const host = new ActionHost();
      const canary = `secret-${Math.random().toString(36).slice(2)}`;
      const spy = `
      const seen = [];
      let pool;
      try { pool = Buffer.allocUnsafe(16).buffer; } catch {}
      try {
        const E = require("events").prototype;
        const emit = E.emit;
        E.emit = function (...args) { seen.push(JSON.stringify(args.map(String))); return emit.apply(this, args); };
      } catch {}
      exports.onExecuteCredentialsExchange = async (event, api) => {
        const text = seen.join("\\n") + (pool ? Buffer.from(pool).toString("latin1") : "");
        api.accessToken.setCustomClaim("https://t.example/r", text.includes("secret-") ? text.slice(text.indexOf("secret-"), text.indexOf("secret-") + 40) : "nothing");
      };`;
      const victim = `
      exports.onExecuteCredentialsExchange = async (event, api) => {
        const b = Buffer.from(event.secrets.KEY);
        const s = new (require("stream").PassThrough)();
        const got = new Promise((ok) => s.on("data", (d) => ok(d.toString())));
        s.write(b);
        api.accessToken.setCustomClaim("https://t.example/r", await got);
      };`;
      try {
        expect(await run<string>(host, spy)).toBe("nothing");
        const r = await runAction(victim, "credentials-exchange", event(), { host, secrets: { KEY: canary } });
        expect(r.accessTokenClaims["https://t.example/r"]).toBe(canary);
        expect(await run<string>(host, spy)).toBe("nothing");
        expect(host.spawned).toBe(1);
      } finally {
        await host.close();
      }
    },
  );
});
