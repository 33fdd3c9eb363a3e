/**
 * `npm run bench:load [-- --seconds 60]`: the load run of test/load (concurrent issue + authorize + revoke,
 * loopback only, against the real local stack), for longer, with the same invariants checked afterwards:
 * every issued token distinct; no 5xx; no allow past the revocation bound after a revoke answered 200;
 * one audit event per request. Prints the counts and exits non-zero on any violation.
 */
import '../infra/quiet-sdk';
import '../testkit/env';
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
    process.stdout.write(
      `${seconds} s through the local stack: ${count('issue')} tokens issued, ${count('authorize')} decisions, ${report.revokedAt.size} revocations, ` +
        `${report.rps.toFixed(1)} requests/s; invariant violations: ${problems.length}\n`,
    );
    for (const p of problems.slice(0, 20)) process.stdout.write(`  - ${p}\n`);
    return problems.length ? 1 : 0;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench:load: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
