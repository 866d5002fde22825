/**
 * The claim mapping an action is bundled with. It is declared in the stack's spec (actions.<key>.claims / deny)
 * and compiled into the bundle as __ACTION_CONFIG__, so changing the mapping changes the bundle and its hash.
 */
export interface ClaimMapping {
  name: string;
  /** A dotted path into the event, e.g. "connection.name" or "user.app_metadata.plan". */
  from?: string;
  /** A constant value instead of `from`. */
  value?: string | number | boolean;
  tokens: ("id" | "access")[];
}

export interface DenyRule {
  /** A dotted path into the event; the client is denied when its value equals `equals` (as a string). */
  when: string;
  equals: string;
  code: string;
  reason: string;
}

export interface ActionConfig {
  claims: ClaimMapping[];
  deny?: DenyRule;
}

declare const __ACTION_CONFIG__: ActionConfig;

/** The mapping compiled into this bundle (an empty one when the action is bundled without a spec). */
export const actionConfig: ActionConfig = typeof __ACTION_CONFIG__ === "undefined" ? { claims: [] } : __ACTION_CONFIG__;

/** Reads a dotted path from the event; undefined when any step is missing. Only own fields (never the prototype). */
export function readPath(event: unknown, path: string): unknown {
  let value: unknown = event;
  for (const step of path.split(".")) {
    if (value === null || typeof value !== "object" || !Object.prototype.hasOwnProperty.call(value, step)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/** The value a mapping yields for this event; undefined means "leave the claim out". */
export function claimValue(mapping: ClaimMapping, event: unknown): unknown {
  return mapping.from !== undefined ? readPath(event, mapping.from) : mapping.value;
}

export function denyReason(rule: DenyRule | undefined, event: unknown): DenyRule | undefined {
  if (!rule) return undefined;
  const value = readPath(event, rule.when);
  return value !== undefined && String(value) === rule.equals ? rule : undefined;
}
