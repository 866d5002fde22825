import { z } from "zod";
import { didYouMean, listOrNone } from "./issues";

/** Separates the per-key messages of one unrecognized_keys issue; split again in ./parse.ts. */
export const KEY_MESSAGE_SEPARATOR = "\u001f";

/**
 * A strict object: unknown keys are errors, each with a "did you mean" hint and the allowed keys.
 * Typos in YAML config are the most common mistake, so every object in the spec goes through this.
 */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      return issue.keys
        .map((k) => `unknown field "${k}" (${didYouMean(k, allowed)}allowed: ${listOrNone(allowed)})`)
        .join(KEY_MESSAGE_SEPARATOR);
    },
  });
}
