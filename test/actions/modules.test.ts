import { builtinModules, isBuiltin } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialsExchangeEvent } from "../../src/actions/events";
import { ActionRunError, runAction } from "../../src/actions/runtime";
import { ActionHost, inspectBundle } from "../../src/actions/sandbox";

/**
 * What action code may require: the allow-list (docs/action-sandbox.md), walked from both sides against every
 * built-in module of this Node version, so a built-in added by a Node upgrade is refused until someone allows it.
 */

const ALLOWED = [
  "assert",
  "assert/strict",
  "buffer",
  "crypto",
  "events",
  "path",
  "path/posix",
  "path/win32",
  "punycode",
  "querystring",
  "stream",
  "stream/consumers",
  "stream/promises",
  "stream/web",
  "string_decoder",
  "timers/promises",
  "url",
  "util",
  "util/types",
  "zlib",
];
const NETWORK = ["dns", "dns/promises", "http", "http2", "https", "net", "tls"];
/** Built-ins that exist only with the node: prefix. */
const PREFIX_ONLY = ["node:test", "node:test/reporters", "node:sea", "node:sqlite"].filter((m) => isBuiltin(m));
const everyBuiltin = [...builtinModules, ...PREFIX_ONLY.map((m) => m.slice("node:".length))];
const refused = everyBuiltin.filter((m) => !ALLOWED.includes(m) && !NETWORK.includes(m));

/** Requires the module named in the event's secrets and reports what it got. */
const PROBE = `exports.onExecuteCredentialsExchange = async (event, api) => {
  const m = require(event.secrets.MODULE);
  api.accessToken.setCustomClaim("https://t.example/type", typeof m);
};`;

const event = () =>
  credentialsExchangeEvent({ client: { client_id: "c", name: "C", metadata: {} }, resourceServer: { identifier: "https://api.example" } });

let host: ActionHost;
let networked: ActionHost;
beforeAll(() => {
  host = new ActionHost();
  networked = new ActionHost({ allowNetwork: true });
});
afterAll(async () => {
  await Promise.all([host.close(), networked.close()]);
});

const probe = (specifier: string, on: ActionHost) =>
  runAction(PROBE, "credentials-exchange", event(), { host: on, secrets: { MODULE: specifier }, action: "probe" }).then(
    (r) => r.accessTokenClaims["https://t.example/type"],
    (e: unknown) => e,
  );

describe("the modules an action may require", () => {
  it("the deny side holds the dangerous ones the issue names (the walk below is not vacuous)", () => {
    for (const m of ["fs", "child_process", "vm", "process", "worker_threads", "module", "inspector", "v8", "cluster", "os"])
      expect(refused).toContain(m);
    expect(refused.length).toBeGreaterThan(30);
  });

  it.each(ALLOWED.flatMap((m) => [m, `node:${m}`]))("allowed: %s", async (specifier) => {
    expect(await probe(specifier, host)).toMatch(/^(object|function)$/);
  });

  it.each(NETWORK.flatMap((m) => [m, `node:${m}`]))("%s: refused (network blocked), allowed with --allow-network", async (specifier) => {
    const blocked = await probe(specifier, host);
    expect(blocked).toBeInstanceOf(ActionRunError);
    expect((blocked as Error).message).toBe(
      `actions.probe: require("${specifier}"): network access is blocked in the local action runtime (allow it explicitly with --allow-network)`,
    );
    expect(await probe(specifier, networked)).toMatch(/^(object|function)$/);
  });

  it.each(refused.flatMap((m) => [m, `node:${m}`]).filter((s) => isBuiltin(s)))(
    "refused, naming the action and the module, even with --allow-network: %s",
    async (specifier) => {
      for (const on of [host, networked]) {
        const error = await probe(specifier, on);
        expect(error).toBeInstanceOf(ActionRunError);
        expect((error as Error).message).toMatch(
          new RegExp(
            `^actions\\.probe: require\\("${specifier.replace(/[/]/g, "\\/")}"\\): this Node built-in is not available to actions in the local runtime \\(an action may require assert, assert/strict, buffer, crypto, `,
          ),
        );
      }
    },
  );

  it("the cases that reached the runner: vm.runInThisContext and require('process')", async () => {
    for (const body of ["return require('vm').runInThisContext('process').pid", "return require('process').pid"]) {
      const code = `exports.onExecuteCredentialsExchange = async (event, api) => { api.accessToken.setCustomClaim("https://t.example/pid", (() => { ${body} })()); };`;
      const error = await runAction(code, "credentials-exchange", event(), { host, action: "escape" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ActionRunError);
      expect((error as Error).message).toMatch(
        /^actions\.escape: require\("(vm|process)"\): this Node built-in is not available to actions/,
      );
    }
  });

  it("a module that is not a built-in: bundle it", async () => {
    const error = await probe("left-pad", host);
    expect((error as Error).message).toMatch(
      /^actions\.probe: require\("left-pad"\): only Node built-ins are available at run time; bundle other modules into the action/,
    );
  });

  it("at the top level, the load fails with the module named", async () => {
    const error = await inspectBundle("const vm = require('node:vm'); exports.onExecuteCredentialsExchange = async () => {};", {
      host,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^require\("node:vm"\): this Node built-in is not available to actions/);
  });
});
