/**
 * The signing keys of one container: which key signs now, and which keys the JWKS publishes.
 *
 * The key list is read from the key store at most every `cacheSeconds` (no store read per
 * token); states are derived from timestamps at each call (lib/keys/schedule.ts), so a scheduled
 * activation or retirement happens on time without a refresh. If the store fails, the last list
 * is used until it is `maxStalenessSeconds` old, then 503 (the rotation timings count on that
 * bound). Signers are built once per kid and kept.
 *
 * Read-only: the ring never writes the key store (the functions' IAM roles cannot). With no active
 * key — a stage whose first key was not created yet (`keys init`, lib/keys/init-keys.ts) — both
 * calls answer 503 temporarily_unavailable (reason `no_signing_key`), and the ring looks again after
 * its cache lifetime.
 */
import type { KMSClient } from '@aws-sdk/client-kms';
import type { Clock } from '../core/clock';
import { epochSeconds, systemClock } from '../core/clock';
import type { Config } from '../config/types';
import { OAuthError, temporarilyUnavailable } from '../core/errors';
import type { KeyStore } from '../stores/ports';
import { FileSigner } from './file-signer';
import { createKmsClient } from './kms-client';
import { KmsSigner } from './kms-signer';
import { requireKeyDir } from './local-key';
import { KeySchedule, type ScheduledKey } from './schedule';
import type { PublicJwk, Signer } from './signer';
import { keyTimings, type KeyTimings } from './timings';
import type { KeyRecord } from '../models/key';

export interface KeyRing {
  /** The key that signs now. Throws OAuthError temporarily_unavailable when the key list cannot be read or has no active key. */
  activeSigner(): Promise<Signer>;
  /** The keys a verifier may meet: next, active and previous (active first). Throws like activeSigner. */
  jwks(): Promise<{ keys: PublicJwk[] }>;
}

export interface KeyRingDeps {
  keyStore: KeyStore;
  clock?: Clock;
  /** KMS client for kms keys (default: one built from the config, on first use). */
  kms?: KMSClient;
}

/** No active signing key in the store: the stage's first key has not been created (`keys init`). */
export function noSigningKey(retryAfterSeconds: number): OAuthError {
  return new OAuthError('temporarily_unavailable', 'No signing key is configured yet, retry later', {
    headers: { 'Retry-After': String(retryAfterSeconds) },
    reason: 'no_signing_key',
  });
}

export function createKeyRing(config: Config, deps: KeyRingDeps): KeyRing {
  return new CachedKeyRing(config, deps);
}

/** After a failed key-list refresh, the stale list is served without retrying for this long. */
const RETRY_AFTER_FAILURE_MS = 5_000;

const STATE_ORDER: Record<string, number> = { active: 0, next: 1, previous: 2 };

export class CachedKeyRing implements KeyRing {
  private readonly clock: Clock;
  private readonly timings: KeyTimings;
  private schedule?: KeySchedule;
  private loadedAtMs = 0;
  private retryAtMs = 0;
  private loading?: Promise<KeySchedule>;
  private readonly signers = new Map<string, Signer>();
  private kms?: KMSClient;

  constructor(
    private readonly config: Config,
    private readonly deps: KeyRingDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.timings = keyTimings(config);
    this.kms = deps.kms;
  }

  activeSigner(): Promise<Signer> {
    // Hot path (the list is fresh and the signer built): no await, no allocation but the promise.
    const nowMs = this.clock.now();
    if (this.schedule && nowMs - this.loadedAtMs < this.timings.cacheSeconds * 1000) {
      const record = this.schedule.activeAt(Math.floor(nowMs / 1000));
      const signer = record && this.signers.get(record.kid);
      if (signer) return Promise.resolve(signer);
    }
    return this.activeSignerSlow();
  }

  private async activeSignerSlow(): Promise<Signer> {
    const schedule = await this.current();
    const record = schedule.activeAt(epochSeconds(this.clock));
    if (!record) throw noSigningKey(this.timings.cacheSeconds);
    return this.signers.get(record.kid) ?? this.buildSigner(record);
  }

  async jwks(): Promise<{ keys: PublicJwk[] }> {
    const schedule = await this.current();
    const now = epochSeconds(this.clock);
    // A JWKS without the key that signs would make every verifier refuse every new token: say so instead.
    if (!schedule.activeAt(now)) throw noSigningKey(this.timings.cacheSeconds);
    const keys = schedule
      .at(now)
      .filter((k) => k.published)
      .sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || b.activatesAt - a.activatesAt)
      .map((k) => ({ ...k.record.publicJwk, kid: k.record.kid, alg: k.record.alg, use: 'sig' as const }));
    return { keys };
  }

  /** Every key with its effective state now (for `keys list` and diagnostics). */
  async keys(): Promise<ScheduledKey[]> {
    return (await this.current()).at(epochSeconds(this.clock));
  }

  private async current(): Promise<KeySchedule> {
    const now = this.clock.now();
    if (this.schedule) {
      const age = now - this.loadedAtMs;
      if (age < this.timings.cacheSeconds * 1000) return this.schedule;
      // After a failed refresh, requests do not each wait for the store: retry every few seconds.
      if (now < this.retryAtMs && age < this.timings.maxStalenessSeconds * 1000) return this.schedule;
    }
    try {
      return await (this.loading ??= this.load().finally(() => (this.loading = undefined)));
    } catch (err) {
      this.retryAtMs = now + Math.min(RETRY_AFTER_FAILURE_MS, this.timings.cacheSeconds * 1000);
      if (this.schedule && now - this.loadedAtMs < this.timings.maxStalenessSeconds * 1000) return this.schedule;
      throw err instanceof OAuthError ? err : temporarilyUnavailable(err);
    }
  }

  private async load(): Promise<KeySchedule> {
    const startedMs = this.clock.now();
    const schedule = new KeySchedule(await this.deps.keyStore.list(), this.timings);
    this.schedule = schedule;
    this.loadedAtMs = startedMs;
    return schedule;
  }

  private kmsClient(): KMSClient {
    return (this.kms ??= createKmsClient(this.config));
  }

  private buildSigner(record: KeyRecord): Signer {
    let signer: Signer;
    if (record.source === 'kms') {
      signer = KmsSigner.withPublicJwk({ kms: this.kmsClient(), keyId: record.ref, publicJwk: { ...record.publicJwk, kid: record.kid } });
    } else {
      signer = FileSigner.fromFile(requireKeyDir(this.config), record.ref);
      if (signer.kid !== record.kid) throw new Error(`key file ${record.ref} does not hold key ${record.kid}`);
    }
    this.signers.set(record.kid, signer);
    return signer;
  }
}
