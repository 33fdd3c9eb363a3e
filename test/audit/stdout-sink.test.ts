/**
 * The functions' audit sink: one JSON line per event on stdout, written synchronously before emit returns,
 * in order, nothing buffered; a stdout that cannot take the line makes emit throw (the caller fails closed).
 */
import { closeSync, openSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StdoutAuditSink } from '../../lib/audit/stdout-sink';
import { AuditWriteError, writeLineSync } from '../../lib/audit/sync-write';
import { FrozenClock } from '../../testkit/frozen-clock';

const START = Date.UTC(2026, 0, 1, 12, 0, 0);

test('each event is one line, "level":"INFO" first, schema version 2, in emission order, written before emit returns', () => {
  const lines: string[] = [];
  const clock = new FrozenClock(START);
  const sink = new StdoutAuditSink({ stage: 'prod', functionName: 'portcullis-prod-token', clock, write: (l) => lines.push(l) });
  sink.emit({ event: 'token.issued', outcome: 'success', client_id: 'pc_a', jti: 'j1' });
  expect(lines).toHaveLength(1); // already written: no flush needed
  clock.advance(5);
  sink.emit({ event: 'token.denied', outcome: 'failure', reason: 'bad_secret', client_id: 'pc_b' });
  expect(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
  expect(lines[0].startsWith('{"level":"INFO","time":"2026-01-01T12:00:00.000Z","event":"token.issued"')).toBe(true);
  const [a, b] = lines.map((l) => JSON.parse(l));
  expect(a).toMatchObject({ level: 'INFO', event: 'token.issued', stage: 'prod', function: 'portcullis-prod-token', schema_version: 2 });
  expect(b).toMatchObject({ time: '2026-01-01T12:00:00.005Z', event: 'token.denied', reason: 'bad_secret' });
  expect(Number(a.event_id.split('-')[1])).toBeLessThan(Number(b.event_id.split('-')[1]));
});

test('an event that cannot be serialized is still recorded as a fact, without its content', () => {
  const lines: string[] = [];
  const sink = new StdoutAuditSink({ stage: 'prod', functionName: 'f', clock: new FrozenClock(START), write: (l) => lines.push(l) });
  const hostile = { event: 'token.issued', outcome: 'success', get client_id(): string {
    throw new Error('boom');
  } };
  sink.emit(hostile as never);
  expect(JSON.parse(lines[0])).toMatchObject({ level: 'INFO', event: 'unknown', outcome: 'failure', reason: 'unserializable_event', schema_version: 2 });
});

test('a stdout that cannot take the line makes emit throw, so the caller fails closed', () => {
  const sink = new StdoutAuditSink({
    stage: 'prod',
    functionName: 'f',
    clock: new FrozenClock(START),
    write: () => {
      throw new AuditWriteError('EPIPE');
    },
  });
  expect(() => sink.emit({ event: 'authz.allowed', outcome: 'success' })).toThrow(AuditWriteError);
});

describe('writeLineSync', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'portcullis-sync-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('writes the whole line to the descriptor before returning', () => {
    const file = join(dir, 'out');
    const fd = openSync(file, 'a');
    try {
      writeLineSync(fd, '{"a":1}\n');
      writeLineSync(fd, `{"b":"${'é'.repeat(3000)}"}\n`);
      expect(readFileSync(file, 'utf8')).toBe(`{"a":1}\n{"b":"${'é'.repeat(3000)}"}\n`);
    } finally {
      closeSync(fd);
    }
  });

  test('a full pipe (EAGAIN) is waited for, and a short write goes on where it stopped', () => {
    const written: Buffer[] = [];
    let calls = 0;
    const write = (_fd: number, data: string | Buffer, offset?: number, length?: number) => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
      const buf = typeof data === 'string' ? Buffer.from(data) : data.subarray(offset ?? 0, (offset ?? 0) + (length ?? data.length));
      const n = Math.min(buf.length, 5);
      written.push(buf.subarray(0, n));
      return n;
    };
    writeLineSync(1, 'hello world\n', 2000, write);
    expect(Buffer.concat(written).toString()).toBe('hello world\n');
    expect(calls).toBe(4);
  });

  test('gives up after the wait and throws; other errors throw at once', () => {
    let tries = 0;
    const full = () => {
      tries++;
      throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
    };
    expect(() => writeLineSync(1, 'x\n', 3, full)).toThrow(/EAGAIN/);
    expect(tries).toBe(4);
    const closed = () => {
      throw Object.assign(new Error('EBADF'), { code: 'EBADF' });
    };
    expect(() => writeLineSync(1, 'x\n', 2000, closed)).toThrow(/EBADF/);
  });
});

test('the token endpoint answers no token when its audit line cannot be written (500 through the API handler, never the token)', async () => {
  const { tokenFixture, formRequest, basic } = await import('../../testkit/token-fixture');
  const { handleTokenRequest } = await import('../../lib/endpoints/token');
  const { errorResponse } = await import('../../lib/http/response');
  const f = await tokenFixture();
  const { client, secret } = await f.admin.create({ name: 'a', scopes: ['read:data'] });
  const broken = new StdoutAuditSink({
    stage: 'test',
    functionName: 'token',
    clock: f.clock,
    write: () => {
      throw new AuditWriteError('EPIPE');
    },
  });
  const outcome = await handleTokenRequest(formRequest('grant_type=client_credentials', { Authorization: basic(client.clientId, secret) }), { ...f.deps, audit: broken }).then(
    (res) => res,
    (err: unknown) => errorResponse(err), // what lib/http/api-handler.ts answers for a thrown error
  );
  expect(outcome.statusCode).toBe(500);
  expect(outcome.body).not.toContain('access_token');
  expect(JSON.parse(outcome.body).error).toBe('server_error');
});
