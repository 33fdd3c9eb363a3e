/**
 * The token endpoint with grant_type=refresh_token, wired as lib/composition/token.ts wires it (the DynamoDB family,
 * user and revocation stores), next to the client-credentials path of rig.ts: same table, key ring, lockout and audit.
 * Each request exchanges the refresh token the previous one returned (a rotation chain: one BatchGetItem, one
 * conditional UpdateItem, one signature). A second, identical wiring sends its requests through a recorder
 * (testkit/dynamo-recorder.ts), so the calls per refresh are counted at the wire.
 */
import { randomBytes } from 'node:crypto';
import { CachedClientLookup } from '../../lib/clients/client-cache';
import { createClientAdmin } from '../../lib/composition/client-admin';
import { epochSeconds, systemClock } from '../../lib/core/clock';
import { handleTokenRequest, type TokenEndpointDeps } from '../../lib/endpoints/token';
import { newFamilyKey } from '../../lib/refresh/refresh-token';
import { startFamily } from '../../lib/refresh/start-family';
import { createDynamoClient } from '../../lib/stores/dynamo/client';
import { DynamoClientStore } from '../../lib/stores/dynamo/client-store';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { DynamoRefreshFamilyStore } from '../../lib/stores/dynamo/refresh-family-store';
import { DynamoRevocationStore } from '../../lib/stores/dynamo/revocation-store';
import { DynamoUserStore } from '../../lib/stores/dynamo/user-store';
import { startDynamoRecorder } from '../../testkit/dynamo-recorder';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import type { BackendEndpoints } from '../support/bench-config';
import { basicAuth, tokenRequest, type TokenRig } from './rig';

export interface RefreshPath {
  /** One refresh with the chain's current token (DynamoDB directly); the status. */
  refresh(): Promise<number>;
  /** `n` steady-state refreshes through the recording wiring: DynamoDB requests per refresh, by action and partition. */
  countCalls(n: number): Promise<{ requests: number; perRequest: number; calls: Record<string, number> }>;
  close(): Promise<void>;
}

export async function buildRefreshPath(rig: TokenRig, backends: BackendEndpoints): Promise<RefreshPath> {
  // The user's role gives the scope (the bench configuration declares no roles of its own).
  const config = { ...rig.config, roles: { reader: ['read:data'] } };
  const recorder = await startDynamoRecorder(backends.dynamoEndpoint);
  const tableAt = (endpoint: string) => new DocTable(createDynamoClient({ region: config.region, endpoint, timeoutMs: config.storeTimeoutMs }), config.tableName, systemClock);
  const table = tableAt(backends.dynamoEndpoint);
  const recorded = tableAt(recorder.endpoint);
  const { client, secret } = await createClientAdmin(config, table, new MemoryAuditSink(), 'bench').create({
    name: 'bench-refresh',
    scopes: ['read:data'],
    redirectUris: ['https://app.example/cb'],
    grantTypes: ['authorization_code', 'refresh_token'],
  });
  const sub = `usr_${randomBytes(16).toString('base64url')}`;
  await new DynamoUserStore(table).create({ sub, username: `bench-${sub.slice(4, 14).toLowerCase()}`, roles: ['reader'], status: 'active', passwordHash: 'x', createdAt: 1, updatedAt: 1, passwordChangedAt: 1 });
  const newChain = async (t: DocTable) => {
    const now = epochSeconds(systemClock);
    const started = await startFamily(new DynamoRefreshFamilyStore(t), config, { familyKey: newFamilyKey(), client, sub, sid: newFamilyKey(), authTime: now, scopes: ['read:data'], nowSeconds: now });
    return started!.token;
  };
  const depsOver = (t: DocTable): TokenEndpointDeps => ({
    ...rig.deps,
    config,
    clients: new CachedClientLookup(new DynamoClientStore(t), config.clientCacheTtlMs),
    grantServices: { refreshFamilies: new DynamoRefreshFamilyStore(t), revocations: new DynamoRevocationStore(t, config) },
  });
  const deps = depsOver(table);
  const countingDeps = depsOver(recorded);
  const base = tokenRequest(client.clientId, secret);
  const request = (token: string) => ({ ...base, headers: { ...base.headers, Authorization: basicAuth(client.clientId, secret) }, body: `grant_type=refresh_token&refresh_token=${token}` });
  const step = async (d: TokenEndpointDeps, token: string): Promise<{ status: number; next: string }> => {
    const res = await handleTokenRequest(request(token), d);
    return { status: res.statusCode, next: res.statusCode === 200 ? (JSON.parse(res.body) as { refresh_token: string }).refresh_token : token };
  };
  let current = await newChain(table);
  return {
    async refresh() {
      const { status, next } = await step(deps, current);
      current = next;
      return status;
    },
    async countCalls(n) {
      let token = await newChain(recorded);
      // The first request fills this wiring's caches (client record, lockout state, key list): not steady state.
      ({ next: token } = await step(countingDeps, token));
      recorder.requests.length = 0;
      for (let i = 0; i < n; i++) {
        const r = await step(countingDeps, token);
        if (r.status !== 200) throw new Error(`refresh benchmark: a refresh answered ${r.status}`);
        token = r.next;
      }
      const calls: Record<string, number> = {};
      for (const r of recorder.requests) {
        const key = `${r.action} ${r.leadingKeys.map((k) => k.split('#')[0]).join('+')}`;
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
}
