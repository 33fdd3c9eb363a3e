/** Wiring: the store and the checker for a config (snapshot by default, strict on request). */
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import { DEFAULTS } from '../config/defaults';
import type { Config } from '../config/types';
import type { DocTable } from '../stores/dynamo/doc-table';
import { DynamoRevocationStore } from '../stores/dynamo/revocation-store';
import { SnapshotRevocationChecker } from '../revocation/snapshot-checker';
import { StrictRevocationChecker } from '../revocation/strict-checker';
import type { LateRevocationRecord } from '../models/revocation';
import type { RevocationChecker } from '../revocation/checker';
import type { RevocationStore } from '../stores/ports';

export interface RevocationDeps {
  /** Required unless `store` is given. */
  table?: DocTable;
  clock?: Clock;
  store?: RevocationStore;
  /** Refresh / lookup failures, for a log line (they fail closed either way). */
  onError?: (err: unknown) => void;
  /** Snapshot mode: a record the feed index delivered later than the overlap (applied; for a log line and the alarm metric). */
  onLateRecord?: (record: LateRevocationRecord) => void;
}

export function createRevocationStore(config: Config, deps: { table: DocTable; clock?: Clock }): RevocationStore {
  const clock = deps.clock ?? systemClock;
  return new DynamoRevocationStore(deps.table, config, clock);
}

export function createRevocationChecker(config: Config, deps: RevocationDeps = {}): RevocationChecker {
  const clock = deps.clock ?? systemClock;
  if (!deps.store && !deps.table) throw new Error('createRevocationChecker needs a store or a table');
  const store = deps.store ?? createRevocationStore(config, { table: deps.table!, clock });
  if (config.revocation.mode === 'strict') return new StrictRevocationChecker(store, deps.onError);
  return new SnapshotRevocationChecker(store, {
    refreshMs: config.revocation.refreshMs,
    maxStalenessMs: config.revocation.maxStalenessMs,
    overlapMs: DEFAULTS.revocationFeedOverlapMs,
    fullReloadMs: config.revocationFullReloadMs,
    accessTokenHorizonSeconds: config.maxTokenLifetimeSeconds + config.clockSkewSeconds,
    // the client makes 2 attempts of at most storeTimeoutMs each
    abandonAfterMs: 2 * config.storeTimeoutMs + 1_000,
    clock,
    onRefreshError: deps.onError,
    onLateRecord: deps.onLateRecord,
  });
}
