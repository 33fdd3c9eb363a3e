/**
 * The composition root of a Lambda container: builds each dependency once, on first use,
 * from the configuration. Handlers take what they need from here; tests build their own.
 */
import { createAuditSink } from './audit/create-audit-sink';
import { withMetrics } from './observability/audit-metrics';
import { getMetrics } from './observability/metrics';
import { CachedClientLookup } from './clients/client-cache';
import { ClientLockout } from './clients/lockout';
import { lockoutPolicy } from './clients/lockout-policy';
import { getConfig } from './config/load-config';
import type { Config } from './config/types';
import { systemClock } from './clock';
import { createRevocationStore } from './revocation/create-revocation-checker';
import { createKeyRing, type KeyRing } from './keys/key-ring';
import { createDynamoClient, DocTable } from './stores/dynamo/ddb';
import { DynamoClientStore } from './stores/dynamo/client-store';
import { DynamoKeyStore } from './stores/dynamo/key-store';
import { DynamoLockoutStore } from './stores/dynamo/lockout-store';
import { DynamoRevokeRateLimitStore } from './stores/dynamo/revoke-rate-limit-store';
import { RevokeRateLimiter, revokeRateLimitPolicy } from './revocation/revoke-rate-limit';

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
  /** Per-client rate limit of new revocations at the revoke endpoint. */
  revokeRateLimit: once(() => new RevokeRateLimiter(new DynamoRevokeRateLimitStore(table()), { policy: revokeRateLimitPolicy(getConfig()) })),
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
  revokeDeps: () => ({ ...runtime.tokenLookupDeps(), revokeRateLimit: runtime.revokeRateLimit() }),
};
