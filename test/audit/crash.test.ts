/**
 * A function that crashes right after answering still has its audit events on stdout, in order: the bundled
 * token and authorizer functions (esbuild, the settings of serverless.yml, as deployed) answer a few requests in a
 * fresh process that SIGKILLs itself right after the last answer. Each answer's event is on stdout before the
 * line the driver writes after that answer, and none is missing. (With the former CloudWatch Logs sink the
 * authorizer buffered its events for up to a second: a crash lost them.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { esbuildFunction } from '../../bench/cold/bundles';
import { startFunctionFixture, type FunctionFixture } from '../../bench/cold/function-fixture';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';

let dir: string;
let ddb: TestDynamo;
let fixture: FunctionFixture;
const bundles: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-crash-'));
  ddb = await startDynalite({ tableName: 'bench-functions' });
  fixture = await startFunctionFixture({ dynamoEndpoint: ddb.endpoint });
  for (const fn of ['token', 'authorizer'] as const) {
    bundles[fn] = join(dir, fn, `functions/${fn}.js`);
    await esbuildFunction(fn, bundles[fn]);
  }
}, 120_000);
afterAll(async () => {
  await fixture?.close();
  await ddb?.close();
  rmSync(dir, { recursive: true, force: true });
});

function crash(fn: 'token' | 'authorizer', handler: string, events: unknown[]): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'crash-driver.cjs')], {
      env: { PATH: process.env.PATH ?? '', ...fixture.env, AWS_LAMBDA_FUNCTION_NAME: `portcullis-prod-${fn}`, CRASH_BUNDLE: bundles[fn], CRASH_HANDLER: handler, CRASH_EVENTS: JSON.stringify(events) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (_code, signal) => (signal === 'SIGKILL' ? resolve({ lines: out.split('\n').filter(Boolean), signal }) : reject(new Error(`driver ended with ${signal ?? _code}: ${err.slice(-2000)}`))));
  });
}

/** Audit events (parsed) and driver lines, in stdout order. */
const parse = (lines: string[]) => lines.map((l) => (l.startsWith('ANSWERED ') ? l : (JSON.parse(l) as Record<string, unknown>)));

function expectEachEventBeforeItsAnswer(lines: string[], n: number, event: string): Record<string, unknown>[] {
  const items = parse(lines).filter((x) => typeof x === 'string' || (x.schema_version === 2 && x.event === event) || x.event === 'authz.denied');
  const audits = items.filter((x): x is Record<string, unknown> => typeof x !== 'string');
  expect(audits).toHaveLength(n);
  // stdout order: event 0, ANSWERED 0, event 1, ANSWERED 1, …
  expect(items.map((x) => (typeof x === 'string' ? x.split(' ').slice(0, 2).join(' ') : 'event'))).toEqual(Array.from({ length: n }, (_, i) => ['event', `ANSWERED ${i}`]).flat());
  return audits;
}

test('the token function: every token issued before the crash has its event on stdout, before its answer, in order', async () => {
  const events = Array.from({ length: 3 }, (_, i) => ({ ...(fixture.tokenEvent() as object), requestContext: { requestId: `crash-${i}`, identity: { sourceIp: '203.0.113.9', userAgent: 'crash-test' } } }));
  const { lines, signal } = await crash('token', 'handler', events);
  expect(signal).toBe('SIGKILL');
  expect(lines.filter((l) => l.startsWith('ANSWERED')).map((l) => l.split(' ')[2])).toEqual(['200', '200', '200']);
  const audits = expectEachEventBeforeItsAnswer(lines, 3, 'token.issued');
  expect(audits.map((e) => e.request_id)).toEqual(['crash-0', 'crash-1', 'crash-2']);
  expect(audits[0]).toMatchObject({ level: 'INFO', event: 'token.issued', client_id: fixture.clientId, function: 'portcullis-prod-token', stage: 'prod' });
});

test('the authorizer: the last decision before the crash is on stdout too (nothing waits in a buffer)', async () => {
  const events = Array.from({ length: 4 }, (_, i) => ({ ...(fixture.authorizerEvent() as Record<string, unknown>), requestContext: { requestId: `authz-${i}`, identity: { sourceIp: '203.0.113.9', userAgent: 'crash-test' } } }));
  const { lines } = await crash('authorizer', 'request', events);
  expect(lines.filter((l) => l.startsWith('ANSWERED')).map((l) => l.split(' ')[2])).toEqual(['policy', 'policy', 'policy', 'policy']);
  const audits = expectEachEventBeforeItsAnswer(lines, 4, 'authz.allowed');
  expect(audits.map((e) => [e.event, e.request_id])).toEqual(Array.from({ length: 4 }, (_, i) => ['authz.allowed', `authz-${i}`]));
});
