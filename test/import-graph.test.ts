import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");

/**
 * Vocabulary modules: the words several layers share (resource types, Management API records, Auth0's lifetimes, each
 * kind's field table). Each is a unit of its own and may import only other vocabulary and the files directly in src/,
 * so that a layer below the kind registry (spec, model) and the registry itself can both read them.
 */
const VOCABULARY = [
  /^src\/model\/desired\.ts$/,
  /^src\/live\/records\.ts$/,
  /^src\/spec\/token-lifetimes\.ts$/,
  /^src\/kinds\/[a-z-]+\/fields\.ts$/,
];
const isVocabulary = (rel: string) => VOCABULARY.some((v) => v.test(rel));

/**
 * The layer modules of the kinds: each kind's spec and model (src/kinds/<kind>/spec.ts, model.ts), the interfaces they
 * satisfy and the light registries that list them (TenantSpec and TenantModel are derived there). They sit on the
 * generic spec and model layers and below the rest of each kind (review, drift, import, live): each is a unit of its
 * own, so the rotation rules and the build step can read a kind's spec without reaching its review.
 */
const KIND_SPEC = /^src\/kinds\/([a-z-]+\/spec|kind-spec|specs)\.ts$/;
const KIND_MODEL = /^src\/kinds\/([a-z-]+\/model|kind-model|models)\.ts$/;
const isKindLayer = (rel: string) => KIND_SPEC.test(rel) || KIND_MODEL.test(rel);

/**
 * The units whose imports must flow one way: each folder under src/, each file directly in src/, cli/ and components/,
 * and each vocabulary module.
 */
function unitOf(file: string): string | undefined {
  const relPath = path.relative(root, file).split(path.sep).join("/");
  if (isVocabulary(relPath) || isKindLayer(relPath)) return relPath.replace(/\.ts$/, "");
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === "cli" || rel[0] === "components") return rel[0];
  if (rel[0] === "src" && rel.length >= 2) return rel.length === 2 ? `src/${rel[1]!.replace(/\.[cm]?[jt]s$/, "")}` : `src/${rel[1]}`;
  return undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const at = path.join(dir, name);
    if (statSync(at).isDirectory()) return sourceFiles(at);
    return /\.(ts|mts|cts|cjs|mjs)$/.test(name) && !name.endsWith(".d.ts") ? [at] : [];
  });
}

function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, ...[".ts", ".cjs", ".mjs", ".js", ".json"].map((e) => base + e), path.join(base, "index.ts")];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** Each file's relative imports as written, with the file each resolves to; every file of the tree is read once. */
const importsByFile = new Map<string, { fileName: string; target: string | undefined }[]>();
function importsIn(file: string) {
  let imports = importsByFile.get(file);
  if (imports === undefined) {
    // preProcessFile lists static imports, exports-from, import() and require() calls.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    imports = importedFiles.map(({ fileName }) => ({ fileName, target: resolve(file, fileName) }));
    importsByFile.set(file, imports);
  }
  return imports;
}

/** Unit → unit → one file-level import that makes the edge (for the message). Type-only imports count too. */
function unitGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  const files = ["src", "cli", "components"].flatMap((d) => sourceFiles(path.join(root, d)));
  for (const file of files) {
    const from = unitOf(file)!;
    if (!graph.has(from)) graph.set(from, new Map());
    for (const { fileName, target } of importsIn(file)) {
      const to = target && unitOf(target);
      if (!to || to === from || graph.get(from)!.has(to)) continue;
      graph.get(from)!.set(to, `${path.relative(root, file)} imports ${fileName}`);
    }
  }
  return graph;
}

/** Strongly connected components with more than one unit (Tarjan), each sorted, then one cycle path inside each. */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do component.push((w = stack.pop()!));
      while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indexOf.has(v)) visit(v);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** The shortest path from a back to a (a cycle through a), by breadth-first search inside the component. */
function cyclePath(graph: Map<string, Map<string, string>>, component: string[]): string[] {
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!component.includes(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return component;
}

/** The units a file imports (its resolved relative imports), by unit. */
function importsOf(file: string): string[] {
  return importsIn(file).flatMap(({ target }) => {
    const unit = target && unitOf(target);
    return unit ? [unit] : [];
  });
}

const topLevelFile = (unit: string) => /^src\/[^/]+$/.test(unit) && existsSync(path.join(root, `${unit}.ts`));

describe("the kind registry sits between the layers", () => {
  const files = sourceFiles(path.join(root, "src")).map((f) => [f, path.relative(root, f).split(path.sep).join("/")] as const);

  it("a vocabulary module imports only vocabulary and the files directly in src/", () => {
    const vocabulary = files.filter(([, rel]) => isVocabulary(rel));
    expect(vocabulary.length).toBeGreaterThanOrEqual(5);
    const wrong = vocabulary.flatMap(([file, rel]) =>
      importsOf(file)
        .filter((u) => !isVocabulary(`${u}.ts`) && !topLevelFile(u))
        .map((u) => `${rel} imports ${u}`),
    );
    expect(wrong).toEqual([]);
  });

  it("the generic layers (src/spec, src/model) read no kind but its field table", () => {
    const wrong = files.flatMap(([file, rel]) => {
      const from = unitOf(file)!;
      if (from !== "src/spec" && from !== "src/model") return [];
      return importsOf(file)
        .filter((to) => to === "src/kinds" || to === "src/tenant" || isKindLayer(`${to}.ts`))
        .map((to) => `${rel} imports ${to}`);
    });
    expect(wrong).toEqual([]);
    expect(unitGraph().get("src/spec")?.has("src/kinds/api/fields")).toBe(true);
  });

  it("a kind's spec and model modules import nothing built on them: not the rest of the kinds, the loops, or the commands", () => {
    const above = ["src/kinds", "src/tenant", "src/plan", "src/review", "src/live", "src/local-tenant", "cli", "components"];
    const wrong = files.flatMap(([file, rel]) =>
      isKindLayer(rel)
        ? importsOf(file)
            .filter((to) => above.includes(to) || (KIND_SPEC.test(rel) && KIND_MODEL.test(`${to}.ts`)))
            .map((to) => `${rel} imports ${to}`)
        : [],
    );
    expect(wrong).toEqual([]);
    expect(unitGraph().get("src/kinds/specs")?.has("src/kinds/role/spec")).toBe(true);
    expect(unitGraph().get("src/kinds/role/model")?.has("src/model/desired")).toBe(true);
  });

  it("the loader and the model builder (src/tenant) loop over the light registries, not the review, drift and import modules", () => {
    const graph = unitGraph();
    expect(graph.get("src/tenant")?.has("src/kinds")).toBe(false);
    expect(graph.get("src/tenant")?.has("src/kinds/specs")).toBe(true);
    expect(graph.get("src/tenant")?.has("src/kinds/models")).toBe(true);
  });

  it("the rest of the kinds (review, drift, import, live) imports no layer built on them", () => {
    const above = ["src/tenant", "src/plan", "src/review", "src/live", "src/local-tenant", "cli", "components"];
    const wrong = files.flatMap(([file, rel]) => {
      const from = unitOf(file)!;
      return importsOf(file)
        .filter((to) => from === "src/kinds" && above.includes(to))
        .map((to) => `${rel} imports ${to}`);
    });
    expect(wrong).toEqual([]);
    expect(unitGraph().get("src/review")?.has("src/kinds")).toBe(true);
  });
});

describe("imports flow one way between the source folders", () => {
  it("the scan sees the imports (a cycle planted in a graph is found, with its path)", () => {
    const planted = new Map([
      ["src/spec", new Map([["src/actions", "x"]])],
      ["src/actions", new Map([["src/model", "y"]])],
      ["src/model", new Map([["src/spec", "z"]])],
      ["cli", new Map([["src/spec", "w"]])],
    ]);
    expect(cycles(planted)).toEqual([["src/actions", "src/model", "src/spec"]]);
    expect(cyclePath(planted, ["src/actions", "src/model", "src/spec"])).toEqual(["src/actions", "src/model", "src/spec", "src/actions"]);
    const real = unitGraph();
    expect(real.get("cli")?.has("src/plan")).toBe(true);
    expect(real.get("src/kinds/application/model")?.has("src/spec")).toBe(true);
  });

  it("no cycle between src/<folder>, the files in src/, cli/ and components/", () => {
    const graph = unitGraph();
    const report = cycles(graph).map((component) => {
      const route = cyclePath(graph, component);
      const edges = route.slice(1).map((to, i) => `  ${route[i]} -> ${to}: ${graph.get(route[i]!)!.get(to)}`);
      return [`cycle among ${component.join(", ")}:`, ...edges].join("\n");
    });
    expect(report.join("\n")).toBe("");
  });
});
