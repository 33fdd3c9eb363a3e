/** Human output of `explain`: the decoded token (never its signature), the checks, the verdict as the last line. */
import { isoSeconds } from './durations';
import { cut, safeLine } from './safe-text';
import type { Explanation } from './types';

const LABEL = { pass: 'pass', fail: 'FAIL', warn: 'warn', skip: 'skip' } as const;

function value(k: string, v: unknown): string {
  if ((k === 'iat' || k === 'exp' || k === 'nbf') && typeof v === 'number' && Number.isSafeInteger(v)) return `${isoSeconds(v)} (${v})`;
  return cut(typeof v === 'string' ? (/\s/.test(v) || v === '' ? JSON.stringify(v) : v) : JSON.stringify(v));
}

export function explanationLines(e: Explanation): string[] {
  const lines: string[] = ['Token, decoded without trusting it (the signature is not shown):'];
  if (e.token.header) lines.push(`  header  ${Object.entries(e.token.header).map(([k, v]) => `${k}=${value(k, v)}`).join('  ')}`);
  if (e.token.claims) for (const [k, v] of Object.entries(e.token.claims)) lines.push(`  ${k.padEnd(10)}${value(k, v)}`);
  if (!e.token.header && !e.token.claims) lines.push('  (not decodable)');
  lines.push('', 'Checks, in the order the authorizer makes them:');
  const width = Math.max(...e.checks.map((c) => c.name.length));
  let failed = false;
  for (const c of e.checks) {
    const after = failed && c.status !== 'skip' ? ' (for information: the authorizer stopped earlier)' : '';
    const code = c.status === 'fail' && c.reason ? ` [${c.reason}]` : '';
    lines.push(`  ${LABEL[c.status]}  ${c.name.padEnd(width)}  ${c.detail}${code}${c.decisive ? '  <- the reason' : after}`);
    for (const n of c.notes ?? []) lines.push(`  ${' '.repeat(6 + width)}  - ${n}`);
    if (c.status === 'fail') failed = true;
  }
  if (e.notes.length) {
    lines.push('', 'Notes:');
    for (const n of e.notes) lines.push(`  - ${n}`);
  }
  lines.push('', `${e.verdict.effect === 'allow' ? 'Allowed' : 'Denied'}: ${e.verdict.summary}`);
  lines.push(`verdict: ${e.verdict.effect} ${e.verdict.reason} (HTTP ${e.verdict.status}${e.verdict.route ? ` on ${e.verdict.route}` : ', token checks only'})`);
  return lines.map(safeLine);
}
