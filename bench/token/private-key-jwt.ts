/**
 * The token endpoint with private_key_jwt client authentication, wired as functions/token.ts wires it
 * (lib/composition/client-auth.ts: the client's inline ES256 JWKS, the DynamoDB jti store), next to the secret
 * path of rig.ts: same table, key ring, lockout and audit. The timed requests talk to DynamoDB directly (the backends
 * run in another process, so their CPU is not counted); a second, identical wiring sends its requests through a
 * recorder (testkit/dynamo-recorder.ts, in this process), so the calls per request are counted at the wire.
 * Assertions are signed before the timed rounds (a client signs them, not the server), one per request.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { CachedClientLookup } from '../../lib/clients/client-cache';
import { createClientAdmin } from '../../lib/composition/client-admin';
import { createClientAuthServices } from '../../lib/composition/client-auth';
import { systemClock } from '../../lib/core/clock';
import { CLIENT_ASSERTION_TYPE } from '../../lib/client-auth/private-key-jwt';
import { ENDPOINT_PATHS } from '../../lib/endpoints/paths';
import { handleTokenRequest, type TokenEndpointDeps } from '../../lib/endpoints/token';
import type { HttpRequest } from '../../lib/http/request';
import { signJws } from '../../lib/jose/sign';
import { FileSigner } from '../../lib/keys/file-signer';
import { createKeyRing } from '../../lib/keys/key-ring';
import { ClientLockout } from '../../lib/lockout/lockout';
import { lockoutPolicy } from '../../lib/lockout/policy';
import { createDynamoClient } from '../../lib/stores/dynamo/client';
import { DynamoClientStore } from '../../lib/stores/dynamo/client-store';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { DynamoLockoutStore } from '../../lib/stores/dynamo/lockout-store';
import { startDynamoRecorder, type DynamoRecorder } from '../../testkit/dynamo-recorder';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import type { BackendEndpoints } from '../support/bench-config';
import { tokenRequest, type TokenRig } from './rig';

export interface PrivateKeyJwtPath {
  /** Signs `n` fresh assertions (untimed) for later requests. */
  prepare(n: number): Promise<void>;
  /** One token request with the next prepared assertion (DynamoDB directly). */
  issue(): Promise<number>;
  /** `n` steady-state requests through the recording wiring: its DynamoDB requests, by action and partition. */
  countCalls(n: number): Promise<{ requests: number; perRequest: number; calls: Record<string, number> }>;
  close(): Promise<void>;
}

export async function buildPrivateKeyJwtPath(rig: TokenRig, backends: BackendEndpoints): Promise<PrivateKeyJwtPath> {
  const { config } = rig;
  const recorder: DynamoRecorder = await startDynamoRecorder(backends.dynamoEndpoint);
  const tableAt = (endpoint: string) => new DocTable(createDynamoClient({ region: config.region, endpoint, timeoutMs: config.storeTimeoutMs }), config.tableName, systemClock);
  const table = tableAt(backends.dynamoEndpoint);
  const recorded = tableAt(recorder.endpoint);
  const clientKey = new FileSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const { client } = await createClientAdmin(config, table, new MemoryAuditSink(), 'bench').create({
    name: 'bench-private-key-jwt',
    scopes: ['read:data', 'write:data'],
    defaultScopes: ['read:data'],
    authMethod: 'private_key_jwt',
    jwks: JSON.stringify({ keys: [await clientKey.publicJwk()] }),
  });
  /** As lib/composition/token.ts wires the token function, over one table. */
  const depsOver = (t: DocTable): TokenEndpointDeps => ({
    config,
    clients: new CachedClientLookup(new DynamoClientStore(t), config.clientCacheTtlMs),
    keyRing: createKeyRing(config, { keyStore: new DynamoKeyStore(t) }),
    lockout: new ClientLockout(new DynamoLockoutStore(t), { policy: lockoutPolicy(config), cacheTtlMs: config.clientCacheTtlMs, audit: new MemoryAuditSink() }),
    clientAuth: createClientAuthServices(config, { table: t, clock: systemClock }),
    audit: rig.deps.audit,
  });
  const deps = depsOver(table);
  const countingDeps = depsOver(recorded);
  const audience = `${config.issuer}${ENDPOINT_PATHS.token}`;
  const base = tokenRequest(client.clientId, '');
  const pool: HttpRequest[] = [];
  const next = () => {
    const req = pool.shift();
    if (!req) throw new Error('private_key_jwt benchmark: no prepared assertion left');
    return req;
  };
  const path: PrivateKeyJwtPath = {
    async prepare(n) {
      const now = Math.floor(Date.now() / 1000);
      for (let i = 0; i < n; i++) {
        const claims = { iss: client.clientId, sub: client.clientId, aud: audience, iat: now, exp: now + 300, jti: randomUUID() };
        const assertion = await signJws('JWT', claims, clientKey);
        const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
        pool.push({ ...base, headers, body: `grant_type=client_credentials&scope=read%3Adata&client_assertion_type=${encodeURIComponent(CLIENT_ASSERTION_TYPE)}&client_assertion=${assertion}` });
      }
    },
    async issue() {
      return (await handleTokenRequest(next(), deps)).statusCode;
    },
    async countCalls(n) {
      await path.prepare(n + 1);
      // The first request fills this wiring's caches (client record, lockout state, key list): not steady state.
      if ((await handleTokenRequest(next(), countingDeps)).statusCode !== 200) throw new Error('private_key_jwt benchmark: a request failed');
      recorder.requests.length = 0;
      for (let i = 0; i < n; i++) {
        const status = (await handleTokenRequest(next(), countingDeps)).statusCode;
        if (status !== 200) throw new Error(`private_key_jwt benchmark: a request answered ${status}`);
      }
      const calls: Record<string, number> = {};
      for (const r of recorder.requests) {
        const key = `${r.action} ${r.leadingKeys[0]?.split('#')[0] ?? '?'}`;
        calls[key] = (calls[key] ?? 0) + 1;
      }
      return { requests: n, perRequest: recorder.requests.length / n, calls };
    },
    async close() {
      table.client.destroy();
      recorded.client.destroy();
      await recorder.close();
    },
  };
  return path;
}
