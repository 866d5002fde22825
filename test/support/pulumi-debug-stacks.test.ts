import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

// The module Pulumi's own modules call debuggablePromise through (runtime/debuggable.js), as the setup file sees it.
const debuggable = createRequire(__filename)("@pulumi/pulumi/runtime/debuggable.js") as {
  debuggablePromise: <T>(p: Promise<T>, ctx: string) => Promise<T>;
};
type Debugged = Promise<unknown> & { _debugStackTrace?: string; _debugCtx?: string };

describe("Pulumi's promises under test (test/support/pulumi-debug-stacks.ts)", () => {
  it("are made without a stack trace, and only that differs", async () => {
    const p = Promise.resolve(42) as Debugged;
    const made = debuggable.debuggablePromise(p, "the context");
    expect(p._debugStackTrace).not.toMatch(/\n\s+at /); // no frames
    expect(p._debugCtx).toBe("the context");
    await expect(made).resolves.toBe(42);
    const failing = Promise.reject(new Error("refused")) as Debugged;
    const error = await debuggable.debuggablePromise(failing, "a failure").catch((e: Error & { promise?: unknown }) => e);
    expect(error).toMatchObject({ message: "refused" });
    expect((error as { promise?: unknown }).promise).toBe(failing);
  });

  it("other errors keep their stack", () => {
    expect(new Error("here").stack).toMatch(/\n\s+at /);
  });
});
