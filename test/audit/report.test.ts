/**
 * `npm run --silent audit -- report`: the same report from the local file (computed in process) and from a deployed
 * stage (Logs Insights queries through the real SDK client against the wire-level fake), over one scenario.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { createCloudWatchLogsClient } from '../../infra/cli/cloudwatch-logs';
import { runReport } from '../../infra/cli/audit/report/run-report';
import { FakeCloudWatchLogs } from '../../testkit/fakes/fake-cloudwatch-logs';

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const GROUP = '/portcullis/prod/audit';
let seq = 0;

/** An audit record `msAgo` before NOW (schema 2, as the functions write it). */
const ev = (msAgo: number, event: string, fields: Record<string, unknown> = {}) => ({
  level: 'INFO',
  time: new Date(NOW - msAgo).toISOString(),
  event,
  outcome: /denied|failed|locked/.test(event) ? 'failure' : 'success',
  ...fields,
  stage: 'prod',
  function: 'portcullis-prod-token',
  schema_version: 2,
  event_id: `c0ffee-${++seq}`,
});

const failedAuth = (msAgo: number, client: string, ip: string) =>
  ev(msAgo, 'token.denied', { client_id: client, source_ip: ip, reason: 'bad_secret', detail: { error: 'invalid_client' } });

function scenario(): object[] {
  const out: object[] = [
    // Before the window, within the baseline: pc_a is known from 203.0.113.1.
    ev(3 * 24 * HOUR, 'token.issued', { client_id: 'pc_a', source_ip: '203.0.113.1' }),
    // Before the baseline: does not count as seen.
    ev(10 * 24 * HOUR, 'token.issued', { client_id: 'pc_b', source_ip: '198.51.100.9' }),
  ];
  for (let i = 0; i < 5; i++) out.push(ev(5 * HOUR - i * MIN, 'token.issued', { client_id: 'pc_a', source_ip: '203.0.113.1' }));
  for (let i = 0; i < 2; i++) out.push(ev(4 * HOUR - i * MIN, 'token.issued', { client_id: 'pc_b', source_ip: '198.51.100.9' }));
  out.push(ev(3 * HOUR, 'token.issued', { client_id: 'pc_a', source_ip: '192.0.2.66' }));
  out.push(ev(2 * HOUR, 'authz.denied', { client_id: 'pc_a', reason: 'expired', source_ip: '203.0.113.1' }));
  out.push(ev(2 * HOUR - 1000, 'authz.denied', { reason: 'missing', source_ip: '203.0.113.200' }));
  out.push(ev(2 * HOUR - 2000, 'authz.denied', { client_id: 'pc_b', reason: 'expired', source_ip: '198.51.100.9' }));
  // A burst: 6 failures for pc_c within one minute from two addresses, then a lockout.
  for (let i = 0; i < 6; i++) out.push(failedAuth(HOUR - 30_000 - i * 1000, 'pc_c', i % 2 ? '203.0.113.50' : '203.0.113.51'));
  out.push(ev(HOUR - 30_000 - 6000, 'client.locked_out', { client_id: 'pc_c', reason: 'too_many_failures', detail: { failures: 6, lockout_seconds: 1, locked_until: 'x' } }));
  // Not a burst: 2 failures.
  out.push(failedAuth(30 * MIN, 'pc_b', '198.51.100.9'), failedAuth(30 * MIN - 1000, 'pc_b', '198.51.100.9'));
  out.push(ev(10 * MIN, 'token.revoked', { client_id: 'pc_a', jti: 'j1', outcome: 'success', source_ip: '203.0.113.1' }));
  return out;
}

/** Lines the audit log group holds besides audit events. */
const NOISE = [
  JSON.stringify({ level: 'INFO', message: 'cold start', service: 'portcullis' }),
  JSON.stringify({ _aws: { Timestamp: NOW, CloudWatchMetrics: [] }, TokensIssued: 3, service: 'portcullis', stage: 'prod' }),
  JSON.stringify({ time: new Date(NOW - HOUR).toISOString(), type: 'platform.runtimeDone', record: { status: 'error' } }),
];

let dir: string;
let fake: FakeCloudWatchLogs;
let client: CloudWatchLogsClient;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-report-'));
  fake = await FakeCloudWatchLogs.start([GROUP]);
  client = createCloudWatchLogsClient({ region: 'us-east-1', endpoint: fake.endpoint, timeoutMs: 2000, maxAttempts: 1 });
});
afterEach(async () => {
  client.destroy();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

async function report(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runReport(args, { out: (l) => out.push(l), err: (l) => err.push(l), now: () => NOW, root: dir, cloudWatch: client, sleep: async () => {} });
  return { code, out, err };
}

function seedEverywhere() {
  const records = scenario();
  const file = join(dir, 'audit.log');
  writeFileSync(file, `${[...records.map((r) => JSON.stringify(r)), ...NOISE].join('\n')}\n`);
  fake.seed(
    GROUP,
    '2026/01/10/[$LATEST]abc',
    [...records.map((r) => ({ timestamp: Date.parse((r as { time: string }).time), message: JSON.stringify(r) })), ...NOISE.map((m) => ({ timestamp: NOW - HOUR, message: m }))].sort((a, b) => a.timestamp - b.timestamp),
  );
  return file;
}

test('the local file and Logs Insights give the same report: top clients, denials by reason, bursts, lockouts, new source IPs', async () => {
  const file = seedEverywhere();
  const local = await report(['--json', '--file', file]);
  expect(local.err).toEqual([]);
  expect(local.code).toBe(0);
  const deployed = await report(['--json', '--stage', 'prod', '--region', 'us-east-1']);
  expect(deployed.err).toEqual([]);
  expect(deployed.code).toBe(0);
  const a = JSON.parse(local.out[0]);
  const b = JSON.parse(deployed.out[0]);
  expect(b.source).toBe(`log group ${GROUP} (Logs Insights)`);
  expect({ ...b, source: a.source }).toEqual(a);

  expect(a).toMatchObject({ since: new Date(NOW - 24 * HOUR).toISOString(), until: new Date(NOW).toISOString(), events: 21, tokens_issued: 8, denials: 11 });
  expect(a.top_clients_by_tokens).toEqual([
    { client_id: 'pc_a', tokens: 6 },
    { client_id: 'pc_b', tokens: 2 },
  ]);
  expect(a.top_clients_by_denials).toEqual([
    { client_id: 'pc_c', denials: 6 },
    { client_id: 'pc_b', denials: 3 },
    { client_id: 'pc_a', denials: 1 },
  ]);
  expect(a.denials_by_reason).toEqual([
    { event: 'token.denied', reason: 'bad_secret', count: 8 },
    { event: 'authz.denied', reason: 'expired', count: 2 },
    { event: 'authz.denied', reason: 'missing', count: 1 },
  ]);
  expect(a.failed_auth_bursts).toEqual([{ client_id: 'pc_c', minute: new Date(NOW - HOUR).toISOString(), failures: 6, sources: 2 }]);
  expect(a.lockouts).toEqual([{ time: new Date(NOW - HOUR + 36_000).toISOString(), event: 'client.locked_out', client_id: 'pc_c', reason: 'too_many_failures', lockout_seconds: 1, failures: 6 }]);
  // pc_a's second address and pc_b (last seen before the baseline) are new; pc_a's usual address is not.
  expect(a.new_source_ips.map((x: { client_id: string; source_ip: string }) => `${x.client_id} ${x.source_ip}`)).toEqual([
    'pc_b 198.51.100.9',
    'pc_a 192.0.2.66',
    'pc_c 203.0.113.51',
    'pc_c 203.0.113.50',
  ]);
  // The queries ran over the window (and the baseline for first sightings), on audit events only.
  expect(fake.queryStrings).toHaveLength(7);
  for (const q of fake.queryStrings) expect(q).toMatch(/^filter schema_version >= 1/);
  const starts = fake.calls('StartQuery').map((c) => c.body.startTime);
  expect(new Set(starts)).toEqual(new Set([(NOW - 24 * HOUR) / 1000, (NOW - 24 * HOUR - 7 * 24 * HOUR) / 1000]));
  // GetQueryResults was polled until complete.
  expect(fake.calls('GetQueryResults').length).toBe(14);
});

test('options: --since narrows the window, --top cuts the lists, --burst the threshold; the text report names every section', async () => {
  const file = seedEverywhere();
  const narrow = JSON.parse((await report(['--json', '--file', file, '--since', '90m', '--top', '1', '--burst', '2'])).out[0]);
  expect(narrow.tokens_issued).toBe(0);
  expect(narrow.top_clients_by_denials).toEqual([{ client_id: 'pc_c', denials: 6 }]);
  expect(narrow.failed_auth_bursts.map((x: { client_id: string }) => x.client_id)).toEqual(['pc_c', 'pc_b']);
  const text = await report(['--file', file]);
  expect(text.code).toBe(0);
  const joined = text.out.join('\n');
  for (const heading of ['Top clients by tokens issued', 'Top clients by denials', 'Denials by reason', 'Bursts of failed authentications', 'Lockouts', 'Source IPs seen for the first time']) {
    expect(joined).toContain(heading);
  }
  expect(joined).toMatch(/pc_c\s+6\s+2/);
});

test('errors: bad usage exits 2; no local file, or no log group, exits 1 with a clear message', async () => {
  expect((await report(['--since', 'forever'])).code).toBe(2);
  expect((await report(['--top', '0'])).err[0]).toMatch(/--top must be a whole number/);
  expect((await report(['--region', 'eu-west-1'])).err[0]).toMatch(/--region needs --stage/);
  const none = await report(['--file', join(dir, 'nothing.log')]);
  expect(none.code).toBe(1);
  expect(none.err[0]).toMatch(/no local audit log .*npm start/);
  const missing = await report(['--stage', 'nope', '--region', 'us-east-1']);
  expect(missing.code).toBe(1);
  expect(missing.err[0]).toMatch(/log group \/portcullis\/nope\/audit not found/);
});
