/**
 * The composition root of a Lambda container: builds each dependency once, on first use,
 * from the configuration. Handlers take what they need from here; tests build their own.
 */
import { createAuditSink } from '../audit/create-audit-sink';
import { withMetrics } from '../audit/metrics-from-events';
import { getMetrics } from '../observability/metrics';
import { CachedClientLookup } from '../clients/client-cache';
import { ClientLockout } from '../lockout/lockout';
import { lockoutPolicy } from '../lockout/policy';
import { getConfig } from '../config/load-config';
import type { Config } from '../config/types';
import { systemClock } from '../core/clock';
import { createRevocationStore } from './revocation';
import { createKeyRing, type KeyRing } from '../keys/key-ring';
import { createDynamoClient, DocTable } from '../stores/dynamo/doc-table';
import { DynamoClientStore } from '../stores/dynamo/client-store';
import { DynamoKeyStore } from '../stores/dynamo/key-store';
import { DynamoLockoutStore } from '../stores/dynamo/lockout-store';

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

const table = once((): DocTable => {
  const config = getConfig();
  const client = createDynamoClient({ region: config.region, endpoint: config.dynamoEndpoint, timeoutMs: config.storeTimeoutMs });
  return new DocTable(client, config.tableName, systemClock);
});
const clientStore = once(() => new DynamoClientStore(table()));
const keyStore = once(() => new DynamoKeyStore(table()));

export const runtime = {
  config: (): Config => getConfig(),
  table,
  clientStore,
  keyStore,
  clientLookup: once(() => new CachedClientLookup(clientStore(), getConfig().clientCacheTtlMs)),
  keyRing: once((): KeyRing => createKeyRing(getConfig(), { keyStore: keyStore() })),
  audit: once(() => withMetrics(createAuditSink(getConfig()), getMetrics(getConfig()))),
  revocationStore: once(() => createRevocationStore(getConfig(), { table: table() })),
  /** Brute-force lockout of client authentication, shared by the token, revoke and introspect endpoints. */
  lockout: once(
    (): ClientLockout =>
      new ClientLockout(new DynamoLockoutStore(table()), {
        policy: lockoutPolicy(getConfig()),
        cacheTtlMs: getConfig().clientCacheTtlMs,
        audit: runtime.audit(),
      }),
  ),
  tokenEndpointDeps: () => ({
    config: getConfig(),
    clients: runtime.clientLookup(),
    keyRing: runtime.keyRing(),
    audit: runtime.audit(),
    lockout: runtime.lockout(),
  }),
  tokenLookupDeps: () => ({
    config: getConfig(),
    clients: runtime.clientLookup(),
    keyRing: runtime.keyRing(),
    revocations: runtime.revocationStore(),
    audit: runtime.audit(),
    lockout: runtime.lockout(),
  }),
};
