import { describe, expect, it } from "vitest";
import { childArguments, permissionFlag, RUNNER_MAIN } from "../../src/actions/host/arguments";
import { frameBackstop, idleCpuProblem, memoryProblem, type CpuSample } from "../../src/actions/host/budget";
import { exitFailure, HostFailure } from "../../src/actions/host/failure";
import { frame, MessageReader } from "../../src/actions/host/frames";
import { HOST_LIMITS, lowerable, MAX_BATCH, START_WINDOW_MS } from "../../src/actions/host/limits";
import { batchesOf, type QueuedCall } from "../../src/actions/host/queue";
import { callReplyOf, loadReplyOf, readyProblem, type Reply } from "../../src/actions/host/replies";

/**
 * The action host's own parts, in process and without a child: what it sends, how it reads what the child answers,
 * the limits it enforces and the checks it makes before using a reply (test/actions/hostile.test.ts drives the same
 * parts through a real child).
 */

const lengthPrefixed = (value: unknown) => {
  const json = Buffer.from(JSON.stringify(value), "utf8");
  const out = Buffer.alloc(4 + json.length);
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  return out;
};

describe("frames to the child", () => {
  it("are a length, the header's length, the header and the raw bytes after it", () => {
    const tail = ['{"a":1}', "é"].map((text) => ({ text, bytes: Buffer.byteLength(text) }));
    const out = frame({ type: "calls", n: "ü" }, tail);
    const header = JSON.stringify({ type: "calls", n: "ü" });
    const headerBytes = Buffer.byteLength(header);
    expect(out.readUInt32BE(0)).toBe(out.length - 4);
    expect(out.readUInt32BE(4)).toBe(headerBytes);
    expect(out.toString("utf8", 8, 8 + headerBytes)).toBe(header);
    expect(out.subarray(8 + headerBytes).toString("utf8")).toBe('{"a":1}é');
    expect(out.length).toBe(8 + headerBytes + 7 + 2);
  });

  it("without a tail, is the header alone", () => {
    const out = frame({ id: 1 });
    expect(out.readUInt32BE(0)).toBe(4 + 8);
    expect(out.readUInt32BE(4)).toBe(8);
    expect(out.subarray(8).toString()).toBe('{"id":1}');
  });
});

describe("the child's output", () => {
  it("is read message by message, whatever the chunks", () => {
    const reader = new MessageReader();
    const bytes = Buffer.concat([lengthPrefixed({ id: 1, ok: true }), lengthPrefixed({ id: 2, ok: false })]);
    expect(reader.next()).toBeUndefined();
    reader.push(bytes.subarray(0, 3));
    expect(reader.next()).toBeUndefined();
    reader.push(bytes.subarray(3, 10));
    expect(reader.next()).toBeUndefined();
    reader.push(bytes.subarray(10));
    expect(reader.next()).toEqual({ message: { id: 1, ok: true } });
    expect(reader.next()).toEqual({ message: { id: 2, ok: false } });
    expect(reader.next()).toBeUndefined();
  });

  it("a frame longer than the host accepts is a problem as soon as its length is known", () => {
    const atLimit = new MessageReader();
    const head = Buffer.alloc(4);
    head.writeUInt32BE(HOST_LIMITS.frameBytes, 0);
    atLimit.push(head);
    expect(atLimit.next()).toBeUndefined(); // waits for the rest: exactly the limit is allowed
    const over = new MessageReader();
    head.writeUInt32BE(HOST_LIMITS.frameBytes + 1, 0);
    over.push(head);
    const next = over.next();
    expect(next && "problem" in next && next.problem.kind).toBe("too-large");
    expect(next && "problem" in next && next.problem.message).toBe("the action's output is larger than 2097152 bytes");
  });

  it("output that is not JSON is a problem (something wrote to the protocol pipe)", () => {
    const reader = new MessageReader();
    const junk = Buffer.from("\0\0\0\x03abc", "latin1");
    reader.push(junk);
    const next = reader.next();
    expect(next && "problem" in next && next.problem.kind).toBe("malformed");
    expect(next && "problem" in next && next.problem.message).toMatch(/not a reply/);
  });
});

describe("the child's replies", () => {
  const reply = (fields: Record<string, unknown>): Reply => ({ id: 1, ok: true, ...fields });

  it("a call's reply needs ops, string logs and an overflow object", () => {
    const good = { ops: [{ op: "claim", token: "access", name: "n" }], logs: ["a"], overflow: {} };
    expect(callReplyOf(reply(good))).toEqual(good);
    expect(callReplyOf(reply({ ...good, ops: {} }))).toBeUndefined();
    expect(callReplyOf(reply({ ...good, logs: [1] }))).toBeUndefined();
    expect(callReplyOf(reply({ ...good, logs: "a" }))).toBeUndefined();
    expect(callReplyOf(reply({ ...good, overflow: null }))).toBeUndefined();
    expect(callReplyOf(reply({ ...good, overflow: "x" }))).toBeUndefined();
    expect(callReplyOf(reply({ ops: [], logs: [], overflow: {} }))).toEqual({ ops: [], logs: [], overflow: {} });
  });

  it("a load's reply lists string exports; functions are only exports that are functions", () => {
    expect(loadReplyOf(reply({ exports: ["a", "b"], functions: ["b", "c"] }))).toEqual({ exports: ["a", "b"], functions: ["b"] });
    expect(loadReplyOf(reply({ exports: ["a"], functions: [1] }))).toBeUndefined();
    expect(loadReplyOf(reply({ exports: [2], functions: [] }))).toBeUndefined();
    expect(loadReplyOf(reply({ functions: [] }))).toBeUndefined();
  });

  it("the ready message must show the permission model in force and, unless allowed, the network blocked", () => {
    const permission = { active: true, fsWrite: false, fsReadOutside: false, childProcess: false, worker: false };
    const ready = { type: "ready", network: "blocked", permission };
    expect(readyProblem(ready, false)).toBeUndefined();
    expect(readyProblem({ ...ready, network: "allowed" }, true)).toBeUndefined();
    expect(readyProblem({ ...ready, network: "allowed" }, false)).toBe(
      "the action host did not block the network; refusing to run action code",
    );
    expect(readyProblem({ ...ready, type: "other" }, false)).toBe("the action host did not report ready");
    expect(readyProblem(undefined, false)).toBe("the action host did not report ready");
    for (const [key, value] of [
      ["active", false],
      ["fsWrite", true],
      ["fsReadOutside", true],
      ["childProcess", true],
      ["worker", true],
    ] as const) {
      expect(readyProblem({ ...ready, permission: { ...permission, [key]: value } }, false), key).toMatch(
        /^the Node permission model is not in force in the action host \(.*\); refusing to run action code$/,
      );
    }
    expect(readyProblem({ type: "ready", network: "blocked" }, false)).toMatch(/not in force/);
  });
});

describe("the host's limits", () => {
  it("memory: above the limit stops the child, naming the action when a request ran", () => {
    expect(memoryProblem(undefined, true)).toBeUndefined();
    expect(memoryProblem(HOST_LIMITS.rssMb, true)).toBeUndefined();
    const busy = memoryProblem(HOST_LIMITS.rssMb + 0.5, true);
    expect(busy?.kind).toBe("memory");
    expect(busy?.message).toBe("the action used more than 384 MB of memory (the action host was stopped)");
    expect(memoryProblem(HOST_LIMITS.rssMb + 1, false)?.message).toBe(
      "code an action left running used more than 384 MB of memory (the action host was stopped)",
    );
  });

  it("CPU between requests: over a quarter of a CPU for most of a second, with no request pending", () => {
    const run = (readings: CpuSample[]) => {
      const samples: CpuSample[] = [];
      let problem: HostFailure | undefined;
      for (const r of readings) problem = idleCpuProblem(samples, r) ?? problem;
      return { problem, samples };
    };
    const busyIdle = run([
      [0, 0, false],
      [800, 201, false],
    ]);
    expect(busyIdle.problem?.kind).toBe("crashed");
    expect(busyIdle.problem?.message).toMatch(/kept the action host busy between calls/);
    // Exactly a quarter is allowed; so is any share over a window shorter than 80 % of a second.
    expect(
      run([
        [0, 0, false],
        [800, 200, false],
      ]).problem,
    ).toBeUndefined();
    expect(
      run([
        [0, 0, false],
        [799, 799, false],
      ]).problem,
    ).toBeUndefined();
    // A pending request anywhere in the window: the CPU is the request's.
    expect(
      run([
        [0, 0, false],
        [400, 400, true],
        [800, 800, false],
      ]).problem,
    ).toBeUndefined();
    // Readings older than the window are dropped: what counts is the last second.
    const old = run([
      [0, 0, true],
      [500, 0, false],
      [1001, 10, false],
      [1500, 300, false],
    ]);
    expect(old.samples.map((s) => s[0])).toEqual([500, 1001, 1500]);
    expect(old.problem?.kind).toBe("crashed");
    // What counts is the CPU used within the window, not the child's total.
    expect(
      run([
        [0, 1000, false],
        [800, 1200, false],
      ]).problem,
    ).toBeUndefined();
    expect(
      run([
        [0, 1000, false],
        [800, 1201, false],
      ]).problem?.kind,
    ).toBe("crashed");
    // A reading exactly a window old is kept; one older is dropped.
    const edge: CpuSample[] = [];
    idleCpuProblem(edge, [0, 0, false]);
    idleCpuProblem(edge, [1000, 0, false]);
    expect(edge.map((r) => r[0])).toEqual([0, 1000]);
    idleCpuProblem(edge, [1001, 0, false]);
    expect(edge.map((r) => r[0])).toEqual([1000, 1001]);
  });

  it("CPU between requests on a loaded machine: the share allowed scales with the CPU a process can get, down to a floor", () => {
    const run = (cpuMs: number, within: number) => {
      const samples: CpuSample[] = [];
      idleCpuProblem(samples, [0, 0, false], within);
      return idleCpuProblem(samples, [800, cpuMs, false], within);
    };
    // A quarter of the CPU within reach: with half a core within reach, 100 ms over 800 ms is the limit.
    expect(run(100, 0.5)).toBeUndefined();
    expect(run(101, 0.5)?.kind).toBe("crashed");
    // Never below the floor (5 % of a CPU): an idle child uses next to none, whatever the load.
    expect(HOST_LIMITS.idleCpuShareFloor).toBe(0.05);
    expect(run(40, 0.01)).toBeUndefined();
    expect(run(41, 0.01)?.kind).toBe("crashed");
    // More than a whole CPU within reach is a whole CPU.
    expect(run(200, 4)).toBeUndefined();
    expect(run(201, 4)?.kind).toBe("crashed");
  });

  it("a frame's backstop: the longest limit, the start window when calls share it, and a grace of 10 % within [250, 2000] ms", () => {
    expect(frameBackstop([1000])).toEqual({ afterMs: 1250, reportMs: 1000 });
    expect(frameBackstop([5000])).toEqual({ afterMs: 5500, reportMs: 5000 });
    expect(frameBackstop([30_000])).toEqual({ afterMs: 32_000, reportMs: 30_000 });
    expect(frameBackstop([100, 3000, 200])).toEqual({ afterMs: 3000 + 2 * START_WINDOW_MS + 302, reportMs: 3000 });
    expect(frameBackstop([2500, 2500])).toEqual({ afterMs: 2520 + 252, reportMs: 2500 });
  });
});

describe("queued calls become frames", () => {
  const call = (sha: string, solo = false): QueuedCall =>
    ({ header: { sha }, solo, id: 0, limitMs: 1, what: "", event: { text: "", bytes: 0 } }) as unknown as QueuedCall;

  it("one bundle's calls share a frame, in order; other bundles and solo calls get frames of their own", () => {
    const a1 = call("a");
    const b1 = call("b");
    const a2 = call("a");
    const s = call("a", true);
    const a3 = call("a");
    expect(batchesOf([a1, b1, a2, s, a3])).toEqual([[a1, a2, a3], [b1], [s]]);
    expect(batchesOf([])).toEqual([]);
  });

  it("at most MAX_BATCH calls a frame", () => {
    const calls = Array.from({ length: 2 * MAX_BATCH + 1 }, () => call("a"));
    expect(batchesOf(calls).map((b) => b.length)).toEqual([MAX_BATCH, MAX_BATCH, 1]);
    expect(MAX_BATCH).toBe(64);
  });
});

describe("why the child ended", () => {
  it("a heap exhausted says so; anything else is a crash with the end of stderr", () => {
    for (const line of ["FATAL ERROR: heap out of memory", "Reached heap limit", "allocation failed - JavaScript"]) {
      const f = exitFailure(`noise\n${line}\n`, null, "SIGABRT");
      expect(f.kind, line).toBe("memory");
      expect(f.message).toBe("the action ran out of memory (the action host allows a 64 MB heap)");
    }
    expect(exitFailure("", 3, null).message).toBe("the action host exited unexpectedly (code 3)");
    expect(exitFailure("  \n", null, "SIGSEGV").message).toBe("the action host exited unexpectedly (SIGSEGV)");
    const long = ["1", "2", "3", "4", "5", "6"].join("\n");
    const f = exitFailure(long, 1, null);
    expect(f.kind).toBe("crashed");
    expect(f.message).toBe("the action host exited unexpectedly (code 1): 2 | 3 | 4 | 5 | 6");
    expect(exitFailure("x".repeat(1500), 1, null).message).toBe(`the action host exited unexpectedly (code 1): ${"x".repeat(1000)}`);
    expect(new HostFailure("gone", "m")).toBeInstanceOf(Error);
  });
});

describe("how the child is started", () => {
  it("is granted reading its runner folder only, and runs the runner's main module there", () => {
    const flag = permissionFlag(process.version);
    expect(childArguments({}, "/p/runner")).toEqual([
      flag,
      "--allow-fs-read=/p/runner",
      "--no-addons",
      "--frozen-intrinsics",
      "--disallow-code-generation-from-strings",
      "--max-old-space-size=64",
      "--no-warnings",
      `/p/runner/${RUNNER_MAIN}`,
      '{"network":false}',
    ]);
    // Network: the permission model's own grant where the running Node has one (Node 25), nothing else changes.
    const netGrant = process.allowedNodeEnvironmentFlags.has("--allow-net") ? ["--allow-net"] : [];
    expect(childArguments({ allowNetwork: true, unsafeAllowCodeGenerationForTests: true }, "/p/runner")).toEqual([
      flag,
      "--allow-fs-read=/p/runner",
      "--no-addons",
      "--frozen-intrinsics",
      "--max-old-space-size=64",
      "--no-warnings",
      ...netGrant,
      `/p/runner/${RUNNER_MAIN}`,
      '{"network":true}',
    ]);
  });

  it("the permission flag: --permission from 22.13, 23.5 and 24 on", () => {
    for (const [version, flag] of [
      ["v20.18.0", "--experimental-permission"],
      ["v22.5.0", "--experimental-permission"],
      ["v22.12.9", "--experimental-permission"],
      ["v22.13.0", "--permission"],
      ["v23.4.0", "--experimental-permission"],
      ["v23.5.0", "--permission"],
      ["v24.0.0", "--permission"],
      ["v25.9.0", "--permission"],
      ["21.7.0", "--experimental-permission"],
      ["22.13.0", "--permission"],
    ] as const)
      expect(permissionFlag(version), version).toBe(flag);
  });

  it("a harness may lower a limit through the environment, never raise it", () => {
    const name = "AUTH0_TENANT_HOST_PARTS_TEST_LIMIT";
    try {
      for (const [value, expected] of [
        ["1500", 1500],
        ["4999", 4999],
        ["5000", 5000],
        ["50000", 5000],
        ["1", 1],
        ["0", 5000],
        ["-1", 5000],
        ["1.5", 5000],
        ["abc", 5000],
      ] as const) {
        process.env[name] = value;
        expect(lowerable(5000, name), value).toBe(expected);
      }
      delete process.env[name];
      expect(lowerable(5000, name)).toBe(5000);
    } finally {
      delete process.env[name];
    }
  });

  it("Node versions without a permission model are refused", () => {
    expect(() => permissionFlag("v19.9.0")).toThrow("Node v19.9.0 has no permission model; the action host needs Node 20 or newer");
    expect(permissionFlag("v20.0.0")).toBe("--experimental-permission");
    expect(permissionFlag("v22.14.0")).toBe("--permission");
    expect(permissionFlag("v23.6.0")).toBe("--permission");
    expect(permissionFlag("v23.0.0")).toBe("--experimental-permission");
  });
});
