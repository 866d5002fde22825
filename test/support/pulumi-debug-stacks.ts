import { createRequire } from "node:module";

/**
 * Setup file (vitest.config.ts). @pulumi/pulumi captures a stack trace for every promise it makes
 * (runtime/debuggable.js, debuggablePromise: `new Error().stack`), kept only for the message PULUMI_DEBUG_PROMISE_LEAKS
 * prints at exit; a Pulumi-under-mocks test makes tens of thousands of them and the captures are a fifth of its CPU.
 * Unless that variable is set, each is captured with no frames; the promise, its leak tracking and everything else
 * debuggablePromise does are Pulumi's own. Pulumi's modules call it through the module's exports at each call, so the
 * wrapper installed here is the one they call.
 */
interface Debuggable {
  debugPromiseLeaks: boolean;
  debuggablePromise: (<T>(p: Promise<T>, ctx: unknown) => Promise<T>) & { [WRAPPED]?: true };
}

const WRAPPED = Symbol.for("auth0-tenant.test.pulumi-debug-stacks");
const debuggable = createRequire(__filename)("@pulumi/pulumi/runtime/debuggable.js") as Debuggable;

const original = debuggable.debuggablePromise;
if (original[WRAPPED] !== true && !debuggable.debugPromiseLeaks) {
  const withoutStack: Debuggable["debuggablePromise"] = (p, ctx) => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return original(p, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  withoutStack[WRAPPED] = true;
  debuggable.debuggablePromise = withoutStack;
}
