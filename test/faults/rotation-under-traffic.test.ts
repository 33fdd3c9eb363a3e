/**
 * A scheduled key rotation while traffic flows: the token endpoint signs through its key ring, the authorizer
 * verifies through the JWKS a second key ring serves (another container, its own key-list cache), and
 * authorizers that fetched the JWKS at different moments decide on every live token at every step.
 * No false denial: every decision on a token within its lifetime is Allow, across two rotations.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fetcher } from 'aws-jwt-verify/https';
import { Authorizer } from '../../lib/authorizer/decide';
import { epochSeconds } from '../../lib/core/clock';
import { initKeys } from '../../lib/keys/init-keys';
import { createKeyRing, type KeyRing } from '../../lib/keys/key-ring';
import { rotateKeys } from '../../lib/keys/rotation';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { handleTokenRequest } from '../../lib/endpoints/token';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { basic, formRequest, tokenFixture } from '../../testkit/token-fixture';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { FrozenClock } from '../../testkit/frozen-clock';
import { noRevocation } from '../../lib/revocation/checker';

// Short timings so two rotations fit a quick test; the schedule logic is the same at the defaults.
const LIFETIME = 120;
const SKEW = 5;
const JWKS_CACHE = 60;
const ENV = {
  PORTCULLIS_TOKEN_LIFETIME_SECONDS: String(LIFETIME),
  PORTCULLIS_MAX_TOKEN_LIFETIME_SECONDS: String(LIFETIME),
  PORTCULLIS_CLOCK_SKEW_SECONDS: String(SKEW),
  PORTCULLIS_KEY_CACHE_SECONDS: '5',
  PORTCULLIS_KEY_MAX_STALENESS_SECONDS: '10',
  PORTCULLIS_JWKS_CACHE_SECONDS: String(JWKS_CACHE),
  PORTCULLIS_JWKS_REFETCH_MIN_INTERVAL_MS: '10000',
};
const STEP = 5;

let ddb: TestDynamo;
beforeAll(async () => {
  ddb = await startDynalite({ tableName: 'rotation-under-traffic' });
});
afterAll(() => ddb.close());

/** The JWKS endpoint of another container, as the authorizer's fetcher sees it. */
function jwksFetcher(ring: KeyRing, fetches: { n: number }): Fetcher {
  return {
    fetch: async () => {
      fetches.n++;
      return new TextEncoder().encode(JSON.stringify(await ring.jwks())).buffer as ArrayBuffer;
    },
  };
}

test('two scheduled rotations under traffic: every live token is allowed at every step by every authorizer', async () => {
  const f = await tokenFixture({ env: { ...ENV, PORTCULLIS_KEY_DIR: join(mkdtempSync(join(tmpdir(), 'pc-rot-traffic-')), 'keys') } });
  // aws-jwt-verify also checks exp against the real time: start at (about) now.
  const clock = new FrozenClock(Math.floor(Date.now() / 1000) * 1000);
  const keyStore = new DynamoKeyStore(new DocTable(ddb.table.client, ddb.tableName, clock));
  await initKeys(f.config, { keyStore, clock });
  const tokenRing = createKeyRing(f.config, { keyStore, clock });
  const jwksRing = createKeyRing(f.config, { keyStore, clock });
  const deps = { ...f.deps, keyRing: tokenRing, clock };
  const { client, secret } = await f.admin.create({ name: 'traffic', scopes: ['read:data'] });
  const issue = async () => {
    const res = await handleTokenRequest(formRequest('grant_type=client_credentials', { Authorization: basic(client.clientId, secret) }), deps);
    expect(res.statusCode).toBe(200);
    const token = JSON.parse(res.body).access_token as string;
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as { kid: string };
    return { token, kid: header.kid, iat: epochSeconds(clock) };
  };

  const audit = new MemoryAuditSink();
  const fetches = { n: 0 };
  const authorizers: Authorizer[] = [];
  const tokens: Array<Awaited<ReturnType<typeof issue>>> = [];
  const start = epochSeconds(clock);
  const rotations: Array<{ at: number; kid: string; activatesAt: number }> = [];
  let decisions = 0;

  for (let now = start; now <= start + 600; now += STEP) {
    clock.set(now * 1000);
    // Authorizer containers starting at different moments hold JWKS copies of different ages.
    if (now - start < JWKS_CACHE && (now - start) % 15 === 0) {
      const a = new Authorizer(f.config, { audit, revocation: noRevocation, clock, fetcher: jwksFetcher(jwksRing, fetches), log: () => {} });
      await a.ready();
      authorizers.push(a);
    }
    if (now === start + 30 || now === start + 300) {
      const r = await rotateKeys(f.config, { keyStore, clock, audit, actor: 'test' });
      rotations.push({ at: now, kid: r.key.kid, activatesAt: r.activatesAt });
    }
    if (now < start + 500) tokens.push(await issue());
    for (const t of tokens.filter((x) => now < x.iat + LIFETIME)) {
      for (const [i, a] of authorizers.entries()) {
        const d = await a.decide({ authorization: `Bearer ${t.token}`, arn: 'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/demo/data' });
        if (d.effect !== 'Allow') throw new Error(`false denial (${d.reason}) at +${now - start}s by authorizer ${i} of a token of ${t.kid} issued at +${t.iat - start}s`);
        decisions++;
      }
    }
  }

  // The rotations happened under the traffic: three keys signed, each new one only after its publish lead.
  expect(rotations).toHaveLength(2);
  const kids = [...new Set(tokens.map((t) => t.kid))];
  expect(kids).toHaveLength(3);
  expect(kids.slice(1)).toEqual(rotations.map((r) => r.kid));
  for (const r of rotations) {
    expect(r.activatesAt).toBeGreaterThan(r.at);
    expect(Math.min(...tokens.filter((t) => t.kid === r.kid).map((t) => t.iat))).toBeGreaterThanOrEqual(r.activatesAt);
  }
  expect(authorizers).toHaveLength(4);
  expect(decisions).toBeGreaterThan(1_000);
  expect(audit.events.filter((e) => e.event === 'authz.denied')).toHaveLength(0);
  expect(fetches.n).toBeGreaterThan(authorizers.length); // the JWKS was refetched along the way, not loaded once
});
