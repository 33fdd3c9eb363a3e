/**
 * `npm audit --omit=dev` when the advisory service answers. A service that does not answer (an HTTP error such as
 * the 405 some registries and mirrors give, a network error, no answer within the time limit) skips the audit and
 * says so: it is not a failure. An answer that lists a high or critical advisory fails: with --omit=dev the report
 * covers production dependencies only. Anything else npm prints instead of a report is a failure too (npm could
 * not audit, for a reason the message gives).
 */
import { spawn } from 'node:child_process';
import type { CheckResult } from './check-result';

export interface NpmAuditRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  /** Killed at the time limit. */
  timedOut: boolean;
  timeoutMs: number;
}

export interface NpmAuditOptions {
  cwd: string;
  /** Killed after this long (default 90 s). */
  timeoutMs?: number;
  /** Another registry (tests: a local one). */
  registry?: string;
  /** The npm to run (default: the npm running this script, else `npm` on PATH). */
  npm?: string[];
  env?: NodeJS.ProcessEnv;
}

const defaultNpm = (): string[] => (process.env.npm_execpath && /\.c?js$/.test(process.env.npm_execpath) ? [process.execPath, process.env.npm_execpath] : ['npm']);

export function runNpmAudit(options: NpmAuditOptions): Promise<NpmAuditRun> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const [cmd, ...pre] = options.npm ?? defaultNpm();
  const args = [...pre, 'audit', '--omit=dev', '--json', '--fetch-retries=1', `--fetch-timeout=${Math.max(1000, Math.floor(timeoutMs / 3))}`];
  if (options.registry) args.push(`--registry=${options.registry}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode, timedOut, timeoutMs });
    });
  });
}

interface Vulnerability {
  name: string;
  severity: string;
  range?: string;
  via?: Array<string | { title?: string; url?: string; severity?: string }>;
  fixAvailable?: unknown;
}

interface AuditReport {
  auditReportVersion?: number;
  vulnerabilities?: Record<string, Vulnerability>;
  metadata?: { vulnerabilities?: Record<string, number>; dependencies?: Record<string, number> };
  statusCode?: number;
  message?: string;
  error?: { code?: string; summary?: string };
}

const SKIP_SUFFIX = 'npm audit skipped';
const FAILING = new Set(['high', 'critical']);

const NETWORK_CODE = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ESOCKETTIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|ERR_SOCKET_TIMEOUT)$/;

/** Why the advisory service gave no report, when that is what happened: "HTTP 405", "ECONNREFUSED", "network timeout". */
function unreachableReason(report: AuditReport): string | undefined {
  if (typeof report.statusCode === 'number') return `HTTP ${report.statusCode}`;
  if (report.error?.code && NETWORK_CODE.test(report.error.code)) return report.error.code;
  const message = report.message ?? '';
  const network = /request to \S+ failed, reason: (.+)$/.exec(message);
  if (network) {
    const code = /\b(E[A-Z_]{3,})\b/.exec(network[1]);
    return code ? code[1] : network[1].trim();
  }
  if (/^network timeout at: /.test(message)) return 'network timeout';
  return undefined;
}

/** The advisories npm names for a package (a package only affected through a dependency has none of its own). */
const advisoriesOf = (v: Vulnerability) => (v.via ?? []).filter((via): via is Exclude<typeof via, string> => typeof via === 'object' && via !== null);

function advisoryLine(v: Vulnerability): string {
  const sources = advisoriesOf(v).map((a) => [a.title, a.url].filter(Boolean).join(' '));
  const fix = v.fixAvailable === false ? 'no fix available yet' : v.fixAvailable ? 'a fix is available: npm audit fix --omit=dev, then pin the new version' : '';
  return `${v.severity} ${v.name}${v.range ? ` ${v.range}` : ''}: ${sources.join('; ')}${fix ? ` (${fix})` : ''}`;
}

/** One line per package with an advisory of its own; the packages affected only through them on one more line. */
function advisoryLines(vulns: Vulnerability[], prefix: string): string[] {
  const own = vulns.filter((v) => advisoriesOf(v).length > 0);
  const through = vulns.filter((v) => advisoriesOf(v).length === 0).map((v) => v.name);
  return [...own.map((v) => `${prefix}${advisoryLine(v)}`), ...(through.length > 0 ? [`${prefix}affected through a dependency: ${through.join(', ')}`] : [])];
}

export function classifyNpmAudit(run: NpmAuditRun): CheckResult {
  const result = (r: Partial<CheckResult>): CheckResult => ({ name: 'npm audit', failures: [], notes: [], summary: '', ...r });
  if (run.timedOut) {
    return result({ skipped: true, summary: `advisory service unreachable (no answer within ${Math.round(run.timeoutMs / 1000)} s): ${SKIP_SUFFIX}` });
  }
  let report: AuditReport;
  try {
    report = JSON.parse(run.stdout) as AuditReport;
  } catch {
    const detail = (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ');
    return result({ failures: [`npm audit printed no report (exit code ${run.exitCode}): ${detail || 'no output'}`], summary: 'npm audit could not run' });
  }
  if (report.auditReportVersion !== undefined) {
    const vulns = Object.values(report.vulnerabilities ?? {});
    const failing = vulns.filter((v) => FAILING.has(v.severity));
    const others = vulns.filter((v) => !FAILING.has(v.severity));
    const counts = report.metadata?.vulnerabilities ?? {};
    const audited = report.metadata?.dependencies?.prod;
    return result({
      failures: advisoryLines(failing, 'advisory in a production dependency: '),
      notes: advisoryLines(others, 'advisory below high (reported, not failing): '),
      summary: `${audited !== undefined ? `${audited} production dependencies audited` : 'audited'}: ${['critical', 'high', 'moderate', 'low'].map((s) => `${counts[s] ?? 0} ${s}`).join(', ')}`,
    });
  }
  const reason = unreachableReason(report);
  if (reason) return result({ skipped: true, summary: `advisory service unreachable (${reason}): ${SKIP_SUFFIX}` });
  return result({
    failures: [`npm audit failed (exit code ${run.exitCode}): ${report.error?.code ?? ''} ${report.error?.summary || report.message || run.stderr.trim().split('\n').pop() || ''}`.replace(/\s+/g, ' ').trim()],
    summary: 'npm audit could not run',
  });
}
