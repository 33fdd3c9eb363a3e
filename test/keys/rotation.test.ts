import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { epochSeconds } from '../../lib/core/clock';
import { loadConfig } from '../../lib/config/load-config';
import { createKeyRing, type KeyRing } from '../../lib/keys/key-ring';
import { ensureLocalKey } from '../../lib/keys/local-key';
import type { PublicJwk } from '../../lib/keys/signer';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { runKeysCommand, type KeysCommandContext } from '../../infra/cli/keys-commands';
import { startFakeKms, type FakeKms } from '../../testkit/fakes/fake-kms';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { FrozenClock } from '../../testkit/frozen-clock';

// Short timings so a whole rotation cycle fits a quick test: the logic is the same at 300 s / 86400 s.
const ENV = {
  PORTCULLIS_SIGNING_ALG: 'ES256',
  PORTCULLIS_TOKEN_LIFETIME_SECONDS: '120',
  PORTCULLIS_MAX_TOKEN_LIFETIME_SECONDS: '120',
  PORTCULLIS_CLOCK_SKEW_SECONDS: '5',
  PORTCULLIS_KEY_CACHE_SECONDS: '5',
  PORTCULLIS_KEY_MAX_STALENESS_SECONDS: '10',
  PORTCULLIS_JWKS_CACHE_SECONDS: '60',
};
const LIFETIME = 120;
const SKEW = 5;
const JWKS_CACHE = 60;
const LEAD = 10 + 60; // staleness + JWKS cache
const RETIRE_AFTER = 10 + 120 + 5; // staleness + max lifetime + skew

let ddb: TestDynamo;
let tableNo = 0;
beforeEach(async () => {
  ddb = await startDynalite({ tableName: `rotation-${++tableNo}` });
});
afterEach(() => ddb.close());

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

async function mint(ring: KeyRing, clock: FrozenClock) {
  const signer = await ring.activeSigner();
  const iat = epochSeconds(clock);
  const input = `${b64({ alg: signer.alg, typ: 'at+jwt', kid: signer.kid })}.${b64({ iss: 'http://localhost:3000', sub: 'c', iat, exp: iat + LIFETIME, jti: `${iat}` })}`;
  return { token: `${input}.${(await signer.sign(Buffer.from(input))).toString('base64url')}`, kid: signer.kid, iat, exp: iat + LIFETIME };
}

function cli(ctx: Omit<KeysCommandContext, 'out' | 'err' | 'json'> & { json?: boolean }) {
  const lines: string[] = [];
  const errors: string[] = [];
  const run = (...argv: string[]) => runKeysCommand(argv, { json: false, ...ctx, out: (l) => lines.push(l), err: (l) => errors.push(l) });
  return { run, lines, errors, last: () => JSON.parse(lines[lines.length - 1]) };
}

test('rotation under traffic: every token verifies for its whole lifetime at verifiers that cache the JWKS; retired keys leave the JWKS', async () => {
  const clock = new FrozenClock(Date.UTC(2026, 6, 1));
  const config = loadConfig({ ...ENV, PORTCULLIS_KEY_DIR: join(mkdtempSync(join(tmpdir(), 'pc-rot-')), 'keys') });
  const keyStore = new DynamoKeyStore(ddb.table);
  const first = (await ensureLocalKey(config, keyStore, { clock })).record;
  const tokenRing = createKeyRing(config, { keyStore, clock }); // the token endpoint
  const jwksRing = createKeyRing(config, { keyStore, clock }); // the JWKS endpoint (its own container and cache)
  const audit = new MemoryAuditSink();
  const { run, last } = cli({ config, keyStore, clock, audit });

  // Verifiers that refetch the JWKS only when their copy is JWKS_CACHE old (never on an unknown kid),
  // one per 5-second phase: the worst case of a verifier that fetched just before a key was published.
  const STEP = 5;
  const start = epochSeconds(clock);
  const initial = await jwksRing.jwks();
  const verifiers = Array.from({ length: JWKS_CACHE / STEP }, (_, i) => ({ fetchedAt: start - i * STEP, jwks: initial }));
  const keySets = new Map<string, JWTVerifyGetKey>();
  const keySet = (jwks: { keys: PublicJwk[] }) => {
    const id = jwks.keys.map((k) => k.kid).join(',');
    if (!keySets.has(id)) keySets.set(id, createLocalJWKSet(jwks));
    return { id, get: keySets.get(id)! };
  };

  const tokens: Array<Awaited<ReturnType<typeof mint>>> = [];
  const rotations: Array<{ at: number; kid: string; activatesAt: number; previousRetiresAt: number }> = [];
  let checks = 0;
  for (let now = start; now <= start + 900; now += STEP) {
    clock.set(now * 1000);
    if (now === start + 100 || now === start + 400) {
      expect(await run('keys', 'rotate', '--json')).toBe(0);
      const r = last();
      rotations.push({ at: now, kid: r.kid, activatesAt: Date.parse(r.activates_at) / 1000, previousRetiresAt: Date.parse(r.previous_retires_at) / 1000 });
    }
    if (now < start + 700) tokens.push(await mint(tokenRing, clock));
    for (const v of verifiers) {
      if (now - v.fetchedAt >= JWKS_CACHE) Object.assign(v, { fetchedAt: now, jwks: await jwksRing.jwks() });
    }
    // Verifiers holding the same JWKS decide the same way: verify once per distinct key set.
    const distinct = new Map(verifiers.map((v) => [keySet(v.jwks).id, keySet(v.jwks).get]));
    for (const t of tokens.filter((x) => now < x.exp + SKEW)) {
      for (const [id, getKey] of distinct) {
        const ok = await jwtVerify(t.token, getKey, { algorithms: ['ES256'], currentDate: new Date(now * 1000), clockTolerance: SKEW }).then(
          () => true,
          (e: Error) => e,
        );
        if (ok !== true) throw new Error(`token of ${t.kid} minted at +${t.iat - start}s denied at +${now - start}s by a verifier holding [${id}]: ${String(ok)}`);
        checks++;
      }
    }
  }

  // The rotations happened as designed: publish, wait the lead, activate; three keys signed.
  expect(rotations).toHaveLength(2);
  for (const r of rotations) {
    expect(r.activatesAt).toBe(r.at + LEAD);
    expect(r.previousRetiresAt).toBe(r.activatesAt + RETIRE_AFTER);
  }
  const signedBy = (kid: string) => tokens.filter((t) => t.kid === kid).map((t) => t.iat);
  expect(Math.max(...signedBy(first.kid))).toBe(rotations[0].activatesAt - STEP);
  expect(Math.min(...signedBy(rotations[0].kid))).toBe(rotations[0].activatesAt);
  expect(Math.min(...signedBy(rotations[1].kid))).toBe(rotations[1].activatesAt);
  expect(checks).toBeGreaterThan(500);
  expect(audit.events.filter((e) => e.event === 'keys.rotated').map((e) => e.detail?.kid)).toEqual(rotations.map((r) => r.kid));

  // Retirement: the first key left the JWKS at its retirement; a token it signed no longer verifies
  // from the published JWKS even at a time when the token itself would be valid.
  const oldToken = tokens.find((t) => t.kid === first.kid)!;
  clock.set((rotations[0].previousRetiresAt - 1) * 1000);
  expect((await createKeyRing(config, { keyStore, clock }).jwks()).keys.map((k) => k.kid)).toContain(first.kid);
  clock.set(rotations[0].previousRetiresAt * 1000);
  const after = await createKeyRing(config, { keyStore, clock }).jwks();
  expect(after.keys.map((k) => k.kid)).not.toContain(first.kid);
  await expect(
    jwtVerify(oldToken.token, createLocalJWKSet(after), { algorithms: ['ES256'], currentDate: new Date(oldToken.iat * 1000) }),
  ).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
});

describe('keys CLI', () => {
  const clock = new FrozenClock(Date.UTC(2026, 7, 1));
  const setup = async () => {
    const config = loadConfig({ ...ENV, PORTCULLIS_KEY_DIR: join(mkdtempSync(join(tmpdir(), 'pc-cli-')), 'keys') });
    const keyStore = new DynamoKeyStore(ddb.table);
    const first = (await ensureLocalKey(config, keyStore, { clock })).record;
    return { config, keyStore, first };
  };

  test('list: text table and one JSON object with a keys array', async () => {
    const { config, keyStore, first } = await setup();
    const c = cli({ config, keyStore, clock });
    expect(await c.run('list')).toBe(0);
    expect(c.lines[0]).toMatch(/^KID\s+ALG\s+SOURCE\s+STATE\s+ACTIVATES\s+DEACTIVATES\s+RETIRES$/);
    expect(c.lines[1]).toContain(first.kid);
    expect(c.lines[1]).toMatch(/ES256\s+file\s+active/);
    expect(await c.run('keys', 'list', '--json')).toBe(0);
    expect(c.last()).toEqual({
      keys: [
        {
          kid: first.kid,
          alg: 'ES256',
          source: 'file',
          ref: `${first.kid}.pem`,
          state: 'active',
          published: true,
          created_at: new Date(clock.now()).toISOString(),
          activates_at: new Date(clock.now()).toISOString(),
          deactivates_at: null,
          retires_at: null,
        },
      ],
    });
  });

  test('rotate refuses a second pending rotation unless --force; --now activates at once; retire withdraws a non-active key', async () => {
    const { config, keyStore, first } = await setup();
    const audit = new MemoryAuditSink();
    const c = cli({ config, keyStore, clock, audit, actor: 'tester' });
    const ring = () => createKeyRing(config, { keyStore, clock });

    expect(await c.run('rotate', '--json')).toBe(0);
    const next = c.last();
    expect(next).toMatchObject({ state: 'next', previous_kid: first.kid, activates_at: new Date(clock.now() + LEAD * 1000).toISOString() });
    expect((await ring().jwks()).keys.map((k) => k.kid)).toEqual([first.kid, next.kid]);
    expect((await ring().activeSigner()).kid).toBe(first.kid);

    expect(await c.run('rotate')).toBe(1);
    expect(c.errors.pop()).toMatch(/already pending.*--force/);

    clock.advance(1000);
    expect(await c.run('rotate', '--now', '--json')).toBe(1); // still pending: --now alone does not skip the check
    expect(await c.run('rotate', '--now', '--force', '--json')).toBe(0);
    const urgent = c.last();
    expect(urgent.state).toBe('active');
    expect((await ring().activeSigner()).kid).toBe(urgent.kid);

    expect(await c.run('retire', urgent.kid)).toBe(1);
    expect(c.errors.pop()).toMatch(/active key/);
    expect(await c.run('retire', first.kid, '--json')).toBe(0);
    expect(c.last()).toMatchObject({ kid: first.kid, state: 'retired' });
    expect((await ring().jwks()).keys.map((k) => k.kid)).not.toContain(first.kid);
    expect(audit.events.map((e) => [e.event, e.actor, e.detail?.kid])).toEqual([
      ['keys.rotated', 'tester', next.kid],
      ['keys.rotated', 'tester', urgent.kid],
      ['keys.retired', 'tester', first.kid],
    ]);
  });

  test('usage errors exit 2', async () => {
    const { config, keyStore } = await setup();
    const c = cli({ config, keyStore, clock });
    expect(await c.run()).toBe(2);
    expect(await c.run('spin')).toBe(2);
    expect(await c.run('rotate', '--later')).toBe(2);
    expect(await c.run('retire')).toBe(2);
    expect(c.errors.join('\n')).toMatch(/usage: keys init \| keys list/);
  });
});

describe('rotation with the kms signer', () => {
  let kms: FakeKms;
  beforeAll(async () => {
    kms = await startFakeKms();
  });
  afterAll(() => kms.close());

  test('keys init registers the stack key once; keys rotate creates a tagged SIGN_VERIFY KMS key; after activation tokens are signed by it through KMS', async () => {
    const clock = new FrozenClock(Date.UTC(2026, 8, 1));
    const stackKey = kms.createKey('ECC_NIST_P256', { alias: 'alias/portcullis-prod-signing' });
    const config = loadConfig({
      ...ENV,
      PORTCULLIS_STAGE: 'prod',
      PORTCULLIS_ISSUER: 'https://auth.example.com',
      PORTCULLIS_SIGNER: 'kms',
      PORTCULLIS_KMS_KEY_ID: 'alias/portcullis-prod-signing',
    });
    const keyStore = new DynamoKeyStore(ddb.table);
    const client = kms.client();
    const c = cli({ config, keyStore, clock, kms: client });
    // After the first deploy: the stack's own key becomes the active key (no new KMS key); a second run changes nothing.
    expect(await c.run('init', '--json')).toBe(0);
    const init = c.last();
    expect(init).toMatchObject({ source: 'kms', alg: 'ES256', ref: stackKey.arn, state: 'active', created: true });
    expect(await c.run('init')).toBe(0);
    expect(c.lines.at(-1)).toBe(`nothing to do: key ${init.kid} (ES256, kms) is already active`);
    expect(kms.requests.filter((q) => q.op === 'CreateKey')).toEqual([]);
    const ring = createKeyRing(config, { keyStore, clock, kms: client });
    const bootstrapKid = (await ring.activeSigner()).kid;
    expect(bootstrapKid).toBe(init.kid);

    expect(await c.run('rotate', '--json')).toBe(0);
    const r = c.last();
    expect(r).toMatchObject({ source: 'kms', alg: 'ES256', state: 'next', previous_kid: bootstrapKid });
    expect(r.ref).toMatch(/^arn:aws:kms:/);
    expect(kms.requests.filter((q) => q.op === 'CreateKey').map((q) => q.body)).toEqual([
      expect.objectContaining({
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        Tags: [{ TagKey: 'portcullis:signing-key', TagValue: 'portcullis-prod' }],
      }),
    ]);

    clock.advance(LEAD * 1000);
    const signed = await mint(ring, clock);
    expect(signed.kid).toBe(r.kid);
    expect(kms.requests.filter((q) => q.op === 'Sign').pop()!.body.KeyId).toBe(r.ref);
    const jwks = await ring.jwks();
    expect(jwks.keys.map((k) => k.kid)).toEqual([r.kid, bootstrapKid]);
    await expect(jwtVerify(signed.token, createLocalJWKSet(jwks), { algorithms: ['ES256'], currentDate: new Date(clock.now()) })).resolves.toBeDefined();
  });
});
