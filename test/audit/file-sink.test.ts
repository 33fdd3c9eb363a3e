import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAuditSink } from '../../lib/audit/create-audit-sink';
import { FileAuditSink } from '../../lib/audit/file-sink';
import { LOCAL_AUDIT_FILE, localAuditFilePath } from '../../lib/audit';
import { loadConfig } from '../../lib/config/load-config';
import { FrozenClock } from '../../testkit/frozen-clock';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-audit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const clock = () => new FrozenClock(Date.UTC(2026, 0, 2, 3, 4, 5, 6));

function setup(file: string) {
  const config = loadConfig({ PORTCULLIS_KEY_DIR: '/nonexistent', PORTCULLIS_AUDIT_SINK: 'file', PORTCULLIS_AUDIT_FILE: file });
  return { sink: createAuditSink(config, { clock: clock(), functionName: 'admin-cli' }), config };
}

describe('local file audit sink (the admin CLI on the local stack)', () => {
  test('functions write to stdout in every stage; the file sink is chosen explicitly; the local file is .local/audit.log of the repository', () => {
    expect(loadConfig({ PORTCULLIS_KEY_DIR: '/nonexistent' }).audit.sink).toBe('stdout');
    // The former CloudWatch Logs sink's name is still accepted (an environment from an older serverless.yml): stdout.
    expect(loadConfig({ PORTCULLIS_KEY_DIR: '/nonexistent', PORTCULLIS_AUDIT_SINK: 'cloudwatch', PORTCULLIS_AUDIT_CONFIRM: 'journal' }).audit.sink).toBe('stdout');
    expect(() => loadConfig({ PORTCULLIS_KEY_DIR: '/nonexistent', PORTCULLIS_AUDIT_SINK: 'kafka' })).toThrow(/PORTCULLIS_AUDIT_SINK must be/);
    expect(LOCAL_AUDIT_FILE).toBe('.local/audit.log');
    expect(localAuditFilePath()).toBe(resolve(__dirname, '..', '..', '.local', 'audit.log'));
    expect(localAuditFilePath('/abs/audit.log')).toBe('/abs/audit.log');
  });

  test('appends one schema-2 JSON line per event to a 0600 file in a new directory', async () => {
    const file = join(dir, '.local', 'audit.log');
    const { sink } = setup(file);
    sink.emit({ event: 'client.created', outcome: 'success', client_id: 'pc_a', scopes_granted: ['read:data'], actor: 'admin-cli:alice' });
    sink.emit({ event: 'revocation.client', outcome: 'success', client_id: 'pc_b' });
    await sink.flush();

    const written = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(written).toHaveLength(2);
    expect(JSON.parse(written[0])).toMatchObject({ level: 'INFO', time: '2026-01-02T03:04:05.006Z', event: 'client.created', client_id: 'pc_a', stage: 'local', function: 'admin-cli', schema_version: 2 });
    expect(JSON.parse(written[1])).toMatchObject({ event: 'revocation.client', client_id: 'pc_b' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.local')).mode & 0o777).toBe(0o700);
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

  test('when the file cannot be written the event goes to stderr marked as fallback (stdout is the CLI\'s output)', () => {
    const file = join(dir, 'is-a-directory');
    mkdirSync(file);
    const lines: string[] = [];
    const sink = new FileAuditSink({ file, stage: 'local', functionName: 'admin-cli', clock: clock(), fallback: (l) => lines.push(l) });
    expect(() => sink.emit({ event: 'token.revoked', outcome: 'success', client_id: 'pc_d', jti: 'j1' })).not.toThrow();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ audit_fallback: true, fallback_reason: 'EISDIR', event: 'token.revoked', jti: 'j1', level: 'INFO' });
  });
});
