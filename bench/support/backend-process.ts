/**
 * The benchmark's backends, in a child process so their CPU is never counted as the measured code's:
 * dynalite (the DynamoDB wire protocol) counting requests per X-Amz-Target, and the wire-level
 * CloudWatch Logs fake from test/fakes. Prints one JSON line with the endpoints, then serves until
 * stdin closes (the parent exiting, even abnormally, stops it).
 *
 * Control endpoint: GET /counts → { "<X-Amz-Target>": n }; POST /reset zeroes the counts and drops
 * what the CloudWatch fake recorded (so long runs stay small in memory).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeCloudWatchLogs } from '../../testkit/fakes/fake-cloudwatch-logs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (opts: { createTableMs: number }) => Server;

const listen = (server: Server) =>
  new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

async function main(): Promise<void> {
  const logGroups = (process.env.BENCH_LOG_GROUPS ?? '').split(',').filter(Boolean);
  const counts: Record<string, number> = {};

  const ddb = dynalite({ createTableMs: 0 });
  ddb.prependListener('request', (req: IncomingMessage) => {
    const target = String(req.headers['x-amz-target'] ?? 'none');
    counts[target] = (counts[target] ?? 0) + 1;
  });
  const dynamo = await listen(ddb);
  const cwl = await FakeCloudWatchLogs.start(logGroups);

  const control = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/reset') {
      for (const k of Object.keys(counts)) delete counts[k];
      cwl.requests.length = 0;
      cwl.rawBodies.length = 0;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(counts));
  });
  const controlUrl = await listen(control);

  process.stdout.write(`${JSON.stringify({ dynamo, cwl: cwl.endpoint, control: controlUrl })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`backend failed: ${String(err)}\n`);
  process.exit(1);
});
