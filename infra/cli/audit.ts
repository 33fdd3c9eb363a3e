/**
 * The audit CLI (a stable contract):
 *   npm run --silent audit -- tail [--json] [--limit N] [--event NAME] [--client ID] [--since 15m] [--stage S --region R]
 *   npm run --silent audit -- report [--since 24h] [--json] [--stage S --region R]
 * Local mode reads the local stack's audit file; with --stage the deployed log group /portcullis/S/audit
 * (tail: FilterLogEvents; report: Logs Insights).
 */
import '../quiet-sdk';
import { join } from 'node:path';
import { runTail } from './audit/run-tail';
import { runReport } from './audit/report/run-report';
import { LOCAL_STATE_DIR } from './context';

// Local mode reads the audit file of the local stack's state directory (PORTCULLIS_LOCAL_DIR, default .local/).
const argv = process.argv.slice(2);
const deployed = argv.some((a) => a === '--stage' || a.startsWith('--stage='));
const wantsHelp = argv.includes('--help') || argv.includes('-h');
if (!deployed && !wantsHelp && !argv.some((a) => a === '--file' || a.startsWith('--file='))) argv.push('--file', join(LOCAL_STATE_DIR, 'audit.log'));

const io = {
  out: (line: string) => process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
  now: () => Date.now(),
};
const report = argv[0] === 'report';

(report ? runReport(argv.slice(1), io) : runTail(argv, io)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`audit: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);

// `audit tail | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
