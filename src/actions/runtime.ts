import { performance } from "node:perf_hooks";
import { claimNameProblem, customClaimsBytes } from "./claim-rules";
import { loadAction, logSink } from "./sandbox";
import { ACTION_LIMITS, TRIGGERS, type TokenKind, type Trigger } from "./triggers";

export type { Trigger } from "./triggers";

export interface DroppedClaim {
  claim: string;
  token: TokenKind;
  reason: string;
}

export interface ActionRunResult {
  idTokenClaims: Record<string, unknown>;
  accessTokenClaims: Record<string, unknown>;
  dropped: DroppedClaim[];
  denied?: { code?: string; reason: string };
  durationMs: number;
  logs: string[];
}

export interface RunOptions {
  secrets?: Record<string, string>;
  timeoutMs?: number;
  allowNetwork?: boolean;
}

export class ActionRunError extends Error {}

/** Auth0 stops an action after 20 s. */
export const DEFAULT_TIMEOUT_MS = 20_000;

interface RunState extends ActionRunResult {
  audience?: string;
}

function tokenApi(state: RunState, token: TokenKind) {
  const claims = token === "id" ? state.idTokenClaims : state.accessTokenClaims;
  return {
    setCustomClaim(name: string, value: unknown) {
      const problem = claimNameProblem(String(name), token, state.audience);
      if (problem) state.dropped.push({ claim: String(name), token, reason: problem });
      else claims[String(name)] = value;
    },
  };
}

function cacheApi() {
  const entries = new Map<string, { value: string; expires_at?: number }>();
  return {
    get: (key: string) => entries.get(key),
    set: (key: string, value: string, options?: { ttl?: number }) => {
      entries.set(key, { value, ...(options?.ttl ? { expires_at: Date.now() + options.ttl } : {}) });
      return { type: "success" };
    },
    delete: (key: string) => (entries.delete(key), { type: "success" }),
  };
}

/** The `api` object Auth0 hands to a handler, recording what the action asks for. */
function buildApi(trigger: Trigger, state: RunState) {
  /** Calls the local runtime does not carry out are noted in the logs rather than ignored silently. */
  const noted =
    (name: string) =>
    (...args: unknown[]) =>
      void state.logs.push(`[local runtime] api.${name}(${args.map((a) => JSON.stringify(a)).join(", ")}) is not simulated`);
  const accessToken = {
    ...tokenApi(state, "access"),
    addScope: noted("accessToken.addScope"),
    removeScope: noted("accessToken.removeScope"),
  };
  if (trigger === "credentials-exchange") {
    return {
      accessToken,
      access: { deny: (code: string, reason: string) => void (state.denied ??= { code, reason }) },
      cache: cacheApi(),
    };
  }
  return {
    idToken: tokenApi(state, "id"),
    accessToken,
    access: { deny: (reason: string) => void (state.denied ??= { reason }) },
    user: { setAppMetadata: noted("user.setAppMetadata"), setUserMetadata: noted("user.setUserMetadata") },
    multifactor: { enable: noted("multifactor.enable") },
    cache: cacheApi(),
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ActionRunError(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/** Auth0 rejects a token whose custom claims exceed 100 KB; report them as dropped. */
function enforceSize(state: RunState) {
  for (const [token, claims] of [
    ["id", state.idTokenClaims],
    ["access", state.accessTokenClaims],
  ] as const) {
    const bytes = customClaimsBytes(claims);
    if (bytes > ACTION_LIMITS.customClaimsBytesPerToken) {
      for (const claim of Object.keys(claims)) {
        state.dropped.push({
          claim,
          token,
          reason: `the ${token} token's custom claims total ${bytes} bytes (at most ${ACTION_LIMITS.customClaimsBytesPerToken})`,
        });
        delete claims[claim];
      }
    }
  }
}

async function execute(code: string, trigger: Trigger, event: unknown, options: RunOptions, state: RunState): Promise<void> {
  const loaded = loadAction(code, options);
  const handler = loaded.exports[TRIGGERS[trigger].handler];
  if (typeof handler !== "function") {
    throw new ActionRunError(`the bundle exports no ${TRIGGERS[trigger].handler} handler for ${trigger}`);
  }
  const given = (event ?? {}) as Record<string, unknown>;
  const ev = { ...given, secrets: { ...(given.secrets as Record<string, string> | undefined), ...options.secrets } };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  await withTimeout(
    logSink.run(state.logs, async () => {
      try {
        return await loaded.call(TRIGGERS[trigger].handler, [ev, buildApi(trigger, state)], timeoutMs);
      } catch (e) {
        if ((e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT")
          throw new ActionRunError(`the ${trigger} action did not finish within ${timeoutMs} ms`);
        throw e;
      }
    }),
    timeoutMs,
    `the ${trigger} action`,
  );
}

function newState(event: unknown): RunState {
  const audience = (event as { resource_server?: { identifier?: string } } | undefined)?.resource_server?.identifier;
  return { idTokenClaims: {}, accessTokenClaims: {}, dropped: [], durationMs: 0, logs: [], ...(audience ? { audience } : {}) };
}

function finish(state: RunState, start: number): ActionRunResult {
  enforceSize(state);
  const { audience: _a, ...result } = state;
  return { ...result, durationMs: performance.now() - start };
}

/** Runs one bundled action's handler on an Auth0-shaped event. */
export async function runAction(code: string, trigger: Trigger, event: unknown, options: RunOptions = {}): Promise<ActionRunResult> {
  const start = performance.now();
  const state = newState(event);
  await execute(code, trigger, event, options, state);
  return finish(state, start);
}

/** Runs bound actions in order, merging claims, stopping at the first deny (as Auth0 does). */
export async function runTrigger(
  actions: { key: string; code: string; secrets?: Record<string, string> }[],
  trigger: Trigger,
  event: unknown,
  options: RunOptions = {},
): Promise<ActionRunResult> {
  const start = performance.now();
  const state = newState(event);
  for (const action of actions) {
    await execute(action.code, trigger, event, { ...options, secrets: { ...options.secrets, ...action.secrets } }, state);
    if (state.denied) break;
  }
  return finish(state, start);
}
