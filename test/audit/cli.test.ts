/**
 * `npm run --silent audit -- tail`: in-process for the options and errors, and spawned with tsx
 * (the real command) against a temporary local file and against the fake CloudWatch Logs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runTail } from '../../infra/cli/audit/run-tail';
import { FakeCloudWatchLogs } from '../../testkit/fakes/fake-cloudwatch-logs';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const ev = (msAgo: number, event: string, client: string, extra: Record<string, unknown> = {}) => ({
  time: iso(msAgo),
  event,
  outcome: event.endsWith('denied') ? 'failure' : 'success',
  client_id: client,
  stage: 'local',
  function: 'token',
  schema_version: 1,
  ...extra,
});

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
  file = join(dir, 'audit.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeLog(events: object[]) {
  writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

async function tail(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTail(args, { out: (l) => out.push(l), err: (l) => err.push(l), now: () => NOW, root: dir });
  return { code, out, err };
}

describe('audit tail, local mode', () => {
  beforeEach(() =>
    writeLog([
      ev(3_600_000, 'token.issued', 'pc_a', { reason: undefined, route: 'POST /oauth2/token', source_ip: '203.0.113.7', latency_ms: 12 }),
      ev(1_200_000, 'token.denied', 'pc_b', { reason: 'invalid_client' }),
      ev(600_000, 'authz.allowed', 'pc_a', { route: 'GET /demo/data' }),
      ev(300_000, 'authz.denied', 'pc_a', { reason: 'expired' }),
      ev(1_000, 'token.revoked', 'pc_b'),
    ]),
  );

  test('--json prints every event, one JSON object a line, newest last', async () => {
    const { code, out, err } = await tail('tail', '--json', '--file', file);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out.map((l) => JSON.parse(l).event)).toEqual(['token.issued', 'token.denied', 'authz.allowed', 'authz.denied', 'token.revoked']);
  });

  test('--limit keeps the newest N; --event, --client and --since filter', async () => {
    expect((await tail('tail', '--json', '--file', file, '--limit', '2')).out.map((l) => JSON.parse(l).event)).toEqual(['authz.denied', 'token.revoked']);
    expect((await tail('tail', '--json', '--file', file, '--event', 'token.denied')).out.map((l) => JSON.parse(l).client_id)).toEqual(['pc_b']);
    expect((await tail('tail', '--json', '--file', file, '--client', 'pc_a')).out.map((l) => JSON.parse(l).event)).toEqual(['token.issued', 'authz.allowed', 'authz.denied']);
    expect((await tail('tail', '--json', '--file', file, '--since', '15m')).out.map((l) => JSON.parse(l).event)).toEqual(['authz.allowed', 'authz.denied', 'token.revoked']);
    expect((await tail('tail', '--json', '--file', file, '--since', '15m', '--client', 'pc_a', '--limit', '1')).out.map((l) => JSON.parse(l).event)).toEqual(['authz.denied']);
  });

  test('without --json: a header and one readable line per event', async () => {
    const { code, out } = await tail('tail', '--file', file, '--limit', '2');
    expect(code).toBe(0);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^TIME\s+EVENT\s+OUTCOME\s+CLIENT\s+REASON\s+ROUTE\s+SOURCE_IP\s+MS$/);
    expect(out[1]).toMatch(/^2026-01-01T11:55:00\.000Z\s+authz\.denied\s+failure\s+pc_a\s+expired\s+-/);
    expect(out[2]).toMatch(/^2026-01-01T11:59:59\.000Z\s+token\.revoked\s+success\s+pc_b\s/);
  });

  test('the table never passes control characters to the terminal', async () => {
    writeLog([ev(1000, 'token.denied', 'pc_\u001b[31mred', { reason: 'x\u0007' })]);
    const { out } = await tail('tail', '--file', file);
    expect(out[1]).not.toMatch(/[\u0000-\u001f]/);
    expect(out[1]).toContain('pc_?[31mred');
  });

  test('lines that are not audit JSON are skipped and reported', async () => {
    writeFileSync(file, `not json\n${JSON.stringify(ev(1000, 'token.issued', 'pc_a'))}\n[1,2]\n`);
    const { code, out, err } = await tail('tail', '--json', '--file', file);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(err.join('\n')).toMatch(/skipped 2 line/);
  });

  test('no local audit file yet: tells the user to start the local stack', async () => {
    const { code, err } = await tail('tail');
    expect(code).toBe(1);
    expect(err.join('\n')).toContain(join(dir, '.local', 'audit.log'));
    expect(err.join('\n')).toMatch(/npm start/);
  });

  test.each([
    [['tail', '--bogus'], /unknown option --bogus/],
    [['tial'], /unknown command "tial"/],
    [[], /missing command: tail or report/],
    [['tail', 'extra'], /unexpected argument "extra"/],
    [['tail', '--since', '15 minutes'], /--since must be a duration such as 30s, 15m, 2h or 7d, got "15 minutes"/],
    [['tail', '--since', '0m'], /--since must be a duration/],
    [['tail', '--limit', '0'], /--limit must be a whole number/],
    [['tail', '--limit', 'ten'], /--limit must be a whole number/],
    [['tail', '--event', 'token.issued" || 1'], /--event must be an event name/],
    [['tail', '--client', 'a"b'], /--client must be a client id/],
    [['tail', '--region', 'us-east-1'], /--region needs --stage/],
    [['tail', '--stage', 'prod', '--file', 'x'], /cannot be combined with --stage/],
    [['tail', '--limit'], /--limit/],
  ])('usage error %j', async (args, message) => {
    const { code, out, err } = await tail(...args);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(message);
  });

  test('schema versions 1 and 2 are both read; lines that are not audit events are skipped and counted', async () => {
    writeLog([
      ev(3000, 'token.issued', 'pc_a'),
      { level: 'INFO', ...ev(2000, 'token.issued', 'pc_v2'), schema_version: 2 },
      { level: 'ERROR', message: 'not an audit event', service: 'portcullis' },
    ]);
    const { code, out, err } = await tail('tail', '--json', '--file', file);
    expect(code).toBe(0);
    expect(out.map((l) => [JSON.parse(l).client_id, JSON.parse(l).schema_version])).toEqual([
      ['pc_a', 1],
      ['pc_v2', 2],
    ]);
    expect(JSON.parse(out[1]).level).toBe('INFO');
    expect(err.join()).toMatch(/skipped 1 line/);
  });

  test('--help prints the usage', async () => {
    const { code, out } = await tail('--help');
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/tail \[options\][\s\S]*--since DURATION/);
  });
});

describe('audit tail, deployed stage (FilterLogEvents)', () => {
  const GROUP = '/portcullis/prod/audit';
  let fake: FakeCloudWatchLogs;
  beforeEach(async () => {
    fake = await FakeCloudWatchLogs.start([GROUP]);
    fake.filterPageSize = 3;
    const events = [
      ev(2 * 86_400_000, 'token.issued', 'pc_a'),
      ev(3_600_000, 'token.issued', 'pc_a'),
      ev(3_000_000, 'token.denied', 'pc_b', { reason: 'invalid_client' }),
      ev(2_000_000, 'authz.allowed', 'pc_a'),
      ev(1_000_000, 'authz.denied', 'pc_a', { reason: 'revoked' }),
      ev(500_000, 'token.denied', 'pc_c', { reason: 'invalid_client' }),
      ev(100_000, 'token.revoked', 'pc_a'),
    ];
    // two streams (two containers), interleaved in time
    fake.seed(GROUP, 's1', events.filter((_, i) => i % 2 === 0).map((e) => ({ timestamp: Date.parse(e.time), message: JSON.stringify(e) })));
    fake.seed(GROUP, 's2', events.filter((_, i) => i % 2 === 1).map((e) => ({ timestamp: Date.parse(e.time), message: JSON.stringify(e) })));
    // The group also holds the functions' other lines: Lambda platform lines, operational logs, EMF metrics.
    fake.seed(GROUP, 's3', [
      { timestamp: NOW - 50_000, message: 'START RequestId: not an audit event' },
      { timestamp: NOW - 40_000, message: JSON.stringify({ level: 'ERROR', message: 'store failed', service: 'portcullis', timestamp: iso(40_000) }) },
      { timestamp: NOW - 30_000, message: JSON.stringify({ _aws: { Timestamp: NOW - 30_000, CloudWatchMetrics: [] }, service: 'portcullis', TokensIssued: 1 }) },
      { timestamp: NOW - 20_000, message: JSON.stringify({ time: iso(20_000), type: 'platform.runtimeDone', record: { status: 'timeout' } }) },
    ]);
  });
  afterEach(() => fake.close());

  const deployed = (...args: string[]) => tail('tail', '--stage', 'prod', '--region', 'us-east-1', '--endpoint', fake.endpoint, ...args);

  test('reads the last 24 hours of /portcullis/<stage>/audit across streams and pages, newest last', async () => {
    const { code, out, err } = await deployed('--json');
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.map((l) => JSON.parse(l).event)).toEqual(['token.issued', 'token.denied', 'authz.allowed', 'authz.denied', 'token.denied', 'token.revoked']);
    const calls = fake.calls('FilterLogEvents');
    expect(calls.length).toBeGreaterThan(1);
    expect(calls[0].body).toMatchObject({ logGroupName: GROUP, startTime: NOW - 86_400_000, endTime: NOW, filterPattern: '{ $.schema_version >= 1 }' });
  });

  test('--event and --client become a JSON filter pattern; --since sets startTime; --limit keeps the newest', async () => {
    const { out } = await deployed('--json', '--event', 'token.denied', '--client', 'pc_c', '--since', '2h');
    expect(out.map((l) => JSON.parse(l).client_id)).toEqual(['pc_c']);
    expect(fake.calls('FilterLogEvents')[0].body).toMatchObject({ filterPattern: '{ $.schema_version >= 1 && $.event = "token.denied" && $.client_id = "pc_c" }', startTime: NOW - 7_200_000 });

    const limited = await deployed('--json', '--limit', '2');
    expect(limited.out.map((l) => JSON.parse(l).event)).toEqual(['token.denied', 'token.revoked']);
  });

  test('a stage without an audit log group is a clear error', async () => {
    const { code, err } = await tail('tail', '--stage', 'nope', '--region', 'us-east-1', '--endpoint', fake.endpoint);
    expect(code).toBe(1);
    expect(err[0]).toMatch(/log group \/portcullis\/nope\/audit not found in us-east-1/);
  });
});

describe('the real command (tsx)', () => {
  const cli = (args: string[]) =>
    run(TSX, [join(ROOT, 'infra', 'cli', 'audit.ts'), ...args], { cwd: ROOT, env: { ...process.env } }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  test('local file: --json lines on stdout, exit 0', async () => {
    writeLog([ev(2000, 'token.issued', 'pc_a'), ev(1000, 'token.denied', 'pc_b', { reason: 'invalid_client' })]);
    const { code, stdout } = await cli(['tail', '--json', '--file', file]);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').map((l) => JSON.parse(l).event)).toEqual(['token.issued', 'token.denied']);
  });

  test('deployed stage against the fake CloudWatch Logs', async () => {
    const fake = await FakeCloudWatchLogs.start(['/portcullis/dev/audit']);
    try {
      const t = Date.now() - 60_000;
      fake.seed('/portcullis/dev/audit', 's', [{ timestamp: t, message: JSON.stringify({ ...ev(0, 'authz.denied', 'pc_z', { reason: 'expired' }), time: new Date(t).toISOString() }) }]);
      const { code, stdout } = await cli(['tail', '--stage', 'dev', '--region', 'eu-west-1', '--endpoint', fake.endpoint, '--since', '15m']);
      expect(code).toBe(0);
      const lines = stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/authz\.denied\s+failure\s+pc_z\s+expired/);
    } finally {
      await fake.close();
    }
  });

  test('usage errors exit 2 with the message on stderr', async () => {
    const { code, stdout, stderr } = await cli(['tail', '--since', 'yesterday']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^audit: --since must be a duration/);
  });
});
