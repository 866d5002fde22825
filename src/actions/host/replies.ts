/** What the child answers, and the checks the host makes of it before anything of it is used. */

export interface Reply {
  id: number;
  ok: boolean;
  error?: { kind: string; message: string };
  [field: string]: unknown;
}

export interface ClaimOp {
  op: "claim";
  token: string;
  name: string;
  json?: string;
  error?: string;
}
export interface DenyOp {
  op: "deny";
  code?: string;
  reason?: string;
}
export interface CallReply {
  ops: (ClaimOp | DenyOp)[];
  logs: string[];
  overflow: Record<string, { bytes: number; names: string[] }>;
}

export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** A call's reply in its checked shape, or undefined when it is malformed. */
export function callReplyOf(reply: Reply): CallReply | undefined {
  if (!Array.isArray(reply.ops) || !isStringArray(reply.logs) || typeof reply.overflow !== "object" || reply.overflow === null)
    return undefined;
  return { ops: reply.ops as CallReply["ops"], logs: reply.logs, overflow: reply.overflow as CallReply["overflow"] };
}

/** A load's reply in its checked shape (`functions`: the exports that are functions), or undefined when it is malformed. */
export function loadReplyOf(reply: Reply): { exports: string[]; functions: string[] } | undefined {
  const { exports, functions } = reply;
  if (!isStringArray(exports) || !isStringArray(functions)) return undefined;
  return { exports, functions: functions.filter((f) => exports.includes(f)) };
}

/** Why the child's first message does not show the isolation the host asked for; undefined when it does. */
export function readyProblem(message: unknown, allowNetwork: boolean): string | undefined {
  const m = message as { type?: string; network?: string; permission?: Record<string, boolean> };
  if (m?.type !== "ready") return "the action host did not report ready";
  const p = m.permission ?? {};
  if (!p.active || p.fsWrite || p.fsReadOutside || p.childProcess || p.worker) {
    return `the Node permission model is not in force in the action host (${JSON.stringify(p)}); refusing to run action code`;
  }
  if (!allowNetwork && m.network !== "blocked") return "the action host did not block the network; refusing to run action code";
  return undefined;
}
