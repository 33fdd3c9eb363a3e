/**
 * The token endpoint wired as functions/token.ts wires it (lib/composition/container.ts): clients in DynamoDB behind the
 * bounded-staleness client cache, the key ring over the key store with a file key made at run time, and the
 * functions' audit sink (each line one synchronous write to a pipe another process drains, as Lambda drains
 * stdout) with the derived EMF metrics (EMF lines discarded, their serialization kept).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditSink } from '../../lib/audit/create-audit-sink';
import { type AuditSink } from '../../lib/audit/types';
import { CachedClientLookup } from '../../lib/clients/client-cache';
import { createClientAdmin } from '../../lib/composition/client-admin';
import { systemClock } from '../../lib/core/clock';
import type { Config } from '../../lib/config/types';
import { NO_COOKIES, NO_QUERY, type HttpRequest } from '../../lib/http/request';
import { createKeyRing } from '../../lib/keys/key-ring';
import { ensureLocalKey } from '../../lib/keys/local-key';
import { withMetrics } from '../../lib/audit/metrics-from-events';
import { ClientLockout } from '../../lib/lockout/lockout';
import { lockoutPolicy } from '../../lib/lockout/policy';
import { DynamoLockoutStore } from '../../lib/stores/dynamo/lockout-store';
import { createMetrics } from '../../lib/observability/metrics';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { DynamoClientStore } from '../../lib/stores/dynamo/client-store';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import type { TokenEndpointDeps } from '../../lib/endpoints/token';
import { benchConfig, createTable, type BackendEndpoints } from '../support/bench-config';
import type { Alg } from '../support/tokens';
import { createDynamoClient } from '../../lib/stores/dynamo/client';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import type { AuditPipe } from '../support/audit-pipe';

export interface TokenRig {
  alg: Alg;
  config: Config;
  /** Production wiring: the audit line written to stdout (here: the pipe) before each answer. */
  deps: TokenEndpointDeps;
  /** The same with an audit sink that does nothing: what the audit costs is the difference. */
  depsWithoutAudit: TokenEndpointDeps;
  /** The active signing key, for the raw crypto.sign baseline. */
  privateKey: KeyObject;
  request: HttpRequest;
  close(): void;
}

const NO_AUDIT: AuditSink = { emit: () => {}, flush: async () => {} };

export const basicAuth = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** The form request a client_credentials client sends. */
export const tokenRequest = (clientId: string, secret: string): HttpRequest => ({
  method: 'POST',
  path: '/oauth2/token',
  query: NO_QUERY,
  cookies: NO_COOKIES,
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basicAuth(clientId, secret) },
  body: 'grant_type=client_credentials&scope=read%3Adata',
  isBase64Encoded: false,
  sourceIp: '203.0.113.10',
  userAgent: 'portcullis-bench/1',
  requestId: 'bench-request',
});

export async function buildTokenRig(backends: BackendEndpoints, alg: Alg, pipe: AuditPipe): Promise<TokenRig> {
  const keyDir = mkdtempSync(join(tmpdir(), 'portcullis-bench-keys-'));
  const config = benchConfig(backends, { PORTCULLIS_TABLE: `bench-token-${alg.toLowerCase()}`, PORTCULLIS_SIGNING_ALG: alg, PORTCULLIS_KEY_DIR: keyDir });
  await createTable(config);
  const table = new DocTable(createDynamoClient({ region: config.region, endpoint: config.dynamoEndpoint, timeoutMs: config.storeTimeoutMs }), config.tableName, systemClock);
  const keyStore = new DynamoKeyStore(table);
  const { record } = await ensureLocalKey(config, keyStore);
  const privateKey = createPrivateKey(readFileSync(join(keyDir, record.ref)));

  const { client, secret } = await createClientAdmin(config, table, new MemoryAuditSink(), 'bench').create({
    name: 'bench',
    scopes: ['read:data', 'write:data'],
    defaultScopes: ['read:data'],
  });

  const audit = withMetrics(createAuditSink(config, { stdout: pipe.write, functionName: 'portcullis-bench-token' }), createMetrics(config, { write: () => {} }));
  const shared = {
    config,
    clients: new CachedClientLookup(new DynamoClientStore(table), config.clientCacheTtlMs),
    keyRing: createKeyRing(config, { keyStore }),
    // As lib/composition/container.ts wires it: the happy path reads the lockout state at most once per client cache lifetime.
    lockout: new ClientLockout(new DynamoLockoutStore(table), { policy: lockoutPolicy(config), cacheTtlMs: config.clientCacheTtlMs, audit: new MemoryAuditSink() }),
  };
  return {
    alg,
    config,
    deps: { ...shared, audit },
    depsWithoutAudit: { ...shared, audit: NO_AUDIT },
    privateKey,
    request: tokenRequest(client.clientId, secret),
    close: () => rmSync(keyDir, { recursive: true, force: true }),
  };
}
