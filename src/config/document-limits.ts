import { formatPath, type PathSegment } from "../spec/issues";

/**
 * The shape every parsed input document (a YAML stack file or shared definition, a JSON event or user file, the
 * tenant value the Pulumi engine hands the program) must have before anything else walks it: validation, merging,
 * error messages and JSON output all recurse, and a document that is cyclic, very deep or huge once its aliases are
 * expanded would make each of them overflow the stack or run for minutes.
 */

/** Nesting deeper than this is refused (a tenant spec is about 8 levels deep; an event about 5). */
export const MAX_DEPTH = 64;
/**
 * A document's value may not be larger than this many nodes once its aliases are expanded: a "billion laughs"
 * document is a few hundred bytes whose aliases expand to billions of nodes.
 */
export const MAX_EXPANDED_NODES = 2_000_000;

interface Frame {
  node: object;
  keys: PathSegment[];
  next: number;
  size: number;
  height: number;
}

/**
 * Walks a parsed document as its readers will (aliases expanded) and refuses it, naming the file and the path, when
 * it refers back to a node that contains it (a cycle), nests deeper than MAX_DEPTH or expands to more than
 * MAX_EXPANDED_NODES nodes. The walk is iterative, so no input can overflow it, and a node shared through aliases is
 * measured once. Returns the expanded node count.
 */
export function checkDocument(root: unknown, file: string, fail: (message: string) => Error): number {
  if (typeof root !== "object" || root === null) return 1;
  const measured = new Map<object, { size: number; height: number }>();
  const onPath = new Set<object>([root]);
  const at: PathSegment[] = [];
  const stack: Frame[] = [frameOf(root)];
  const where = () => `${file}: ${formatPath(at)}`;
  const add = (parent: Frame, size: number, height: number) => {
    parent.size += size;
    parent.height = Math.max(parent.height, height + 1);
    if (parent.size > MAX_EXPANDED_NODES)
      throw fail(
        `${where()}: YAML aliases expand to more than ${MAX_EXPANDED_NODES} nodes; allowed: a document whose expanded value stays within that bound — write the values out, or use fewer nested aliases`,
      );
  };
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next === top.keys.length) {
      stack.pop();
      onPath.delete(top.node);
      measured.set(top.node, { size: top.size, height: top.height });
      const parent = stack[stack.length - 1];
      if (parent) add(parent, top.size, top.height);
      at.pop();
      continue;
    }
    const key = top.keys[top.next++]!;
    const child = (top.node as Record<PathSegment, unknown>)[key];
    at.push(key);
    if (typeof child !== "object" || child === null) {
      add(top, 1, 0);
      at.pop();
      continue;
    }
    if (onPath.has(child))
      throw fail(
        `${where()}: refers back to a node that contains it (a cycle through a YAML alias, which no reader could walk to its end); allowed: aliases to nodes outside themselves`,
      );
    const known = measured.get(child);
    if (known) {
      if (stack.length + Math.max(known.height, 1) > MAX_DEPTH) throw tooDeep(where(), fail);
      add(top, known.size, known.height);
      at.pop();
      continue;
    }
    if (stack.length + 1 > MAX_DEPTH) throw tooDeep(where(), fail);
    onPath.add(child);
    stack.push(frameOf(child));
  }
  return measured.get(root)!.size;
}

function frameOf(node: object): Frame {
  const keys = Array.isArray(node) ? Array.from(node.keys()) : Object.keys(node);
  return { node, keys, next: 0, size: 1, height: 0 };
}

const tooDeep = (where: string, fail: (message: string) => Error) =>
  fail(`${where}: nested more than ${MAX_DEPTH} levels deep; allowed: at most ${MAX_DEPTH} levels`);
