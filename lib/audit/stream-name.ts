import { randomBytes } from 'node:crypto';

/** One log stream per container: `YYYY/MM/DD/<function>/<random>` (UTC date of the container start). */
export function auditStreamName(functionName: string, nowMs: number): string {
  const d = new Date(nowMs);
  const date = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  const fn = functionName.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 128) || 'unknown';
  return `${date}/${fn}/${randomBytes(8).toString('hex')}`;
}
