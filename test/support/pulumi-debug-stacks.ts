/**
 * Setup file (vitest.config.ts). @pulumi/pulumi captures a stack trace for every promise it makes
 * (runtime/debuggable.js, kept only for its leak message at exit); under Vitest each of those stacks would be formatted
 * through Vite's source-map rewrite, a large share of a Pulumi-under-mocks test's time. Those stacks are formatted
 * the way Node formats them; every other stack keeps its source-mapped form.
 */
const CAPTURED_BY = /[\\/]@pulumi[\\/]pulumi[\\/]runtime[\\/]debuggable\.js$/;
const INSTALLED = Symbol.for("auth0-tenant.test.pulumi-debug-stacks");

type Prepare = NonNullable<typeof Error.prepareStackTrace> & { [INSTALLED]?: true };

const plain = (error: Error, frames: NodeJS.CallSite[]) =>
  `${error.name || "Error"}: ${error.message || ""}` + frames.map((f) => `\n    at ${f}`).join("");

const current = Error.prepareStackTrace as Prepare | undefined;
if (current?.[INSTALLED] !== true) {
  const prepare: Prepare = (error, frames) =>
    current === undefined || CAPTURED_BY.test(frames[0]?.getFileName() ?? "") ? plain(error, frames) : current(error, frames);
  prepare[INSTALLED] = true;
  Error.prepareStackTrace = prepare;
}
