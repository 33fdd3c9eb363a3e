/**
 * The architecture, as rules that fail on a new violation: no import cycle between folders, the layers
 * point one way (lib never reaches into the CLIs, the test kit or the tests), and Lambda handlers stay thin.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderCycles, importEdges, ROOT, unitOf } from './import-graph';

const edges = importEdges();
const unitEdges = (from: (u: string) => boolean, to: (u: string) => boolean) =>
  edges.filter((e) => from(unitOf(join(ROOT, e.from))) && to(unitOf(join(ROOT, e.to)))).map((e) => `${e.from} → ${e.to}`);

test('there is no import cycle between folders', () => {
  expect(folderCycles(edges)).toEqual([]);
});

test('the cycle check finds a cycle when there is one', () => {
  const cycles = folderCycles([
    { from: 'lib/a/x.ts', to: 'lib/b/y.ts' },
    { from: 'lib/b/y.ts', to: 'lib/c/z.ts' },
    { from: 'lib/c/z.ts', to: 'lib/a/w.ts' },
  ]);
  expect(cycles).toEqual([['lib/a', 'lib/b', 'lib/c']]);
});

test('lib/ imports nothing from the CLIs, the local stack, the test kit, the tests, the benchmarks or the handlers', () => {
  expect(unitEdges((u) => u.startsWith('lib/'), (u) => !u.startsWith('lib/'))).toEqual([]);
});

test('lib/ has no loose files: every file belongs to a concern', () => {
  expect(readdirSync(join(ROOT, 'lib')).filter((f) => f.endsWith('.ts'))).toEqual([]);
});

test('the test kit and the benchmarks never import the tests', () => {
  expect(unitEdges((u) => u === 'testkit' || u === 'bench', (u) => u === 'test')).toEqual([]);
  expect(unitEdges((u) => u === 'testkit', (u) => u === 'bench')).toEqual([]);
});

test('functions/* are thin adapters: under 40 lines, wired only through lib/composition and lib/http', () => {
  for (const name of readdirSync(join(ROOT, 'functions'))) {
    const text = readFileSync(join(ROOT, 'functions', name), 'utf8');
    expect({ name, lines: text.trimEnd().split('\n').length <= 40 }).toEqual({ name, lines: true });
  }
  const reached = new Set(edges.filter((e) => e.from.startsWith('functions/')).map((e) => unitOf(join(ROOT, e.to))));
  expect([...reached].filter((u) => u !== 'lib/composition' && u !== 'lib/http').sort()).toEqual([]);
});

test('nothing that ships or runs for users (lib, functions, infra) imports the test kit', () => {
  expect(unitEdges((u) => u.startsWith('lib/') || u === 'functions' || u.startsWith('infra/'), (u) => u === 'testkit' || u === 'test')).toEqual([]);
});
