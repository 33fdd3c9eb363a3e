/**
 * The keys a verifier of this stage trusts, for `explain` and `doctor`: the JWKS fetched from config.jwksUri
 * with the authorizer's own fetcher and normalization (lib/jose/jwks.ts), or, when that URI is not
 * known or does not answer, the key store's published keys (what the JWKS function serves, as in
 * CachedKeyRing.jwks()). Plus every key of the key store with its effective state (lib/keys/schedule.ts).
 * Read-only, like the key ring.
 */
import type { Fetcher } from 'aws-jwt-verify/https';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { createJwksFetcher, normalizeJwks, parseJwks } from '../../../lib/jose/jwks';
import type { Clock } from '../../../lib/core/clock';
import { epochSeconds, systemClock } from '../../../lib/core/clock';
import { DEFAULTS } from '../../../lib/config/defaults';
import type { Config } from '../../../lib/config/types';
import { KeySchedule, type ScheduledKey } from '../../../lib/keys/schedule';
import { keyTimings } from '../../../lib/keys/timings';
import type { KeyStore } from '../../../lib/stores/ports';
import { isoSeconds, relative } from './durations';

const STATE_ORDER: Record<string, number> = { active: 0, next: 1, previous: 2 };

export interface KeyView {
  /** The trusted keys, normalized as the authorizer does; undefined when there are none. */
  jwks?: Jwks;
  /** Where they came from, in words. */
  source: string;
  /** True when fetched from config.jwksUri (what the authorizer does). */
  fetched: boolean;
  /** Every key of the key store with its effective state; undefined when the store could not be read. */
  schedule?: ScheduledKey[];
  notes: string[];
}

export interface KeyViewDeps {
  keyStore: KeyStore;
  clock?: Clock;
  /** JWKS fetcher (default: the authorizer's, with its size cap; a longer timeout, for a cold local function). */
  fetcher?: Fetcher;
  /** False: do not fetch config.jwksUri (a deployed stage whose issuer is not known here). */
  fetch: boolean;
}

const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 200);

/** The JWKS the JWKS function would serve now, from the key store's schedule (same order and members as the key ring). */
export function publishedJwks(schedule: ScheduledKey[]): { keys: Array<Record<string, unknown>> } {
  const keys = schedule
    .filter((k) => k.published)
    .sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || b.activatesAt - a.activatesAt)
    .map((k) => ({ ...k.record.publicJwk, kid: k.record.kid, alg: k.record.alg, use: 'sig' }));
  return { keys };
}

export async function loadKeyView(config: Config, deps: KeyViewDeps): Promise<KeyView> {
  const now = epochSeconds(deps.clock ?? systemClock);
  const notes: string[] = [];
  let schedule: ScheduledKey[] | undefined;
  try {
    schedule = new KeySchedule(await deps.keyStore.list(), keyTimings(config)).at(now);
  } catch (err) {
    notes.push(`the key store could not be read (${errorText(err)}): key states are unknown`);
  }
  if (deps.fetch) {
    try {
      const body = await (deps.fetcher ?? createJwksFetcher(DEFAULTS.troubleshootFetchTimeoutMs)).fetch(config.jwksUri);
      return { jwks: parseJwks(body), source: config.jwksUri, fetched: true, schedule, notes };
    } catch (err) {
      notes.push(`the JWKS at ${config.jwksUri} could not be read (${errorText(err)}); using the key store's published keys instead`);
    }
  }
  const source = "the key store's published keys (what the JWKS endpoint serves)";
  if (!schedule) return { source, fetched: false, notes };
  try {
    return { jwks: normalizeJwks(publishedJwks(schedule)), source, fetched: false, schedule, notes };
  } catch {
    notes.push('the key store publishes no usable key');
    return { source, fetched: false, schedule, notes };
  }
}

/** "the active key (signs since …)" etc., or undefined when the key store does not know the kid. */
export function describeKeyState(schedule: ScheduledKey[] | undefined, kid: string, nowSeconds: number): string | undefined {
  const k = schedule?.find((s) => s.record.kid === kid);
  if (!k) return undefined;
  switch (k.state) {
    case 'active':
      return `the active key (signs since ${isoSeconds(k.activatesAt)}${k.deactivatesAt ? `, until ${isoSeconds(k.deactivatesAt)}` : ''})`;
    case 'next':
      return `the next key: published, signs from ${isoSeconds(k.activatesAt)} (${relative(k.activatesAt, nowSeconds)})`;
    case 'previous':
      return `a previous key: no longer signs${k.retiresAt ? `, published until ${isoSeconds(k.retiresAt)} (${relative(k.retiresAt, nowSeconds)})` : ''}`;
    case 'retired':
      return `a retired key${k.retiresAt ? ` (since ${isoSeconds(k.retiresAt)})` : ''}: no longer published, its tokens are refused`;
  }
}

/** A fetcher that serves these keys (so a refetch on an unknown kid sees the same set), or fails when there are none. */
export function fixedFetcher(jwks: Jwks | undefined): Fetcher {
  return {
    fetch: async () => {
      if (!jwks) throw new Error('no keys');
      const bytes = new TextEncoder().encode(JSON.stringify(jwks));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}
