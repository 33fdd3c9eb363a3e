import { readdirSync, rmSync, statSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../lib/config/load-config';
import { createKeyRing } from '../../lib/keys/key-ring';
import { ensureLocalKey } from '../../lib/keys/local-key';
import { FileSigner } from '../../lib/keys/file-signer';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { initKeys } from '../../lib/keys/init-keys';
import { FrozenClock } from '../../testkit/frozen-clock';

const clock = new FrozenClock(Date.UTC(2026, 3, 1));
let n = 0;
function setup(alg: 'RS256' | 'ES256' = 'RS256') {
  const keyDir = join(mkdtempSync(join(tmpdir(), 'pc-local-key-')), 'keys');
  const env = { PORTCULLIS_KEY_DIR: keyDir, PORTCULLIS_SIGNING_ALG: alg };
  return { keyDir, config: loadConfig(env), configFor: (a: 'RS256' | 'ES256') => loadConfig({ ...env, PORTCULLIS_SIGNING_ALG: a }) };
}

describe('ensureLocalKey', () => {
  let other: TestDynamo;
  beforeEach(async () => {
    other = await startDynalite({ clock, tableName: `local-key-${++n}` });
  });
  afterEach(() => other.close());

  test('first start: generates a 0600 PEM in a 0700 directory and registers it active; later starts reuse it', async () => {
    const { keyDir, config } = setup();
    const keyStore = new DynamoKeyStore(other.table);
    const first = await ensureLocalKey(config, keyStore, { clock });
    expect(first.created).toBe(true);
    expect(first.record).toMatchObject({ source: 'file', alg: 'RS256', state: 'active', ref: `${first.record.kid}.pem` });
    expect(readdirSync(keyDir)).toEqual([`${first.record.kid}.pem`]);
    expect(statSync(join(keyDir, first.record.ref)).mode & 0o777).toBe(0o600);
    expect(statSync(keyDir).mode & 0o777).toBe(0o700);
    expect(FileSigner.fromFile(keyDir, first.record.ref).kid).toBe(first.record.kid);

    clock.advance(60_000);
    const second = await ensureLocalKey(config, keyStore, { clock });
    expect(second).toEqual({ record: first.record, created: false });
    expect(readdirSync(keyDir)).toHaveLength(1);
    expect(await keyStore.list()).toHaveLength(1);
  });

  test('a changed algorithm gets a new active key; the old one stays published as previous', async () => {
    const { config, configFor } = setup('RS256');
    const keyStore = new DynamoKeyStore(other.table);
    const rsa = await ensureLocalKey(config, keyStore, { clock });
    clock.advance(1000);
    const ec = await ensureLocalKey(configFor('ES256'), keyStore, { clock });
    expect(ec.created).toBe(true);
    expect(ec.record.alg).toBe('ES256');
    const ring = createKeyRing(configFor('ES256'), { keyStore, clock });
    expect((await ring.activeSigner()).kid).toBe(ec.record.kid);
    expect((await ring.jwks()).keys.map((k) => k.kid)).toEqual([ec.record.kid, rsa.record.kid]);
  });

  test('a lost key file is replaced by a new key, not a crash', async () => {
    const { keyDir, config } = setup('ES256');
    const keyStore = new DynamoKeyStore(other.table);
    const first = await ensureLocalKey(config, keyStore, { clock });
    rmSync(join(keyDir, first.record.ref));
    clock.advance(1000);
    const second = await ensureLocalKey(config, keyStore, { clock });
    expect(second.created).toBe(true);
    expect(second.record.kid).not.toBe(first.record.kid);
    expect(await createKeyRing(config, { keyStore, clock }).activeSigner()).toMatchObject({ kid: second.record.kid });
  });

  test('keys init generates a file key on an empty store; the key ring signs with it', async () => {
    const { keyDir, config } = setup('ES256');
    const keyStore = new DynamoKeyStore(other.table);
    await initKeys(config, { keyStore, clock });
    const signer = await createKeyRing(config, { keyStore, clock }).activeSigner();
    expect(signer.alg).toBe('ES256');
    expect(readdirSync(keyDir)).toEqual([`${signer.kid}.pem`]);
  });
});
