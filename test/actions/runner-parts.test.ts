import { builtinModules, createRequire } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
// Imported for Vitest's module graph only: a mutation run (test/mutation) runs the tests related to a mutated file,
// and modules loaded through require below are not seen as related.
import "../../src/actions/runner/describe-error.cjs";
import "../../src/actions/runner/frames.cjs";
import "../../src/actions/runner/limits.cjs";
import "../../src/actions/runner/modules.cjs";
import "../../src/actions/runner/recorder.cjs";
import "../../src/actions/runner/text.cjs";

/**
 * The runner's pure parts, in this process (the child's side of the action host, src/actions/runner/): the claim and
 * log recorder and its budgets, the frames, reading what an action threw, and the modules an action may require.
 * test/actions/hostile.test.ts and runtime.test.ts drive the same parts through a real child.
 */
const load = createRequire(__filename);
// Loaded afresh each time this file runs: Node's require cache outlives Vitest's module reloads, and a mutation run
// (test/mutation) must see each mutant of a module-level value such as LIMITS.
for (const file of Object.keys(load.cache))
  if (file.includes(`${path.sep}src${path.sep}actions${path.sep}runner${path.sep}`)) delete load.cache[file];
const runner = (name: string) => load(`../../src/actions/runner/${name}.cjs`);

const { LIMITS, START_WINDOW_MS } = runner("limits");
const { clip, safeJson } = runner("text");
const { recorder, log, recordClaim, recordDeny, result } = runner("recorder");
const { replyFrame, requestReader } = runner("frames");
const { examine, describeError, failure, requireError } = runner("describe-error");
const { ACTION_MODULES, NETWORK_ACTION_MODULES, allowedModules, actionRequire } = runner("modules");

describe("the runner's limits", () => {
  it("are the documented ones (docs/action-sandbox.md)", () => {
    expect(LIMITS).toEqual({
      logBytes: 65536,
      logLineChars: 4096,
      claimBytes: 262144,
      denyChars: 1000,
      errorChars: 2000,
      exportNames: 1000,
      exportNameChars: 256,
      frameBytes: 1048576,
      timerSliceMs: 1000,
      examineMs: 250,
      cachedBundles: 256,
    });
    expect(Object.isFrozen(LIMITS)).toBe(true);
    expect(START_WINDOW_MS).toBe(10);
  });
});

describe("bounded text", () => {
  it("clip keeps at most max characters and says how many more there were", () => {
    expect(clip("abc", 3)).toBe("abc");
    expect(clip("abcd", 3)).toBe("abc… (1 more characters)");
    expect(clip("", 0)).toBe("");
  });

  it("safeJson: JSON, else the string form, else a placeholder", () => {
    expect(safeJson({ a: 1 })).toBe('{"a":1}');
    expect(safeJson(undefined)).toBe("undefined");
    expect(safeJson(() => 1)).toBe("() => 1");
    expect(safeJson(10n)).toBe("10");
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(safeJson(circular)).toBe("[object Object]");
    const hostile = {
      toJSON: () => {
        throw new Error("no");
      },
      toString: () => {
        throw new Error("no");
      },
    };
    expect(safeJson(hostile)).toBe("[unprintable]");
  });
});

describe("the recorder", () => {
  it("records claims as JSON, the undefined value without json", () => {
    const rec = recorder();
    recordClaim(rec, "access", "https://a/x", { b: [1] });
    recordClaim(rec, "id", 42, undefined);
    expect(rec.ops).toEqual([
      { op: "claim", token: "access", name: "https://a/x", json: '{"b":[1]}' },
      { op: "claim", token: "id", name: "42" },
    ]);
    expect(rec.claimBytes).toBe("https://a/x".length + '{"b":[1]}'.length + 2);
  });

  it("a value that is not JSON is an error op naming why, with the name clipped", () => {
    const rec = recorder();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    recordClaim(rec, "access", "n".repeat(1030), circular);
    expect(rec.ops).toHaveLength(1);
    expect(rec.ops[0]).toMatchObject({ op: "claim", token: "access" });
    expect(rec.ops[0].name).toBe(`${"n".repeat(1024)}… (6 more characters)`);
    expect(rec.ops[0].error).toMatch(/^the value cannot be serialised as JSON \(Converting circular structure to JSON/);
    expect(rec.claimBytes).toBe(0);
  });

  it("claims up to the budget are kept; past it, only sizes and names, per token", () => {
    const rec = recorder();
    const name = "c";
    const fill = "x".repeat(LIMITS.claimBytes - name.length - 2); // exactly the budget with its quotes
    recordClaim(rec, "access", name, fill);
    expect(rec.claimBytes).toBe(LIMITS.claimBytes);
    expect(rec.overflow).toEqual({});
    recordClaim(rec, "access", "d", 1);
    recordClaim(rec, "id", "é", "ab");
    expect(rec.ops).toHaveLength(1);
    expect(rec.overflow).toEqual({ access: { bytes: 2, names: ["d"] }, id: { bytes: 6, names: ["é"] } });
  });

  it("a string longer than the budget is counted by its length, without copying it", () => {
    const rec = recorder();
    recordClaim(rec, "access", "big", "y".repeat(LIMITS.claimBytes + 1));
    expect(rec.overflow.access).toEqual({ bytes: 3 + LIMITS.claimBytes + 1 + 2, names: ["big"] });
    // Counted by characters, not bytes: a string longer than the budget is never copied into UTF-8 to be measured.
    const wide = recorder();
    recordClaim(wide, "access", "w", "é".repeat(LIMITS.claimBytes + 1));
    expect(wide.overflow.access.bytes).toBe(1 + LIMITS.claimBytes + 1 + 2);
    // At the budget's length it is measured: "é" is two bytes.
    const wideAtBudget = recorder();
    recordClaim(wideAtBudget, "access", "w", "é".repeat(LIMITS.claimBytes));
    expect(wideAtBudget.overflow.access.bytes).toBe(1 + 2 * LIMITS.claimBytes + 2);
    const atBudget = recorder();
    recordClaim(atBudget, "access", "", "y".repeat(LIMITS.claimBytes - 2));
    expect(atBudget.overflow).toEqual({});
    expect(atBudget.claimBytes).toBe(LIMITS.claimBytes);
  });

  it("past the budget at most 100 names are kept, each clipped to 256 characters", () => {
    const rec = recorder();
    rec.claimBytes = LIMITS.claimBytes;
    for (let i = 0; i < 101; i++) recordClaim(rec, "access", i === 0 ? "z".repeat(300) : `n${i}`, 1);
    expect(rec.overflow.access.names).toHaveLength(100);
    expect(rec.overflow.access.names[0]).toBe(`${"z".repeat(256)}… (44 more characters)`);
    expect(rec.overflow.access.names[99]).toBe("n99");
    // Every name's bytes and its value's ("1"), the 101st name included.
    expect(rec.overflow.access.bytes).toBe(301 + 9 * 3 + 90 * 4 + 5);
  });

  it("the first denial counts; code and reason are text, clipped", () => {
    const rec = recorder();
    recordDeny(rec, undefined, { why: 1 });
    recordDeny(rec, "second", "no");
    expect(rec.ops).toEqual([{ op: "deny", reason: '{"why":1}' }]);
    const m2m = recorder();
    recordDeny(m2m, "invalid_request", "r".repeat(LIMITS.denyChars + 1));
    expect(m2m.ops).toEqual([{ op: "deny", code: "invalid_request", reason: `${"r".repeat(1000)}… (1 more characters)` }]);
    const bare = recorder();
    recordDeny(bare, 7, undefined);
    expect(bare.ops).toEqual([{ op: "deny", code: "7", reason: undefined }]);
    expect(bare.denied).toBe(true);
  });

  it("logs up to 64 KiB an execution, lines clipped; the rest counted and said at the end", () => {
    const rec = recorder();
    log(rec, "l".repeat(LIMITS.logLineChars + 10));
    expect(rec.logs[0]).toBe(`${"l".repeat(4096)}… (10 more characters)`);
    expect(rec.logBytes).toBe(Buffer.byteLength(rec.logs[0]));
    rec.logBytes = LIMITS.logBytes - 1;
    log(rec, "still");
    expect(rec.logs).toHaveLength(2);
    rec.logBytes = LIMITS.logBytes; // exactly the budget: full
    log(rec, "dropped");
    log(rec, "dropped");
    expect(rec.logs).toHaveLength(2);
    expect(rec.logsDropped).toBe(2);
    expect(result(7, rec)).toEqual({
      id: 7,
      ok: true,
      ops: [],
      logs: [rec.logs[0], "still", "[local runtime] 2 more log line(s) dropped (at most 65536 bytes of logs per execution)"],
      overflow: {},
    });
    expect(() => log(undefined, "no execution")).not.toThrow();
    expect(result(8, recorder())).toEqual({ id: 8, ok: true, ops: [], logs: [], overflow: {} });
  });
});

describe("frames", () => {
  it("a reply is its length and its JSON", () => {
    const frame = replyFrame({ id: 1, ok: true, logs: ["é"] });
    const json = JSON.stringify({ id: 1, ok: true, logs: ["é"] });
    expect(frame.readUInt32BE(0)).toBe(Buffer.byteLength(json));
    expect(frame.subarray(4).toString("utf8")).toBe(json);
  });

  it("a reply larger than 1 MiB becomes a too-large failure of its request; the ready message is never replaced", () => {
    const fits = { id: 2, ok: true, logs: [""] };
    const overhead = Buffer.byteLength(JSON.stringify(fits));
    const exactly = { id: 2, ok: true, logs: ["a".repeat(LIMITS.frameBytes - overhead)] };
    expect(replyFrame(exactly).readUInt32BE(0)).toBe(LIMITS.frameBytes);
    const over = { id: 2, ok: true, logs: ["a".repeat(LIMITS.frameBytes - overhead + 1)] };
    const replaced = replyFrame(over);
    expect(JSON.parse(replaced.subarray(4).toString())).toEqual({
      id: 2,
      ok: false,
      error: { kind: "too-large", message: "the action's output is larger than 1048576 bytes" },
    });
    expect(replaced.readUInt32BE(0)).toBe(replaced.length - 4);
    const ready = { type: "ready", lockdown: ["a".repeat(LIMITS.frameBytes)] };
    expect(JSON.parse(replyFrame(ready).subarray(4).toString())).toEqual(ready);
  });

  const hostFrame = (header: unknown, tail = "") => {
    const json = Buffer.from(JSON.stringify(header));
    const rest = Buffer.from(tail);
    const out = Buffer.alloc(8 + json.length + rest.length);
    out.writeUInt32BE(4 + json.length + rest.length, 0);
    out.writeUInt32BE(json.length, 4);
    json.copy(out, 8);
    rest.copy(out, 8 + json.length);
    return out;
  };

  it("the host's frames are read whatever the chunks; a batch's events are cut from the tail", () => {
    const got: unknown[] = [];
    let malformed = 0;
    const read = requestReader(
      (r: unknown) => got.push(r),
      () => malformed++,
    );
    const events = ['{"a":"é"}', "null"];
    const bytes = Buffer.concat([
      hostFrame({ id: 1, type: "load", sha: "s", code: "c", timeoutMs: 5 }),
      hostFrame(
        { type: "calls", calls: events.map((e, i) => ({ id: 2 + i, sha: "s", eventBytes: Buffer.byteLength(e) })) },
        events.join(""),
      ),
    ]);
    for (let i = 0; i < bytes.length; i += 5) read(bytes.subarray(i, i + 5));
    expect(malformed).toBe(0);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ id: 1, type: "load", sha: "s", code: "c", timeoutMs: 5 });
    expect(got[1]).toEqual({
      type: "calls",
      calls: [
        { id: 2, sha: "s", eventBytes: 10, eventText: '{"a":"é"}' },
        { id: 3, sha: "s", eventBytes: 4, eventText: "null" },
      ],
    });
  });

  it("a frame whose header is not JSON is malformed, and nothing after it is read", () => {
    const got: unknown[] = [];
    let malformed = 0;
    const read = requestReader(
      (r: unknown) => got.push(r),
      () => malformed++,
    );
    // A frame too short for its header's length.
    const empty = requestReader(
      () => got.push("empty"),
      () => malformed++,
    );
    empty(Buffer.alloc(4));
    expect(malformed).toBe(1);
    malformed = 0;
    const bad = Buffer.from("\0\0\0\x07\0\0\0\x03abc", "latin1");
    read(Buffer.concat([bad, hostFrame({ id: 1, type: "load" })]));
    expect(malformed).toBe(1);
    expect(got).toEqual([]);
  });

  it("a batch whose calls are not objects is malformed", () => {
    const got: unknown[] = [];
    let malformed = 0;
    const read = requestReader(
      (r: unknown) => got.push(r),
      () => malformed++,
    );
    read(hostFrame({ type: "calls", calls: [null] }));
    expect(malformed).toBe(1);
    expect(got).toEqual([]);
  });
});

describe("what an action threw", () => {
  it("its message, clipped; a timeout and a refused require are told apart", () => {
    expect(examine(new Error("boom"))).toEqual({ timeout: false, require: false, message: "boom" });
    expect(examine("plain")).toEqual({ timeout: false, require: false, message: "plain" });
    expect(examine(null).message).toBe("null");
    expect(examine({ message: 12 }).message).toBe("12");
    expect(examine(new Error("e".repeat(LIMITS.errorChars + 3))).message).toBe(`${"e".repeat(2000)}… (3 more characters)`);
    const timeout = Object.assign(new Error("Script execution timed out"), { code: "ERR_SCRIPT_EXECUTION_TIMEOUT" });
    expect(examine(timeout).timeout).toBe(true);
    expect(examine({ code: "ERR_SCRIPT_EXECUTION_TIMEOUT" }).timeout).toBe(true);
    expect(examine("ERR_SCRIPT_EXECUTION_TIMEOUT").timeout).toBe(false);
    const refused = requireError("fs", "not for actions");
    expect(refused.code).toBe("ERR_ACCESS_DENIED");
    expect(examine(refused)).toEqual({ timeout: false, require: true, message: 'require("fs"): not for actions' });
    // Only the runner's own errors count as refused requires: a look-alike is an ordinary error.
    expect(examine(Object.assign(new Error('require("fs"): x'), { code: "ERR_ACCESS_DENIED" })).require).toBe(false);
    expect(describeError(new Error("why"))).toBe("why");
    // A function is read as an object too: its message and code, not its source.
    const thrownFunction = Object.assign(function thrown() {}, { message: "from a function", code: "ERR_SCRIPT_EXECUTION_TIMEOUT" });
    expect(examine(thrownFunction)).toEqual({ timeout: true, require: false, message: "from a function" });
  });

  it("a value that loops or throws when read is unprintable, within a quarter of a second", () => {
    const looping = {
      get message() {
        for (;;);
      },
    };
    const started = Date.now();
    expect(examine(looping)).toEqual({ timeout: false, require: false, message: "an unprintable value was thrown" });
    expect(Date.now() - started).toBeLessThan(5_000); // bounded (LIMITS.examineMs), not a timing target
    const throwing = {
      get message() {
        throw new Error("no");
      },
    };
    expect(examine(throwing).message).toBe("an unprintable value was thrown");
  });

  it("a failure reply has the kind and the message, clipped", () => {
    expect(failure(3, "threw", "m".repeat(LIMITS.errorChars + 1))).toEqual({
      id: 3,
      ok: false,
      error: { kind: "threw", message: `${"m".repeat(2000)}… (1 more characters)` },
    });
  });
});

describe("what an action may require", () => {
  it("the allowed modules, with or without node:, and the network ones only with the network", () => {
    const blocked = actionRequire(false);
    const open = actionRequire(true);
    for (const name of ACTION_MODULES) {
      expect(blocked(name), name).toBe(load(`node:${name}`));
      expect(blocked(`node:${name}`), name).toBe(load(`node:${name}`));
    }
    for (const name of NETWORK_ACTION_MODULES) {
      expect(open(`node:${name}`), name).toBe(load(`node:${name}`));
      expect(() => blocked(name)).toThrow(
        `require("${name}"): network access is blocked in the local action runtime (allow it explicitly with --allow-network)`,
      );
    }
    expect(allowedModules(false)).toEqual(ACTION_MODULES);
    expect(allowedModules(true)).toEqual([...ACTION_MODULES, ...NETWORK_ACTION_MODULES]);
  });

  it("every other built-in, and anything not built in, is refused with what is allowed", () => {
    const blocked = actionRequire(false);
    const allowed = new Set([...ACTION_MODULES, ...NETWORK_ACTION_MODULES]);
    for (const name of builtinModules.filter((m) => !allowed.has(m))) {
      expect(() => blocked(name), name).toThrow(
        /this Node built-in is not available to actions in the local runtime \(an action may require assert, /,
      );
    }
    expect(() => blocked("node:test")).toThrow('require("node:test"): this Node built-in is not available');
    expect(() => blocked("jose")).toThrow(
      'require("jose"): only Node built-ins are available at run time; bundle other modules into the action (an action may require assert, assert/strict, buffer, crypto, events, path, path/posix, path/win32, punycode, querystring, stream, stream/consumers, stream/promises, stream/web, string_decoder, timers/promises, url, util, util/types, zlib; with --allow-network also dns, dns/promises, http, http2, https, net, tls)',
    );
    let thrown: unknown;
    try {
      blocked("fs");
    } catch (e) {
      thrown = e;
    }
    expect(examine(thrown).require).toBe(true);
  });
});
