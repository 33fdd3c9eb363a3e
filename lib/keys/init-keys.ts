/**
 * The first signing key of a stage (`keys init`). The functions only read the key store — their IAM roles
 * cannot write it — so an operator creates the first key once, after the first deploy, with the admin CLI
 * (the local stack does it at start). Until then the token and JWKS endpoints answer 503.
 *   kms:  registers the stack's own KMS key (config.signer.kmsKeyId, `alias/<service>-<stage>-signing`) as active
 *   file: a key file generated on this machine (ensureLocalKey; the local stack and tests)
 * Idempotent: with an active key in the store nothing changes. Race-safe: conditional creates.
 */
import type { KMSClient } from '@aws-sdk/client-kms';
import type { AuditSink } from '../audit/types';
import type { Clock } from '../core/clock';
import { epochSeconds, systemClock } from '../core/clock';
import type { Config } from '../config/types';
import type { KeyStore } from '../stores/ports';
import { createKmsClient } from './kms-client';
import { registerKmsKey } from './kms-keys';
import { ensureLocalKey } from './local-key';
import { RotationError } from './rotation';
import { KeySchedule } from './schedule';
import { keyTimings } from './timings';
import type { KeyRecord } from '../models/key';

export interface InitKeysDeps {
  keyStore: KeyStore;
  kms?: KMSClient;
  clock?: Clock;
  audit?: AuditSink;
  /** Who ran it, for the audit event. */
  actor?: string;
}

export async function initKeys(config: Config, deps: InitKeysDeps): Promise<{ record: KeyRecord; created: boolean }> {
  const clock = deps.clock ?? systemClock;
  const now = epochSeconds(clock);
  const activeNow = async () => new KeySchedule(await deps.keyStore.list(), keyTimings(config)).activeAt(now);
  let result: { record: KeyRecord; created: boolean };
  if (config.signer.type === 'file') {
    result = await ensureLocalKey(config, deps.keyStore, { clock });
  } else {
    const active = await activeNow();
    if (active) return { record: active, created: false };
    if (!config.signer.kmsKeyId) throw new Error('config.signer.kmsKeyId is required with the kms signer');
    const record = await registerKmsKey(deps.kms ?? createKmsClient(config), config.signer.kmsKeyId, deps.keyStore, {
      state: 'active',
      activatedAt: now,
      createdAt: now,
    });
    const after = await activeNow();
    if (!after) {
      throw new RotationError(`the stack's key ${record.kid} is already in the key store as ${record.state}: make a new key with \`keys rotate --now\``);
    }
    // registerKmsKey answers an existing record on a conflict: created now means this run (or a concurrent one, this second) wrote it.
    result = { record: after, created: after.kid === record.kid && record.createdAt === now };
  }
  if (result.created && deps.audit) {
    deps.audit.emit({
      event: 'keys.initialized',
      outcome: 'success',
      actor: deps.actor,
      stage: config.stage,
      detail: { kid: result.record.kid, alg: result.record.alg, source: result.record.source },
    });
    await deps.audit.flush();
  }
  return result;
}
