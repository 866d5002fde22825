import { performance } from "node:perf_hooks";
import { commandBudget } from "../command-budget";
import { claimNameProblem, customClaimsBytes } from "../spec/claim-rules";
import { ActionLoadError, ActionRunError, actionHost, type ActionHost, type CallReply } from "./sandbox";
import { ACTION_LIMITS, TRIGGERS, type TokenKind, type Trigger } from "../spec/triggers";

export type { Trigger } from "../spec/triggers";
export { ActionRunError } from "./sandbox";

/**
 * The local action runtime: Auth0's semantics for one execution (claim rules, dropped claims, deny, logs). The
 * action's code itself runs in the isolated action host (./sandbox.ts, ./runner/), which records what the
 * handler asks of `api`; the rules below are applied here, on that record.
 */

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
  /** Another host than the shared one for the network policy (tests). */
  host?: ActionHost;
  /** The action's key in the spec: errors start with `actions.<key>: `. */
  action?: string;
}

interface RunState extends ActionRunResult {
  audience?: string;
  /** Bytes of claims per token beyond what the host passes back (the runner's output bound). */
  overflow: Partial<Record<TokenKind, { bytes: number; names: string[] }>>;
}

function setCustomClaim(state: RunState, token: TokenKind, name: string, value: unknown) {
  const claims = token === "id" ? state.idTokenClaims : state.accessTokenClaims;
  const problem = claimNameProblem(name, token, state.audience);
  if (problem) state.dropped.push({ claim: name, token, reason: problem });
  else Object.defineProperty(claims, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Auth0 rejects a token whose custom claims exceed 100 KB; report them as dropped. */
function enforceSize(state: RunState) {
  for (const [token, claims] of [
    ["id", state.idTokenClaims],
    ["access", state.accessTokenClaims],
  ] as const) {
    const over = state.overflow[token];
    const bytes = customClaimsBytes(claims) + (over?.bytes ?? 0);
    if (bytes > ACTION_LIMITS.customClaimsBytesPerToken) {
      const reason = `the ${token} token's custom claims total ${over ? "at least " : ""}${bytes} bytes (at most ${ACTION_LIMITS.customClaimsBytesPerToken})`;
      for (const claim of [...Object.keys(claims), ...(over?.names ?? [])]) state.dropped.push({ claim, token, reason });
      for (const claim of Object.keys(claims)) delete claims[claim];
    }
  }
}

/** Applies what the handler asked of `api` (recorded in the host) with Auth0's rules; a reply that is not such a record is refused. */
function apply(trigger: Trigger, reply: CallReply, state: RunState) {
  const malformed = () => new ActionRunError(`the action host sent a malformed record of the ${trigger} action's calls`);
  const tokens = TRIGGERS[trigger].tokens as readonly string[];
  state.logs.push(...reply.logs);
  for (const op of reply.ops) {
    if (op?.op === "claim" && tokens.includes(op.token) && typeof op.name === "string") {
      const token = op.token as TokenKind;
      if (typeof op.error === "string") {
        state.dropped.push({ claim: op.name, token, reason: op.error });
        continue;
      }
      let value: unknown;
      try {
        value = op.json === undefined ? undefined : JSON.parse(op.json);
      } catch {
        throw malformed();
      }
      setCustomClaim(state, token, op.name, value);
    } else if (
      op?.op === "deny" &&
      (op.code === undefined || typeof op.code === "string") &&
      (op.reason === undefined || typeof op.reason === "string")
    ) {
      state.denied ??= trigger === "credentials-exchange" ? { code: op.code, reason: op.reason! } : { reason: op.reason! };
    } else throw malformed();
  }
  for (const [token, over] of Object.entries(reply.overflow)) {
    if (
      !tokens.includes(token) ||
      typeof over?.bytes !== "number" ||
      !Array.isArray(over.names) ||
      !over.names.every((n) => typeof n === "string")
    )
      throw malformed();
    const before = state.overflow[token as TokenKind];
    state.overflow[token as TokenKind] = { bytes: (before?.bytes ?? 0) + over.bytes, names: [...(before?.names ?? []), ...over.names] };
  }
}

async function execute(code: string, trigger: Trigger, event: unknown, options: RunOptions, state: RunState): Promise<void> {
  const given = (event ?? {}) as Record<string, unknown>;
  const ev = { ...given, secrets: { ...(given.secrets as Record<string, string> | undefined), ...options.secrets } };
  const host = options.host ?? actionHost(options.allowNetwork ?? false);
  const limitMs = options.timeoutMs ?? ACTION_LIMITS.executionMs;
  const call = (timeoutMs: number) => host.execute({ code, trigger, handler: TRIGGERS[trigger].handler, event: ev, timeoutMs });
  const what = options.action === undefined ? `the ${trigger} action` : `actions.${options.action} (${trigger})`;
  let reply: CallReply;
  try {
    reply = await (commandBudget()?.action("call", code, limitMs, what, call) ?? call(limitMs));
  } catch (e) {
    if (options.action === undefined) throw e;
    if (e instanceof ActionLoadError) throw new ActionLoadError(`actions.${options.action}: ${e.message}`, { cause: e });
    if (e instanceof ActionRunError) throw new ActionRunError(`actions.${options.action}: ${e.message}`, { cause: e });
    throw e;
  }
  apply(trigger, reply, state);
}

function newState(event: unknown): RunState {
  const audience = (event as { resource_server?: { identifier?: string } } | undefined)?.resource_server?.identifier;
  return {
    idTokenClaims: {},
    accessTokenClaims: {},
    dropped: [],
    durationMs: 0,
    logs: [],
    overflow: {},
    ...(audience ? { audience } : {}),
  };
}

function finish(state: RunState, start: number): ActionRunResult {
  enforceSize(state);
  const { audience: _a, overflow: _o, ...result } = state;
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
    await execute(
      action.code,
      trigger,
      event,
      { ...options, action: action.key, secrets: { ...options.secrets, ...action.secrets } },
      state,
    );
    if (state.denied) break;
  }
  return finish(state, start);
}
