/**
 * The import graph of a TypeScript source folder, parsed with the TypeScript compiler API (a
 * dependency already): static imports and re-exports (type-only ones marked), dynamic import(),
 * require() and import("…") types. tsx/ESM-style specifiers ("./x", "./x.js", "./x/index")
 * resolve to their .ts files. Only relative imports are edges: packages and node: builtins are
 * outside the graph. madge and dependency-cruiser would add ~100 packages for this one check.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** One import of a module: the imported module and whether it is `import type` / `export type` only. */
export interface ImportEdge {
  to: string;
  /** Erased at compile time: never loads the module (no load-order cycle), but still couples the stages. */
  typeOnly: boolean;
}

/** module (path relative to the root, "/"-separated, with extension) → its relative imports. */
export type ImportGraph = Map<string, ImportEdge[]>;

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function resolveRelative(fromFile: string, spec: string): string | undefined {
  const base = resolve(dirname(fromFile), spec);
  const stem = base.replace(/\.(js|mjs|cjs)$/, "");
  for (const c of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, join(base, "index.ts")]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return undefined;
}

const posix = (p: string) => p.split(sep).join("/");

/** The module specifiers a file imports: static imports, re-exports, dynamic import() and require(). */
function specifiers(file: string): { spec: string; typeOnly: boolean }[] {
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: { spec: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      // `import type {…}`, or `import {type a, type b}` with no value binding: erased.
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      out.push({ spec: node.moduleSpecifier.text, typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      out.push({ spec: node.moduleSpecifier.text, typeOnly: node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)) });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      out.push({ spec: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length > 0 &&
      ts.isStringLiteralLike(node.arguments[0]) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))
    ) {
      out.push({ spec: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ spec: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every .ts module under `root` and its relative imports; an import that resolves to no file is an error. */
export function importGraph(root: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of listTs(root).sort()) {
    const deps = new Map<string, boolean>();
    for (const { spec, typeOnly } of specifiers(file)) {
      if (!spec.startsWith(".")) continue;
      const target = resolveRelative(file, spec);
      if (!target) throw new Error(`${posix(relative(root, file))}: import "${spec}" resolves to no file`);
      const rel = posix(relative(root, target));
      if (rel.startsWith("..")) continue;
      // A module imported both ways is a value import.
      deps.set(rel, (deps.get(rel) ?? true) && typeOnly);
    }
    graph.set(
      posix(relative(root, file)),
      [...deps].sort(([a], [b]) => a.localeCompare(b)).map(([to, typeOnly]) => ({ to, typeOnly })),
    );
  }
  return graph;
}

/** The graph of the imports that load modules at run time (type-only imports dropped). */
export function valueImports(graph: ImportGraph): Map<string, string[]> {
  return new Map([...graph].map(([m, edges]) => [m, edges.filter((e) => !e.typeOnly).map((e) => e.to)]));
}

/**
 * Import cycles: the strongly connected components with more than one module (or a module that
 * imports itself), each as a closed path "a → b → … → a" through the component (Tarjan's algorithm).
 */
export function findCycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(comp);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return components.map((comp) => cyclePath(graph, new Set(comp)));
}

/** One closed path through a strongly connected component, starting at its first module by name. */
function cyclePath(graph: Map<string, string[]>, comp: Set<string>): string[] {
  const start = [...comp].sort()[0];
  // Breadth-first search for the shortest way back to start inside the component.
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!comp.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = prev.get(x)!) path.splice(1, 0, x);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

/** The stage of a module: its first folder ("metrics/frame.ts" → "metrics"); top-level files have "". */
export function stageOf(module: string): string {
  const i = module.indexOf("/");
  return i < 0 ? "" : module.slice(0, i);
}

export interface StageRules {
  /** Stages in pipeline order; a stage may import its own and earlier ranks. Entries at one rank are listed together. */
  order: string[][];
  /** Folders outside the order that may import any stage (entry points and tools); only cycles through them are errors. */
  free: string[];
  /** Modules or folders every stage may import (helpers that import no stage, such as paths.ts). */
  shared: string[];
}

/** The node a module belongs to in the stage graph: a shared module is its own node, else its folder. */
function nodeOf(module: string, shared: Set<string>): string {
  return shared.has(module) ? module : stageOf(module) || module;
}

/**
 * Imports (type-only ones included: they couple the stages too) that go backwards in the stage
 * order, from a shared module into a stage, or to or from a folder the rules do not name.
 */
export function backwardImports(graph: ImportGraph, rules: StageRules): string[] {
  const rank = new Map<string, number>();
  rules.order.forEach((level, r) => level.forEach((s) => rank.set(s, r)));
  const free = new Set(rules.free);
  const shared = new Set(rules.shared);
  const known = (s: string) => rank.has(s) || free.has(s) || shared.has(s);
  const bad: string[] = [];
  for (const [from, deps] of graph) {
    const a = nodeOf(from, shared);
    if (!known(a)) bad.push(`${from}: its folder "${a}" is not in the stage rules`);
    for (const { to } of deps) {
      const b = nodeOf(to, shared);
      if (a === b || shared.has(b) || free.has(a) || free.has(b)) continue;
      if (!known(b)) bad.push(`${from} → ${to}: "${b}" is not in the stage rules`);
      else if (shared.has(a)) bad.push(`${from} → ${to}: shared module ${a} may not import a stage`);
      else if (rank.get(b)! > rank.get(a)!) bad.push(`${from} → ${to}: ${a} comes before ${b} in the stage order`);
    }
  }
  return bad;
}

/**
 * Cycles between stages (folders; a shared module counts as its own node), over every import:
 * the check that also covers the free folders, which the order does not rank.
 */
export function stageCycles(graph: ImportGraph, rules: StageRules): string[][] {
  const shared = new Set(rules.shared);
  const folders = new Map<string, Set<string>>();
  for (const [from, deps] of graph) {
    const a = nodeOf(from, shared);
    const set = folders.get(a) ?? new Set<string>();
    folders.set(a, set);
    for (const { to } of deps) {
      const b = nodeOf(to, shared);
      if (a !== b) set.add(b);
    }
  }
  return findCycles(new Map([...folders].map(([k, v]) => [k, [...v].sort()])));
}
