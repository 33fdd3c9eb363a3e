/**
 * Key rotation without a false denial: publish → wait → activate → retire, all derived from
 * timestamps (lib/keys/schedule.ts), so nothing has to run at the later steps.
 *
 *   rotate at T: a new key is created (file: PEM; kms: CreateKey) with activatedAt = T + lead,
 *     lead = keyMaxStaleness + jwksCache. It is in the JWKS at once (`next`), and every
 *     verifier holding an older JWKS has refetched before it signs its first token.
 *   T + lead: the new key signs; the former active key becomes `previous`, still published.
 *   T + lead + keyMaxStaleness + maxTokenLifetime + clockSkew: every token the previous key
 *     signed has expired; it leaves the JWKS (`retired`).
 *
 * `immediate` (CLI --now) activates the new key at once: for tests and for a compromised key
 * (then `keys retire KID` the old one). Verifiers with a cached JWKS meet an unknown kid and
 * must refetch (the authorizer does, rate-limited).
 */
import type { KMSClient } from '@aws-sdk/client-kms';
import type { AuditSink } from '../audit/types';
import type { Clock } from '../core/clock';
import { epochSeconds, systemClock } from '../core/clock';
import type { Config } from '../config/types';
import type { KeyStore } from '../stores/ports';
import { createKmsClient } from './kms-client';
import { createKmsKey } from './kms-keys';
import { createFileKey } from './local-key';
import { KeySchedule, type ScheduledKey } from './schedule';
import { keyTimings, publishLeadSeconds, retireAfterSeconds } from './timings';
import type { KeyRecord } from '../models/key';

export class RotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RotationError';
  }
}

export interface RotationDeps {
  keyStore: KeyStore;
  kms?: KMSClient;
  clock?: Clock;
  audit?: AuditSink;
  /** Who rotated (CLI user / principal), for the audit event. */
  actor?: string;
}

export interface RotateOptions {
  /** Activate the new key now instead of after the publish lead. */
  immediate?: boolean;
  /** Rotate even though a `next` key is already waiting. */
  force?: boolean;
}

export interface RotationResult {
  key: KeyRecord;
  /** Epoch seconds. */
  activatesAt: number;
  /** The key it replaces, and when that one leaves the JWKS. */
  previous?: { kid: string; retiresAt: number };
}

export async function listKeys(config: Config, deps: Pick<RotationDeps, 'keyStore' | 'clock'>): Promise<ScheduledKey[]> {
  const now = epochSeconds(deps.clock ?? systemClock);
  return new KeySchedule(await deps.keyStore.list(), keyTimings(config)).at(now);
}

export async function rotateKeys(config: Config, deps: RotationDeps, opts: RotateOptions = {}): Promise<RotationResult> {
  const clock = deps.clock ?? systemClock;
  const timings = keyTimings(config);
  const now = epochSeconds(clock);
  const keys = new KeySchedule(await deps.keyStore.list(), timings).at(now);
  const pending = keys.find((k) => k.state === 'next');
  if (pending && !opts.force) {
    throw new RotationError(
      `a rotation is already pending: key ${pending.record.kid} activates at ${new Date(pending.activatesAt * 1000).toISOString()} (use --force to rotate again)`,
    );
  }
  const active = keys.find((k) => k.state === 'active');
  // With nothing signing yet there is nothing to protect: the new key activates at once.
  const immediate = opts.immediate || !active;
  const latest = Math.max(now, ...keys.filter((k) => k.state === 'next').map((k) => k.activatesAt));
  // Strictly after the current key's activation, so the order of the two is never a tie.
  const earliest = Math.max(now, (active?.activatesAt ?? -1) + 1);
  const activatesAt = immediate ? earliest : Math.max(earliest, now + publishLeadSeconds(timings), latest + 1);
  const when = { state: immediate ? ('active' as const) : ('next' as const), activatedAt: activatesAt, createdAt: now };
  const key =
    config.signer.type === 'kms'
      ? await createKmsKey(config, deps.kms ?? createKmsClient(config), deps.keyStore, when)
      : await createFileKey(config, deps.keyStore, when);
  const result: RotationResult = {
    key,
    activatesAt,
    previous: active ? { kid: active.record.kid, retiresAt: activatesAt + retireAfterSeconds(timings) } : undefined,
  };
  if (deps.audit) {
    deps.audit.emit({
      event: 'keys.rotated',
      outcome: 'success',
      actor: deps.actor,
      stage: config.stage,
      detail: {
        kid: key.kid,
        alg: key.alg,
        source: key.source,
        activates_at: new Date(activatesAt * 1000).toISOString(),
        immediate,
        ...(result.previous ? { previous_kid: result.previous.kid, previous_retires_at: new Date(result.previous.retiresAt * 1000).toISOString() } : {}),
      },
    });
    await deps.audit.flush();
  }
  return result;
}

/**
 * Withdraws a key at once (a compromised or unwanted key): it no longer signs and leaves the
 * JWKS, so its tokens stop verifying once verifiers refetch. The active key cannot be retired:
 * rotate with --now first.
 */
export async function retireKey(config: Config, deps: RotationDeps, kid: string): Promise<KeyRecord> {
  const clock = deps.clock ?? systemClock;
  const now = epochSeconds(clock);
  const key = (await listKeys(config, deps)).find((k) => k.record.kid === kid);
  if (!key) throw new RotationError(`no key ${kid}`);
  if (key.state === 'active') throw new RotationError(`key ${kid} is the active key: run \`keys rotate --now\` first, then retire it`);
  if (key.state === 'retired') return key.record;
  const record = await deps.keyStore.update(kid, (k) => ({ ...k, state: 'retired', retiredAt: now }));
  if (deps.audit) {
    deps.audit.emit({
      event: 'keys.retired',
      outcome: 'success',
      actor: deps.actor,
      stage: config.stage,
      detail: { kid, retired_at: new Date(now * 1000).toISOString(), was: key.state },
    });
    await deps.audit.flush();
  }
  return record;
}
