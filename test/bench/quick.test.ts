/**
 * Keeps the benchmark harness working: runs `npm run bench -- --quick` in-process, writing into a temporary
 * directory (never over bench/results/latest.json or BENCHMARKS.md), and checks what a reader gets.
 * No timing is asserted: only that every figure exists and is a finite number, and the call counts, which
 * do not depend on the machine.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../../bench/options';
import { formatTable } from '../../bench/report/table';
import { figureAt, GOALS, leaves, MEASURE_KEYS, type BenchResults } from '../../bench/results';
import { main } from '../../bench/run';

let dir: string;
let written: BenchResults;
let markdown: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-test-'));
  const opts = { ...parseArgs(['--quick', '--out', join(dir, 'latest.json'), '--md', join(dir, 'BENCHMARKS.md')]), profileDir: join(dir, 'profiles') };
  await main(opts, () => {});
  written = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as BenchResults;
  markdown = readFileSync(join(dir, 'BENCHMARKS.md'), 'utf8');
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the results file has every measure, each a finite, non-negative number', () => {
  expect(written.mode).toBe('quick');
  expect(Object.keys(written.measures)).toEqual([...MEASURE_KEYS]);
  const numbers = leaves(written.measures);
  expect(numbers.length).toBeGreaterThanOrEqual(MEASURE_KEYS.length);
  for (const [path, value] of numbers) {
    expect({ path, finite: Number.isFinite(value), nonNegative: value >= 0 }).toEqual({ path, finite: true, nonNegative: true });
  }
  // the figures that are work done per unit of something cannot be zero
  for (const key of ['authorizer_decision_ratio', 'aws_jwt_verify_ratio', 'jose_ratio', 'authorizer_cold_init_ms', 'token_cold_init_ms', 'http_token_rps'] as const) {
    expect(written.measures[key]).toBeGreaterThan(0);
  }
});

test('every goal is judged on the figure it names', () => {
  expect(written.goals.map((g) => g.path)).toEqual(GOALS.map((g) => g.path));
  for (const g of written.goals) {
    expect(g.value).toBe(figureAt(written.measures, g.path));
    expect(typeof g.pass).toBe('boolean');
  }
});

test('the raw figures, machine and versions are recorded', () => {
  for (const key of ['raw_verify_RS256', 'decision', 'decision_repeat_token', 'audit_emit', 'raw_sign_RS256', 'raw_sign_ES256', 'token_core_RS256', 'token_core_ES256']) {
    expect(Number.isFinite(written.rawUs[key]) && written.rawUs[key] > 0).toBe(true);
  }
  expect(written.machine.cpus).toBeGreaterThan(0);
  expect(written.machine.loadBefore).toHaveLength(3);
  expect(written.versions.node).toBe(process.version);
  expect(written.versions['aws-jwt-verify']).toMatch(/^\d+\.\d+\.\d+/);
});

test('strict revocation costs exactly one DynamoDB call per decision; snapshot mode fewer', () => {
  const calls = written.measures.authorizer_ddb_calls_per_decision as Record<string, number>;
  expect(calls.strict).toBe(1);
  expect(calls.snapshot).toBeLessThan(calls.strict);
});

test('private_key_jwt costs exactly one DynamoDB call per token request (the jti write), counted at the wire', () => {
  expect(written.measures.private_key_jwt_ddb_calls_per_request).toBe(1);
  const token = written.details.token as { private_key_jwt_ddb_calls: { calls: Record<string, number>; requests: number } };
  expect(token.private_key_jwt_ddb_calls.calls).toEqual({ 'PutItem assertion-jti': token.private_key_jwt_ddb_calls.requests });
  for (const alg of ['RS256', 'ES256']) expect(written.rawUs[`token_core_private_key_jwt_${alg}`]).toBeGreaterThan(0);
});

test('the code flow: authorize with a session makes at most 2 DynamoDB calls, the code exchange at most 3 (counted at the wire)', () => {
  const calls = written.measures.code_flow_ddb_calls as Record<string, number>;
  expect(calls.authorize).toBeLessThanOrEqual(2);
  expect(calls.token).toBeLessThanOrEqual(3);
  expect(calls.authorize).toBeGreaterThan(0);
  expect(written.measures.code_flow_ms).toBeGreaterThan(0);
  expect(written.measures.login_post_cpu_ms).toBeGreaterThan(0);
});

test('BENCHMARKS.md shows every measure, the goals, the machine and how to reproduce', () => {
  for (const key of MEASURE_KEYS) expect(markdown).toContain(`\`${key}\``);
  for (const g of GOALS) expect(markdown).toContain(`\`${g.path}\``);
  expect(markdown).toContain(written.machine.model);
  expect(markdown).toContain('## How to reproduce');
  expect(markdown).toContain('npm run bench -- --quick');
});

test('the console table lists every figure with its goal status', () => {
  const table = formatTable(written);
  for (const [path] of leaves(written.measures)) expect(table).toContain(path);
  expect(table.match(/\b(pass|MISS)\b/g)).toHaveLength(GOALS.length);
});

test('a quick run never writes over the committed results unless told to', () => {
  const quick = parseArgs(['--quick']);
  expect(quick.out.startsWith(tmpdir())).toBe(true);
  expect(quick.markdown).toBeUndefined();
  const full = parseArgs([]);
  expect(full.out).toMatch(/bench\/results\/latest\.json$/);
  expect(full.markdown).toMatch(/BENCHMARKS\.md$/);
});
