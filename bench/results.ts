/**
 * The shape of bench/results/latest.json: one named figure per measure (a number, or a few named numbers),
 * the goals they are held to, the raw per-operation figures, and the details behind them.
 */
import type { ProfileSummary } from './report/profile-summary';
import type { MachineInfo } from './support/machine';

export type Figure = number | Record<string, number>;

/** Every key of `measures`, in report order. */
export const MEASURE_KEYS = [
  'authorizer_decision_ratio',
  'aws_jwt_verify_ratio',
  'jose_ratio',
  'authorizer_repeat_token_ratio',
  'authorizer_ddb_calls_per_decision',
  'audit_emit_share',
  'token_issue_ratio',
  'token_issue_ratio_without_audit',
  'private_key_jwt_issue_ratio',
  'private_key_jwt_ddb_calls_per_request',
  'refresh_issue_ratio',
  'refresh_ddb_calls',
  'authorizer_cold_init_ms',
  'token_cold_init_ms',
  'bundle_bytes',
  'http_token_rps',
  'http_authorized_rps',
  'http_direct_token_rps',
  'http_direct_authorized_rps',
  'peak_rss_mib',
  'code_flow_ms',
  'code_flow_ddb_calls',
  'login_post_cpu_ms',
] as const;

export type MeasureKey = (typeof MEASURE_KEYS)[number];

export interface Goal {
  /** Which figure: the measure, or one named number of it (`token_issue_ratio.RS256`). */
  path: string;
  op: '<=' | '>=' | '=';
  target: number;
  /** Tolerance for `=`. */
  tolerance?: number;
}

export const GOALS: Goal[] = [
  { path: 'authorizer_decision_ratio', op: '<=', target: 1.5 },
  { path: 'authorizer_repeat_token_ratio', op: '<=', target: 0.3 },
  // "0 in steady state": the only calls are the background feed refresh, one per refreshMs per container
  { path: 'authorizer_ddb_calls_per_decision.snapshot', op: '<=', target: 0.01 },
  { path: 'authorizer_ddb_calls_per_decision.strict', op: '=', target: 1, tolerance: 0.01 },
  { path: 'audit_emit_share', op: '<=', target: 0.05 },
  { path: 'token_issue_ratio.RS256', op: '>=', target: 0.9 },
  { path: 'token_issue_ratio.ES256', op: '>=', target: 0.6 },
  // The assertion check and its jti write add at most one DynamoDB call (the conditional PutItem of the jti).
  { path: 'private_key_jwt_ddb_calls_per_request', op: '<=', target: 1 },
  // A refresh: one BatchGetItem (family, user, grant and session records) and one conditional UpdateItem (issue 16).
  { path: 'refresh_ddb_calls', op: '<=', target: 2 },
  { path: 'authorizer_cold_init_ms', op: '<=', target: 60 },
  // The authorization code flow: authorize with a session ≤ 2 DynamoDB calls, the code exchange ≤ 3 (issue 15).
  { path: 'code_flow_ddb_calls.authorize', op: '<=', target: 2 },
  { path: 'code_flow_ddb_calls.token', op: '<=', target: 3 },
];

export interface GoalResult extends Goal {
  value: number;
  pass: boolean;
}

export interface BenchResults {
  schema: 1;
  generatedAt: string;
  mode: 'full' | 'quick';
  durationS: number;
  machine: MachineInfo & { loadBefore: number[]; loadAfter: number[] };
  versions: Record<string, string>;
  measures: Record<MeasureKey, Figure>;
  goals: GoalResult[];
  /** CPU µs per operation (median of rounds) of every variant measured side by side. */
  rawUs: Record<string, number>;
  details: Record<string, unknown>;
  profiles: Record<string, ProfileSummary>;
}

export function figureAt(measures: Record<string, Figure>, path: string): number {
  const [key, sub] = path.split('.');
  const f = measures[key];
  if (sub === undefined) return typeof f === 'number' ? f : Number.NaN;
  return typeof f === 'object' && f !== null && typeof f[sub] === 'number' ? f[sub] : Number.NaN;
}

export function evaluateGoals(measures: Record<string, Figure>): GoalResult[] {
  return GOALS.map((g) => {
    const value = figureAt(measures, g.path);
    const pass =
      Number.isFinite(value) && (g.op === '<=' ? value <= g.target : g.op === '>=' ? value >= g.target : Math.abs(value - g.target) <= (g.tolerance ?? 0));
    return { ...g, value, pass };
  });
}

/** Every number of a figure, with its path (for checks and the table). */
export function leaves(measures: Record<string, Figure>): [string, number][] {
  const out: [string, number][] = [];
  for (const [key, f] of Object.entries(measures)) {
    if (typeof f === 'number') out.push([key, f]);
    else for (const [sub, v] of Object.entries(f)) out.push([`${key}.${sub}`, v]);
  }
  return out;
}

export const describeGoal = (g: Goal) => `${g.op === '=' ? '=' : g.op === '<=' ? '≤' : '≥'} ${g.target}`;
