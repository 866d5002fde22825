import type { z } from "zod";
import type { SpecIssue } from "../spec/issues";
import type { SpecContext } from "../spec/types";

/** What a kind's spec steps read and report to: the stack file's mapping, the context, and the issues of the run. */
export interface SpecInput {
  given: Record<string, unknown>;
  ctx: SpecContext;
  errors: SpecIssue[];
  warnings: SpecIssue[];
  /** The envelope's own settings; absent when the envelope itself has errors. */
  options?: { credentialExpiryWarningDays: number };
}

/**
 * A kind's part of the tenant spec. The loader (src/tenant/load.ts) builds the envelope from every kind's `envelope`,
 * then runs every kind's `parse`, then every kind's `check`, in the registry's order (./specs.ts).
 */
export interface KindSpec<V = unknown> {
  /** Where one entry sits in the stack file, and its schema (zod, with Auth0's limits). */
  at: string;
  schema: z.ZodType;
  /** The stack file fields this kind owns, as the envelope checks them (none: it lives inside another kind's entries). */
  envelope: z.ZodRawShape;
  /** Its field of TenantSpec, which `parse` fills (absent: another kind's entries hold it, as applications hold grants). */
  section?: string;
  /** Leave the section out of TenantSpec when it has no entries (a kind added after stacks were written). */
  omitEmpty?: true;
  /** Entries the stack file gives → validated entries; one bad entry does not hide the others. */
  parse?: (input: SpecInput) => V | Promise<V>;
  /** The cross-checks, once every kind is parsed: against its own entries and the kinds before it. */
  check?: (tenant: never, input: SpecInput) => void;
  /**
   * The keys the stack file declares entries under, valid or not: an `adopt:` entry naming one with errors of its own
   * is not reported again. `alone: false` — entries of this kind alone still leave the tenant empty (a role grants
   * nothing without APIs).
   */
  declared?: (given: Record<string, unknown>) => string[];
  alone?: false;
}
