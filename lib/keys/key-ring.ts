/**
 * The signing keys of one container: which key signs now, and which keys the JWKS publishes.
 *
 * The key list is read from the key store at most every `cacheSeconds` (no store read per
 * token); states are derived from timestamps at each call (lib/keys/schedule.ts), so a scheduled
 * activation or retirement happens on time without a refresh. If the store fails, the last list
 * is used until it is `maxStalenessSeconds` old, then 503 (the rotation timings count on that
 * bound). Signers are built once per kid and kept.
 *
 * Bootstrap: with no active key in the store, the ring registers config.signer.kmsKeyId as the
 * active key (kms), or generates a local key (file, see local-key.ts).
 */
import type { KMSClient } from '@aws-sdk/client-kms';
import type { Clock } from '../core/clock';
import { epochSeconds, systemClock } from '../core/clock';
import type { Config } from '../config/types';
import { OAuthError, temporarilyUnavailable } from '../core/errors';
import type { KeyStore } from '../stores/ports';
import { FileSigner } from './file-signer';
import { createKmsClient } from './kms-client';
import { registerKmsKey } from './kms-keys';
import { KmsSigner } from './kms-signer';
import { ensureLocalKey, requireKeyDir } from './local-key';
import { KeySchedule, type ScheduledKey } from './schedule';
import type { PublicJwk, Signer } from './signer';
import { keyTimings, type KeyTimings } from './timings';
import type { KeyRecord } from '../models/key';

export interface KeyRing {
  /** The key that signs now. Throws OAuthError temporarily_unavailable when the key list cannot be read. */
  activeSigner(): Promise<Signer>;
  /** The keys a verifier may meet: next, active and previous (active first). */
  jwks(): Promise<{ keys: PublicJwk[] }>;
}

export interface KeyRingDeps {
  keyStore: KeyStore;
  clock?: Clock;
  /** KMS client for kms keys (default: one built from the config, on first use). */
  kms?: KMSClient;
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
    if (!record) throw new Error('no active signing key in the key store');
    return this.signers.get(record.kid) ?? this.buildSigner(record);
  }

  async jwks(): Promise<{ keys: PublicJwk[] }> {
    const keys = (await this.current())
      .at(epochSeconds(this.clock))
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
    let schedule = new KeySchedule(await this.deps.keyStore.list(), this.timings);
    if (!schedule.activeAt(epochSeconds(this.clock))) {
      await this.bootstrap();
      schedule = new KeySchedule(await this.deps.keyStore.list(), this.timings);
    }
    this.schedule = schedule;
    this.loadedAtMs = startedMs;
    return schedule;
  }

  private async bootstrap(): Promise<void> {
    const now = epochSeconds(this.clock);
    const when = { state: 'active' as const, activatedAt: now, createdAt: now };
    if (this.config.signer.type === 'kms') {
      if (!this.config.signer.kmsKeyId) throw new Error('config.signer.kmsKeyId is required with the kms signer');
      await registerKmsKey(this.kmsClient(), this.config.signer.kmsKeyId, this.deps.keyStore, when);
    } else {
      await ensureLocalKey(this.config, this.deps.keyStore, { clock: this.clock });
    }
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
