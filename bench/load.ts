/**
 * `npm run bench:load [-- --seconds 60]`: the load run of test/load (concurrent issue + authorize + revoke,
 * loopback only, against the real local stack), for longer, with the same invariants checked afterwards:
 * every issued token distinct; no 5xx; no allow past the revocation bound after a revoke answered 200;
 * one audit event per request. Prints the counts and the peak memory (VmHWM) of the serverless-offline process,
 * where every function runs (worker threads; per-function figures: `npm run bench`, peak_rss_mib), and exits
 * non-zero on any violation.
 */
import '../infra/quiet-sdk';
import '../testkit/env';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkLoadInvariants, runLoad } from '../testkit/load/run-load';
import { startTestStack } from '../testkit/stack';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '30' } } });
  const seconds = Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new Error('--seconds must be between 1 and 600');
  const stack = await startTestStack();
  try {
    const bound = stack.config.revocation.maxStalenessMs + 1_000;
    const clients = await Promise.all([stack.createClient(), stack.createClient(), stack.createClient()]);
    const report = await runLoad({ url: stack.url, clients, durationMs: seconds * 1000, scope: 'read:data', settleMs: bound });
    const problems = checkLoadInvariants(report, { revocationBoundMs: bound, auditFile: join(stack.stateDir, 'audit.log') });
    const count = (kind: string) => report.records.filter((r) => r.kind === kind).length;
    const peak = peakRssMiB(stack.offlinePid);
    process.stdout.write(
      `${seconds} s through the local stack: ${count('issue')} tokens issued, ${count('authorize')} decisions, ${report.revokedAt.size} revocations, ` +
        `${report.rps.toFixed(1)} requests/s; invariant violations: ${problems.length}\n` +
        `peak RSS of the serverless-offline process (every function, in its worker threads): ${peak ?? 'unknown'} MiB\n`,
    );
    for (const p of problems.slice(0, 20)) process.stdout.write(`  - ${p}\n`);
    return problems.length ? 1 : 0;
  } finally {
    await stack.stop();
  }
}

/** VmHWM (peak resident set) of a process, MiB; undefined where /proc is not there. */
function peakRssMiB(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const kib = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kib) ? Math.round(kib / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench:load: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
