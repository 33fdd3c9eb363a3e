/**
 * A canary token, secret and Authorization header pushed through every field of an audit
 * event (and beside it) must never be written anywhere: the functions' stdout lines, the local
 * file, the admin CLI's CloudWatch request bodies and its stderr fallback, EMF metrics or operational logs.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { createCloudWatchLogsClient } from '../../infra/cli/cloudwatch-logs';
import { CliCloudWatchAuditSink } from '../../infra/cli/audit/cloudwatch-writer';
import { createAuditSink } from '../../lib/audit/create-audit-sink';
import { REDACTED } from '../../lib/audit/scrub';
import type { AuditEvent } from '../../lib/audit/types';
import { loadConfig } from '../../lib/config/load-config';
import { createLogger } from '../../lib/observability/logger';
import { createMetrics } from '../../lib/observability/metrics';
import { FakeCloudWatchLogs, type FailureMode } from '../../testkit/fakes/fake-cloudwatch-logs';
import { FrozenClock } from '../../testkit/frozen-clock';

const GROUP = '/portcullis/test/audit';

// A real RS256 access token signed with a key generated now, a client secret, and the headers carrying them.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const seg = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const signingInput = `${seg({ alg: 'RS256', typ: 'at+jwt', kid: 'canary' })}.${seg({ iss: 'https://issuer', sub: 'pc_canary', client_id: 'pc_canary', jti: 'canary-jti', exp: 2e9 })}`;
const CANARY_SIGNATURE = sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url');
const CANARY_TOKEN = `${signingInput}.${CANARY_SIGNATURE}`;
const CANARY_SECRET = randomBytes(32).toString('base64url');
const BASIC_VALUE = Buffer.from(`pc_canary:${CANARY_SECRET}`).toString('base64');
const CANARY_BASIC = `Basic ${BASIC_VALUE}`;
const CANARY_BEARER = `Bearer ${CANARY_TOKEN}`;
const CANARIES = [CANARY_SIGNATURE, CANARY_SECRET, BASIC_VALUE, signingInput];
const VALUES = [CANARY_TOKEN, CANARY_SECRET, CANARY_BASIC, CANARY_BEARER, `curl/8 ${CANARY_BEARER}`, `POST /oauth2/token?client_secret=${CANARY_SECRET}`];

/** Every schema field (and some that are not in the schema) set to `v`. */
function poisoned(v: string): AuditEvent {
  return {
    time: v,
    event: v,
    outcome: v,
    reason: v,
    client_id: v,
    sub: v,
    jti: v,
    scopes_requested: [v, 'read:data'],
    scopes_granted: [v],
    route: v,
    source_ip: v,
    user_agent: v,
    request_id: v,
    stage: v,
    function: v,
    latency_ms: 1,
    actor: v,
    detail: { value: v, [v]: 'key', kid: 'k1' },
    schema_version: 1,
    event_id: v,
    level: v,
    // not in the schema
    authorization: CANARY_BEARER,
    headers: { Authorization: CANARY_BASIC },
    client_secret: CANARY_SECRET,
    access_token: CANARY_TOKEN,
  } as unknown as AuditEvent;
}

function expectNoCanary(where: string, text: string) {
  for (const c of CANARIES) {
    if (text.includes(c)) throw new Error(`canary found in ${where}`);
  }
}

let fake: FakeCloudWatchLogs;
let client: CloudWatchLogsClient;
let dir: string;
beforeEach(async () => {
  fake = await FakeCloudWatchLogs.start([GROUP]);
  client = createCloudWatchLogsClient({ region: 'us-east-1', endpoint: fake.endpoint, timeoutMs: 250, maxAttempts: 1 });
  dir = mkdtempSync(join(tmpdir(), 'portcullis-canary-'));
});
afterEach(async () => {
  client.destroy();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function sinks(sink: 'stdout' | 'file') {
  const stdout: string[] = [];
  const emf: string[] = [];
  const metrics = createMetrics({ service: 'portcullis', stage: 'test' }, { write: (l) => emf.push(l) });
  const config = loadConfig({ PORTCULLIS_STAGE: 'test', PORTCULLIS_KEY_DIR: '/nonexistent', PORTCULLIS_AUDIT_SINK: sink, PORTCULLIS_AUDIT_FILE: join(dir, 'audit.log') });
  const audit = createAuditSink(config, { clock: new FrozenClock(), stdout: (l) => stdout.push(l), functionName: CANARY_BEARER });
  return { audit, stdout, emf, metrics };
}

const expectScrubbed = (e: Record<string, unknown>) => {
  expect(e.client_id).toBe(REDACTED);
  expect(e.function).toBe(REDACTED);
  expect(e.level).toBe('INFO');
  expect(e.detail).toEqual({ value: REDACTED, kid: 'k1' });
  expect(e).not.toHaveProperty('authorization');
  expect(e).not.toHaveProperty('client_secret');
};

describe('canary: no token, secret or Authorization value is ever written', () => {
  test('stdout sink (every function)', async () => {
    const { audit, stdout, emf, metrics } = sinks('stdout');
    for (const v of VALUES) audit.emit(poisoned(v));
    metrics.flush();
    expect(stdout).toHaveLength(VALUES.length);
    for (const l of stdout) expectScrubbed(JSON.parse(l));
    expectNoCanary('stdout', stdout.join('\n'));
    expectNoCanary('metrics', emf.join('\n'));
  });

  const modes: (FailureMode | 'ok')[] = ['ok', 'error500', 'throttle', 'partial'];
  test.each(modes)('the admin CLI writing to a deployed stage\'s log group, CloudWatch Logs %s', async (mode) => {
    if (mode !== 'ok') fake.fail(mode, { tooOld: 1, tooNew: 1 });
    const stderr: string[] = [];
    const audit = new CliCloudWatchAuditSink({ client, logGroup: GROUP, stage: 'test', functionName: CANARY_BEARER, clock: new FrozenClock(), stderr: (l) => stderr.push(l) });
    for (const v of VALUES) audit.emit(poisoned(v));
    await audit.flush();
    const stored = fake.events(GROUP).map((e) => e.message);
    const fallback = stderr.filter((l) => l.startsWith('{'));
    expect(mode === 'ok' ? stored.length : fallback.length).toBe(VALUES.length);
    for (const l of [...stored, ...fallback]) expectScrubbed(JSON.parse(l));
    expectNoCanary('CloudWatch request bodies', fake.rawBodies.join('\n'));
    expectNoCanary('stderr', stderr.join('\n'));
  });

  test('file sink (the admin CLI on the local stack)', async () => {
    const { audit, stdout } = sinks('file');
    for (const v of VALUES) audit.emit(poisoned(v));
    await audit.flush();
    const file = readFileSync(join(dir, 'audit.log'), 'utf8');
    expect(file.trimEnd().split('\n')).toHaveLength(VALUES.length);
    expect(file).toContain(REDACTED);
    expectNoCanary('audit file', file);
    expectNoCanary('stdout', stdout.join('\n'));
  });

  test('metrics: a canary given as a denial reason becomes "other"', () => {
    const emf: string[] = [];
    const m = createMetrics({ service: 'portcullis', stage: 'test' }, { write: (l) => emf.push(l) });
    for (const v of VALUES) {
      m.tokenDenied(v);
      m.authorizerDeny(v);
    }
    m.flush();
    expect(emf.map((l) => JSON.parse(l).reason)).toEqual(['other']);
    expectNoCanary('metrics', emf.join('\n'));
  });

  test('operational logs redact credential keys and credential-looking strings', () => {
    const out: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    };
    const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
    try {
      const logger = createLogger({ service: 'portcullis', stage: 'test' }, { logLevel: 'INFO' });
      logger.info('token request', { headers: { Authorization: CANARY_BASIC, 'content-type': 'x' }, token: CANARY_TOKEN, note: `got ${CANARY_BEARER}`, client: 'pc_canary' });
      logger.error('store failed', new Error(`bad token ${CANARY_TOKEN}`));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    const text = out.join('');
    const first = JSON.parse(out[0]);
    expect(first).toMatchObject({ level: 'INFO', message: 'token request', service: 'portcullis', stage: 'test', client: 'pc_canary', token: REDACTED, note: REDACTED });
    expect(first.headers).toEqual({ Authorization: REDACTED, 'content-type': 'x' });
    expect(out).toHaveLength(2);
    expect(JSON.parse(out[1])).toMatchObject({ level: 'ERROR', message: 'store failed', error: { message: REDACTED } });
    expectNoCanary('logs', text);
  });
});
