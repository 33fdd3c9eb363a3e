/**
 * File keys: generated on this machine, PEM (PKCS#8) under config.signer.keyDir with mode 0600
 * in a 0700 directory, named `<kid>.pem`. Used by the local stack and tests; deployed stages sign
 * with KMS.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../core/clock';
import { epochSeconds, systemClock } from '../core/clock';
import type { Config, SigningAlg } from '../config/types';
import { type KeyStore, ConflictError } from '../stores/ports';
import { FileSigner } from './file-signer';
import { KeySchedule } from './schedule';
import { keyTimings } from './timings';
import type { KeyRecord, KeyState } from '../models/key';

export function requireKeyDir(config: Config): string {
  const dir = config.signer.keyDir;
  if (!dir) throw new Error('config.signer.keyDir (PORTCULLIS_KEY_DIR) is required for file signing keys');
  return dir;
}

/** Generates a key pair for `alg` and writes the private key as `<keyDir>/<kid>.pem` (0600). */
export function writeNewKeyFile(keyDir: string, alg: SigningAlg): FileSigner {
  const { privateKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signer = new FileSigner(privateKey);
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  chmodSync(keyDir, 0o700);
  const path = join(keyDir, `${signer.kid}.pem`);
  writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return signer;
}

/** A new file key registered in the key store (conditional create on its kid). */
export async function createFileKey(
  config: Config,
  keyStore: KeyStore,
  opts: { state: KeyState; activatedAt: number; createdAt: number },
): Promise<KeyRecord> {
  const signer = writeNewKeyFile(requireKeyDir(config), config.signer.alg);
  const record: KeyRecord = {
    kid: signer.kid,
    alg: signer.alg,
    source: 'file',
    ref: `${signer.kid}.pem`,
    publicJwk: await signer.publicJwk(),
    state: opts.state,
    createdAt: opts.createdAt,
    activatedAt: opts.activatedAt,
  };
  await keyStore.create(record);
  return record;
}

function usable(config: Config, record: KeyRecord): boolean {
  if (record.source !== 'file' || record.alg !== config.signer.alg) return false;
  const dir = requireKeyDir(config);
  if (!existsSync(join(dir, record.ref))) return false;
  try {
    return FileSigner.fromFile(dir, record.ref).kid === record.kid;
  } catch {
    return false;
  }
}

/**
 * The local stack's first start: unless the active key is a readable file key of the configured
 * algorithm, generate one and register it as active now. Idempotent: later starts reuse it.
 * (Changing PORTCULLIS_SIGNING_ALG, or losing the key file, makes a new key; the old one stays
 * published as `previous` until its tokens have expired.)
 */
export async function ensureLocalKey(
  config: Config,
  keyStore: KeyStore,
  deps: { clock?: Clock } = {},
): Promise<{ record: KeyRecord; created: boolean }> {
  const now = epochSeconds(deps.clock ?? systemClock);
  const active = new KeySchedule(await keyStore.list(), keyTimings(config)).activeAt(now);
  if (active && usable(config, active)) return { record: active, created: false };
  try {
    return { record: await createFileKey(config, keyStore, { state: 'active', activatedAt: now, createdAt: now }), created: true };
  } catch (err) {
    if (err instanceof ConflictError) {
      const again = new KeySchedule(await keyStore.list(), keyTimings(config)).activeAt(now);
      if (again) return { record: again, created: false };
    }
    throw err;
  }
}
