/** Human output of `doctor`: problems first, each with its fix; a one-line summary last. */
import { safeLine } from '../safe-text';
import type { DoctorReport } from '../types';

const LABEL = { error: 'ERROR', warning: 'warn ', info: 'info ', ok: 'ok   ' } as const;

export function doctorLines(r: DoctorReport): string[] {
  const lines: string[] = [`portcullis doctor: ${r.target.local ? 'the local stack' : `stage ${r.target.stage} in ${r.target.region}`}`, ''];
  for (const f of r.findings) {
    lines.push(`${LABEL[f.severity]}  ${f.message}  [${f.id}]`);
    if (f.fix && (f.severity === 'error' || f.severity === 'warning' || f.severity === 'info')) lines.push(`       fix: ${f.fix}`);
  }
  lines.push('', `doctor: ${r.errors} error(s), ${r.warnings} warning(s)${r.errors ? '' : ' - no errors'}`);
  return lines.map(safeLine);
}
