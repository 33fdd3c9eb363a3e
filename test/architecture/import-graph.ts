/**
 * The repository's import graph by folder, for the architecture rules: every relative import of every
 * TypeScript file (type-only imports too), read with the TypeScript scanner.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

export const ROOT = resolve(__dirname, '..', '..');
const SCANNED = ['lib', 'functions', 'infra', 'testkit', 'bench', 'test'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|js|cjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.js`, join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
  return undefined;
}

/**
 * The folder a file belongs to: `lib/<concern>`, `infra/<part>`, or the top folder (functions, testkit,
 * bench, test). A file directly in lib/ or infra/ is its own unit (`lib/(top)`).
 */
export function unitOf(file: string): string {
  const parts = relative(ROOT, file).split('/');
  if ((parts[0] === 'lib' || parts[0] === 'infra') && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  if (parts[0] === 'lib' || parts[0] === 'infra') return `${parts[0]}/(top)`;
  return parts[0];
}

export interface ImportEdge {
  from: string;
  to: string;
}

export function importEdges(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const top of SCANNED) {
    const dir = join(ROOT, top);
    if (!existsSync(dir)) continue;
    for (const file of sourceFiles(dir)) {
      const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      for (const ref of info.importedFiles) {
        if (!ref.fileName.startsWith('.')) continue;
        const target = resolveImport(file, ref.fileName);
        if (target) edges.push({ from: relative(ROOT, file), to: relative(ROOT, target) });
      }
    }
  }
  return edges;
}

/** Strongly connected components of more than one unit: each is a folder cycle. */
export function folderCycles(edges: ImportEdge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const a = unitOf(join(ROOT, e.from));
    const b = unitOf(join(ROOT, e.to));
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    if (a !== b) graph.get(a)!.add(b);
  }
  // Tarjan
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v)!) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}
