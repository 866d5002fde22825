import { afterAll, describe, expect, it } from "vitest";
import { credentialsExchangeEvent } from "../../src/actions/events";
import { runAction } from "../../src/actions/runtime";
import { ActionHost } from "../../src/actions/sandbox";

/**
 * Calls of one bundle that arrive together go to the action host in one frame and start together (runner/batch.cjs
 * runBatch): each must still get its own event, its own answer and its own limit, and one call's failure must not
 * become another's.
 */

const host = new ActionHost();
afterAll(() => host.close());

const event = (clientId: string) =>
  credentialsExchangeEvent({
    client: { client_id: clientId, name: "C", metadata: {} },
    resourceServer: { identifier: "https://api.example" },
  });

const CODE = `
exports.onExecuteCredentialsExchange = async (event, api) => {
  const id = event.client.client_id;
  if (id === "sync-loop") while (true) {}
  if (id === "await-loop") { await null; while (true) {} }
  await new Promise((r) => setTimeout(r, 1));
  api.accessToken.setCustomClaim("https://t.example/id", id + ":" + event.secrets.S);
};`;

const run = (clientId: string, secret = "s") =>
  runAction(CODE, "credentials-exchange", event(clientId), { host, timeoutMs: 300, secrets: { S: `${secret}-${clientId}` } }).then(
    (r) => ({ ok: r.accessTokenClaims["https://t.example/id"] }),
    (e: Error) => ({ error: `${e.constructor.name}: ${e.message}` }),
  );

describe("calls that arrive together", () => {
  it("each gets its own event and its own answer", async () => {
    await run("warm"); // the bundle loaded, so the calls below are queued in the same turn
    const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
    const results = await Promise.all(ids.map((id) => run(id)));
    expect(results).toEqual(ids.map((id) => ({ ok: `${id}:s-${id}` })));
  });

  it("calls that arrive while a frame runs wait in the host and then go together, in one frame", async () => {
    const slow = `exports.onExecuteCredentialsExchange = async (event, api) => {
      if (event.client.client_id === "slow") await new Promise((r) => setTimeout(r, 50));
      api.accessToken.setCustomClaim("https://t.example/id", event.client.client_id);
    };`;
    const call = (id: string) => runAction(slow, "credentials-exchange", event(id), { host, timeoutMs: 1000 });
    await call("warm");
    const stdin = (host as unknown as { child: { proc: { stdin: { write: (...a: unknown[]) => boolean } } } }).child.proc.stdin;
    const write = stdin.write;
    let frames = 0;
    stdin.write = (...a: unknown[]) => (frames++, write.apply(stdin, a));
    try {
      const running = call("slow");
      await new Promise((r) => setTimeout(r, 10));
      const later: Promise<unknown>[] = [];
      for (const id of ["x", "y", "z"]) {
        later.push(call(id));
        await new Promise((r) => setImmediate(r));
      }
      const results = await Promise.all([running, ...later]);
      expect(results.map((r) => (r as { accessTokenClaims: Record<string, unknown> }).accessTokenClaims["https://t.example/id"])).toEqual([
        "slow",
        "x",
        "y",
        "z",
      ]);
      expect(frames).toBe(2);
    } finally {
      stdin.write = write;
    }
  });

  it("a synchronous busy loop beside others: it alone is stopped by its limit; the others answer and the child stays", async () => {
    await run("warm");
    const spawned = host.spawned;
    const ids = ["a", "b", "sync-loop", "c", "d"];
    const results = await Promise.all(ids.map((id) => run(id)));
    // vm's timeout, in the child: "(the action host was stopped)" would mean the host had to kill it.
    expect((results[2] as { error: string }).error).toMatch(
      /ActionRunError: the credentials-exchange action did not finish within 300 ms$/,
    );
    for (const i of [0, 1, 3, 4]) expect(results[i]).toEqual({ ok: `${ids[i]}:s-${ids[i]}` });
    expect(host.spawned).toBe(spawned);
  });

  it("a busy loop after an await beside others: the child is stopped; the others run again alone and answer", async () => {
    await run("warm");
    const spawned = host.spawned;
    const ids = ["a", "await-loop", "b", "c"];
    const results = await Promise.all(ids.map((id) => run(id)));
    expect((results[1] as { error: string }).error).toMatch(
      /the credentials-exchange action did not finish within 300 ms \(the action host was stopped\)$/,
    );
    for (const i of [0, 2, 3]) expect(results[i]).toEqual({ ok: `${ids[i]}:s-${ids[i]}` });
    expect(host.spawned).toBeGreaterThan(spawned);
  }, 20_000);
});
