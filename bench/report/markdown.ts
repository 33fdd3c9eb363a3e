/** BENCHMARKS.md from a run: results against the goals, the figures behind them, profiles, analysis, how to reproduce. */
import type { AuditBreakdown } from '../authorizer/audit-breakdown';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeGoal, MEASURE_KEYS, type BenchResults } from '../results';
import type { Spread } from '../support/stats';
import { DESCRIPTIONS, PROFILE_TITLES } from './descriptions';
import { formatNumber } from './table';

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const row = (cells: (string | number)[]) => `| ${cells.map((c) => (typeof c === 'number' ? formatNumber(c) : c)).join(' | ')} |`;
const head = (cells: string[]) => [row(cells), row(cells.map(() => '---'))];
const spreadText = (s: Spread | undefined) => (s ? `${formatNumber(s.median)} (p25 ${formatNumber(s.p25)} – p75 ${formatNumber(s.p75)}, ${s.n} rounds)` : '–');

type Details = {
  wall_us: Record<string, number>;
  authorizer: { spreads: Record<string, Spread>; audit_share_by_difference: number; decisions: number; async_decisions: number; audit_lines: number };
  ddb_calls: {
    snapshot: { decisions: number; calls: Record<string, number>; durationMs: number; refreshMs: number };
    strict: { decisions: number; calls: Record<string, number> };
  };
  token: { spreads: Record<string, Record<string, Spread>>; requests: number };
  audit_breakdown: AuditBreakdown;
  cold: Record<'authorizer' | 'token', ColdRow> & { require_by_dependency: { name: string; bytes: number; requireMs: number }[] };
  bundles: { source: string; build_ms: number; all_zip_bytes: Record<string, number>; composition: Record<string, [string, number][]> };
  http: { measured: string; local_stack?: HttpRun; local_stack_error?: string; direct: HttpRun };
};
type ColdRow = { samples: number; totalMs: number; requireMs: number; firstCallMs: number; cpuMs: number; bootMs: number };
type Load = { rps: number; latencyP50Ms: number; latencyP99Ms: number; requests: number; non2xx: number; errors: number; durationS: number };
type HttpRun = { via: string; token: Load; authorized: Load; connections: number };

function goalsSection(r: BenchResults): string[] {
  const out = ['## Goals', '', ...head(['measure', 'result', 'goal', 'status'])];
  for (const g of r.goals) out.push(row([`\`${g.path}\``, formatNumber(g.value), describeGoal(g), g.pass ? 'pass' : '**miss**']));
  return out;
}

function figuresSection(r: BenchResults): string[] {
  const out = ['## Every figure', '', ...head(['key', 'value', 'what it is'])];
  for (const key of MEASURE_KEYS) {
    const f = r.measures[key];
    // A results file from before a figure existed (--render of an older latest.json) has no value for it.
    const value = f === undefined ? '– (not in this run)' : typeof f === 'number' ? formatNumber(f) : Object.entries(f).map(([k, v]) => `${k}: ${formatNumber(v)}`).join('<br>');
    out.push(row([`\`${key}\``, value, DESCRIPTIONS[key]]));
  }
  return out;
}

function cpuSection(r: BenchResults, d: Details): string[] {
  const a = d.audit_breakdown;
  const out = ['## CPU per operation', '', 'Median over rounds; each round ran every variant once, in rotated order. CPU = user + system time of the process (every thread), so the system call writing each audit line is counted; the backends (and the process draining the audit pipe) run in other processes and are not.', ''];
  out.push(...head(['variant', 'CPU µs', 'wall µs']));
  for (const [k, v] of Object.entries(r.rawUs)) out.push(row([`\`${k}\``, v, d.wall_us[k] ?? '–']));
  out.push('', 'Spread of the per-round ratios (median, quartiles):', '');
  for (const [k, s] of Object.entries(d.authorizer.spreads)) out.push(`- \`${k}\`: ${spreadText(s)}`);
  const auditLabel: Record<string, string> = { with_audit: 'audit line before the answer', without_audit: 'no audit', private_key_jwt: 'private_key_jwt client authentication, audit line before the answer' };
  for (const [alg, set] of Object.entries(d.token.spreads)) for (const [k, s] of Object.entries(set)) out.push(`- token issue ratio ${alg}, ${auditLabel[k] ?? k}: ${spreadText(s)}`);
  out.push(
    '',
    `One audit event, piece by piece (CPU): building its line (scrub and serialize) ${formatNumber(a.entryBuildUs)} µs; writing it to a pipe another process drains (one synchronous write(2), ${formatNumber(a.lineBytes)} bytes, the reader woken) ${formatNumber(a.lineWriteUs)} µs, and to /dev/null (the system call alone) ${formatNumber(a.devNullWriteUs)} µs; for comparison, \`JSON.stringify\` of the event object ${formatNumber(a.jsonStringifyUs)} µs.`,
    '',
    `Audit share cross-check, (decision − decision without audit) ÷ decision: ${pct(d.authorizer.audit_share_by_difference)}. Decisions run: ${d.authorizer.decisions} (${d.authorizer.async_decisions} answered asynchronously), audit lines written: ${d.authorizer.audit_lines}; token requests: ${d.token.requests}.`,
  );
  return out;
}

function ddbSection(d: Details): string[] {
  const calls = (c: Record<string, number>) => Object.entries(c).map(([k, v]) => `${v} × ${k.replace('DynamoDB_20120810.', '')}`).join(', ') || 'none';
  const s = d.ddb_calls.snapshot;
  return [
    '## DynamoDB calls per decision',
    '',
    `- snapshot mode: ${s.decisions} decisions over ${(s.durationMs / 1000).toFixed(1)} s → ${calls(s.calls)} (the background feed refresh, at most one per ${s.refreshMs} ms per container).`,
    `- strict mode: ${d.ddb_calls.strict.decisions} decisions → ${calls(d.ddb_calls.strict.calls)}.`,
  ];
}

function coldSection(r: BenchResults, d: Details): string[] {
  const out = ['## Cold start and bundles', '', `Artifacts: ${d.bundles.source} (${(d.bundles.build_ms / 1000).toFixed(1)} s).`, ''];
  out.push(...head(['function', 'require + first call', 'require', 'first call', 'CPU', 'node boot (not counted)', 'samples']));
  for (const fn of ['authorizer', 'token'] as const) {
    const c = d.cold[fn];
    out.push(row([fn, `${formatNumber(c.totalMs)} ms`, `${formatNumber(c.requireMs)} ms`, `${formatNumber(c.firstCallMs)} ms`, `${formatNumber(c.cpuMs)} ms`, `${formatNumber(c.bootMs)} ms`, c.samples]));
  }
  const split = d.cold.require_by_dependency ?? [];
  if (split.length) {
    out.push('', 'Require time of the authorizer\'s heavy dependencies, each imported as the authorizer imports it (SDK clients constructed), bundled alone with the same esbuild settings; median of fresh processes:', '');
    out.push(...head(['bundled alone', 'minified', 'require']));
    for (const c of split) out.push(row([c.name, kb(c.bytes), `${formatNumber(c.requireMs)} ms`]));
  }
  const b = r.measures.bundle_bytes as Record<string, number>;
  out.push('', ...head(['function', 'handler file', 'zip']));
  for (const fn of ['authorizer', 'token']) out.push(row([fn, kb(b[`${fn}_js`]), kb(b[`${fn}_zip`])]));
  const all = Object.entries(d.bundles.all_zip_bytes);
  if (all.length) out.push('', `Every zip of the package: ${all.map(([k, v]) => `${k} ${kb(v)}`).join(', ')}.`);
  for (const [fn, comp] of Object.entries(d.bundles.composition)) {
    out.push('', `What the minified ${fn} handler file is made of (largest first): ${comp.slice(0, 10).map(([k, v]) => `${k} ${kb(v)}`).join(', ')}.`);
  }
  return out;
}

function httpSection(d: Details): string[] {
  const out = [
    '## HTTP (information only)',
    '',
    'autocannon over loopback, bounded in time, on the same 2 cores as the server and the backends. Through the local stack every request crosses the local gateway and serverless-offline, whose per-invocation overhead dominates: these figures say nothing about Lambda throughput. The bare-server rows run the same bundles behind node:http, without serverless-offline.',
    '',
    ...head(['via', 'request', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'connections', 'seconds']),
  ];
  for (const run of [d.http.local_stack, d.http.direct]) {
    if (!run) continue;
    for (const [name, l] of [
      ['POST /oauth2/token', run.token],
      ['GET /demo/data (authorized)', run.authorized],
    ] as const) {
      out.push(row([run.via, name, l.rps, l.latencyP50Ms, l.latencyP99Ms, l.requests, l.non2xx + l.errors, run.connections, l.durationS]));
    }
  }
  if (d.http.local_stack_error) out.push('', `The local stack failed in this run (${d.http.local_stack_error}): \`http_token_rps\` and \`http_authorized_rps\` are the bare-server figures.`);
  else if (!d.http.local_stack) out.push('', 'This run did not start the local stack (quick mode): `http_token_rps` and `http_authorized_rps` are the bare-server figures.');
  return out;
}

function profilesSection(r: BenchResults): string[] {
  const names = Object.keys(r.profiles);
  if (!names.length) return ['## Where the time goes', '', 'No profiles in this run (quick mode).'];
  const out = [
    '## Where the time goes',
    '',
    'Self time by owner (a package, a file of this repository, node internals, GC) and by function, from V8 CPU profiles of the same workloads; the `.cpuprofile` files are written to `bench/results/` (git-ignored; open them in Chrome DevTools).',
  ];
  for (const name of names) {
    const p = r.profiles[name];
    out.push('', `### ${PROFILE_TITLES[name] ?? name}`, '', `${p.samples} samples over ${(p.durationMs / 1000).toFixed(1)} s.`, '');
    out.push(`- by owner: ${p.byOwner.slice(0, 8).map((o) => `${o.name} ${pct(o.share)}`).join(', ')}`);
    out.push(`- by function: ${p.byFunction.slice(0, 8).map((o) => `\`${o.name}\` ${pct(o.share)}`).join(', ')}`);
  }
  return out;
}

function reproduceSection(): string[] {
  return [
    '## How to reproduce',
    '',
    '```sh',
    'npm ci',
    'npm run bench              # full run, a few minutes: writes BENCHMARKS.md and bench/results/latest.json',
    'npm run bench -- --quick   # the same harness in seconds (fewer rounds, esbuild instead of serverless package, no local stack, no profiles)',
    'npm run bench -- --render  # only rewrite BENCHMARKS.md from bench/results/latest.json (after editing bench/analysis.md)',
    'npm run bench -- --help    # options (--out, --md, --no-profile)',
    '```',
    '',
    'Nothing but npm packages and loopback: DynamoDB is dynalite in a child process, so its CPU is not counted; the functions\' audit lines go to a pipe that another process (`cat`) drains, as Lambda drains a function\'s stdout, so the write and the reader\'s wake-up are counted; keys are generated at run time. Ratios are measured side by side in one process (interleaved rounds, per-round ratios, median), so they hold on a busy machine; absolute µs and ms move with the load. `test/bench/quick.test.ts` runs the quick mode to keep the harness working; no test asserts a timing.',
  ];
}

export function renderMarkdown(r: BenchResults, analysisFile: string): string {
  const d = r.details as unknown as Details;
  const m = r.machine;
  const analysis = existsSync(analysisFile) ? readFileSync(analysisFile, 'utf8').trim() : '';
  const missed = r.goals.filter((g) => !g.pass).map((g) => `\`${g.path}\``);
  const lines = [
    '# Benchmarks',
    '',
    `<!-- Generated by \`npm run bench\` (bench/report/markdown.ts) from bench/results/latest.json; the analysis comes from ${join('bench', 'analysis.md')}. -->`,
    '',
    `Latest run: ${r.generatedAt} (${r.mode}, ${r.durationS} s). Machine: ${m.cpus} × ${m.model}, ${m.arch}, ${m.os}, ${m.memoryGb} GB. Node ${r.versions.node}.`,
    `Load average (1 / 5 / 15 min): ${m.loadBefore.join(' / ')} before, ${m.loadAfter.join(' / ')} after${m.loadBefore[0] > m.cpus / 2 ? ': other work shared the machine; the ratios cancel it, the absolute µs and ms are inflated by it' : ''}.`,
    '',
    missed.length ? `Goals missed: ${missed.join(', ')} — see "Where the time goes" and "Analysis".` : 'Every goal is met.',
    '',
    ...goalsSection(r),
    '',
    ...figuresSection(r),
    '',
    ...cpuSection(r, d),
    '',
    ...ddbSection(d),
    '',
    ...coldSection(r, d),
    '',
    ...httpSection(d),
    '',
    ...profilesSection(r),
    '',
    ...(analysis ? [analysis, ''] : []),
    ...reproduceSection(),
    '',
    '## Versions',
    '',
    ...head(['package', 'version']),
    ...Object.entries(r.versions).map(([k, v]) => row([k, v])),
    '',
  ];
  return lines.join('\n');
}
