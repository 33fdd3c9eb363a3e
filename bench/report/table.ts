/** The console table of a run: every figure, its goal and pass/miss. */
import { describeGoal, leaves, type BenchResults } from '../results';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (Number.isInteger(v) || a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return String(Number(v.toPrecision(3)));
}

export function formatTable(r: BenchResults): string {
  const goals = new Map(r.goals.map((g) => [g.path, g]));
  const rows: string[][] = [['measure', 'value', 'goal', '']];
  for (const [path, value] of leaves(r.measures)) {
    const g = goals.get(path);
    rows.push([path, formatNumber(value), g ? describeGoal(g) : 'info', g ? (g.pass ? 'pass' : 'MISS') : '']);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const lines = rows.map((row) => row.map((c, i) => pad(c, widths[i])).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const raw = Object.entries(r.rawUs).map(([k, v]) => `  ${pad(k, 36)} ${formatNumber(v)} µs`);
  return [
    `portcullis benchmarks (${r.mode}, ${r.durationS} s) — ${r.machine.cpus} × ${r.machine.model}, Node ${r.versions.node}, load ${r.machine.loadBefore[0]} → ${r.machine.loadAfter[0]}`,
    '',
    ...lines,
    '',
    'CPU per operation (median of rounds):',
    ...raw,
  ].join('\n');
}
