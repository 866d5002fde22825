import { CORE_SCHEMA, load, YAMLException, type LoadOptions } from "js-yaml";
import { StackConfigError } from "../errors";
import { commandBudget, currentLimits, describeLimit } from "../command-budget";
import { markTree } from "../dict";
import { excerpt } from "../excerpt";
import { checkDocument, MAX_DEPTH } from "./document-limits";

/**
 * The project's one YAML library is js-yaml: it reads a 10,000-application stack file in a fraction of the time a
 * Document-based parser takes, and its node events give the positions that comment-preserving edits need
 * (see ./yaml-edit.ts). The core schema keeps unquoted dates (expiresAt: 2027-01-01T00:00:00Z) as strings, as the
 * Pulumi program receives them; duplicate keys are errors.
 */

export interface NodeRange {
  /** Offset of the node's first character and of the character after its last one. */
  start: number;
  end: number;
}

/** Parses YAML text with the project's limits; errors name the file, the line and what is allowed. */
export function parseYaml(text: string, file: string): unknown {
  return parseWith(text, file, {});
}

/**
 * Parses YAML text and records where each mapping and sequence sits in it, keyed by the parsed object itself, so an
 * editor can change exactly the lines of one node and leave every other byte alone.
 */
export function parseYamlWithRanges(text: string, file: string): { value: unknown; rangeOf: (node: object) => NodeRange | undefined } {
  const ranges = new Map<object, NodeRange>();
  const starts: number[] = [];
  const value = parseWith(text, file, {
    listener(event, state) {
      if (event === "open") {
        starts.push(state.position);
        return;
      }
      const start = starts.pop() ?? 0;
      const result = state.result as unknown;
      if (typeof result === "object" && result !== null && !ranges.has(result)) {
        ranges.set(result, { start: firstContent(text, start), end: state.position });
      }
    },
  });
  return { value, rangeOf: (node) => ranges.get(node) };
}

function parseWith(text: string, file: string, options: Pick<LoadOptions, "listener">): unknown {
  const limits = currentLimits();
  if (text.length > limits.yamlFileBytes) {
    throw new StackConfigError(`${file}: ${text.length} bytes; allowed: at most ${describeLimit("yamlFileBytes", limits)}`);
  }
  let value: unknown;
  try {
    value = load(text, { filename: file, schema: CORE_SCHEMA, ...options, ...({ maxDepth: MAX_DEPTH } as object) });
  } catch (e) {
    if (e instanceof YAMLException) throw new StackConfigError(`${file}: invalid YAML: ${excerpt(e.message, 400)}`);
    throw e;
  }
  // js-yaml bounds the nesting it parses (maxDepth); what aliases build is measured here.
  // Aliases need anchors (`&name`): a document without an `&` has none, its nesting is the parser's and its size its text's.
  if (text.includes("&")) {
    const nodes = checkDocument(value, file, (message) => new StackConfigError(message));
    commandBudget()?.chargeAliasNodes(nodes, file);
    return value;
  }
  return markTree(value);
}

/** js-yaml reports a node's start before the separating white space; a range starts at its first character. */
function firstContent(text: string, at: number): number {
  let i = at;
  while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  return i;
}
