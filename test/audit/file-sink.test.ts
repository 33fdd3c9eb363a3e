import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAuditSink } from '../../lib/audit/create-audit-sink';
import { LOCAL_AUDIT_FILE, localAuditFilePath } from '../../lib/audit';
import { loadConfig } from '../../lib/config/load-config';
import { FrozenClock } from '../../testkit/frozen-clock';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-audit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function setup(file: string) {
  const lines: string[] = [];
  const fallbacks: number[] = [];
  const config = loadConfig({ PORTCULLIS_KEY_DIR: '/nonexistent', PORTCULLIS_AUDIT_FILE: file });
  const sink = createAuditSink(config, {
    clock: new FrozenClock(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
    stdout: (l) => lines.push(l),
    metrics: { auditFallback: (n) => fallbacks.push(n) },
    functionName: 'token',
  });
  return { sink, lines, fallbacks, config };
}

describe('local file audit sink', () => {
  test('the local stack writes to the file sink by default, at .local/audit.log of the repository', () => {
    const config = loadConfig({ PORTCULLIS_KEY_DIR: '/nonexistent' });
    expect(config.stage).toBe('local');
    expect(config.audit.sink).toBe('file');
    expect(LOCAL_AUDIT_FILE).toBe('.local/audit.log');
    expect(localAuditFilePath()).toBe(resolve(__dirname, '..', '..', '.local', 'audit.log'));
    expect(localAuditFilePath('/abs/audit.log')).toBe('/abs/audit.log');
  });

  test('appends one JSON line per event to a 0600 file in a new directory, and prints it to stdout', async () => {
    const file = join(dir, '.local', 'audit.log');
    const { sink, lines, fallbacks } = setup(file);
    sink.emit({ event: 'token.issued', outcome: 'success', client_id: 'pc_a', scopes_granted: ['read:data'] });
    sink.emit({ event: 'token.denied', outcome: 'failure', reason: 'invalid_client', client_id: 'pc_b' });
    await sink.flush();
    await (sink as { maybeFlush(): Promise<void> }).maybeFlush();

    const written = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(written).toHaveLength(2);
    expect(JSON.parse(written[0])).toMatchObject({ time: '2026-01-02T03:04:05.006Z', event: 'token.issued', client_id: 'pc_a', stage: 'local', function: 'token', schema_version: 1 });
    expect(JSON.parse(written[1])).toMatchObject({ event: 'token.denied', reason: 'invalid_client' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.local')).mode & 0o777).toBe(0o700);
    expect(lines).toEqual(written);
    expect(fallbacks).toEqual([]);
  });

  test('an existing audit file readable by others is tightened to 0600 and appended to', () => {
    const file = join(dir, 'audit.log');
    writeFileSync(file, '{"event":"old"}\n');
    chmodSync(file, 0o644);
    const { sink } = setup(file);
    sink.emit({ event: 'client.created', outcome: 'success', client_id: 'pc_c', actor: 'admin-cli' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(2);
  });

  test('when the file cannot be written the event goes to stdout marked as fallback, and is counted', () => {
    const file = join(dir, 'is-a-directory');
    mkdirSync(file);
    const { sink, lines, fallbacks } = setup(file);
    expect(() => sink.emit({ event: 'token.revoked', outcome: 'success', client_id: 'pc_d', jti: 'j1' })).not.toThrow();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ audit_fallback: true, fallback_reason: 'EISDIR', event: 'token.revoked', jti: 'j1' });
    expect(fallbacks).toEqual([1]);
  });
});
