/**
 * What every AuthorizationCodeStore must do (DynamoDB on dynalite, in-memory): single use, every binding checked in
 * the one write, nothing written by a refused redemption, a replay says which token came of the first one.
 */
import type { AuthorizationCodeRecord } from '../../../lib/models/authorization-code';
import { ConflictError, type AuthorizationCodeStore } from '../../../lib/stores/ports';

const NOW = 1_780_000_000;
const record: AuthorizationCodeRecord = {
  clientId: 'c1',
  redirectUri: 'https://app.example/cb',
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  scopes: ['read:data'],
  sub: 'usr_a',
  sid: 'sid-1',
  authTime: NOW - 5,
  nonce: 'n-1',
  issuedAt: NOW,
  codeExpiresAt: NOW + 60,
};
const presented = { clientId: 'c1', redirectUri: 'https://app.example/cb', codeChallenge: record.codeChallenge };
const redemption = (jti: string) => ({ redeemedAt: NOW + 1, jti, tokenExp: NOW + 3601, grantId: `g-${jti}`, expiresAt: NOW + 3631 });

export function authorizationCodeStoreContract(name: string, make: () => Promise<AuthorizationCodeStore>): void {
  describe(`${name} authorization code store`, () => {
    let store: AuthorizationCodeStore;
    beforeEach(async () => {
      store = await make();
      await store.create('h1', record);
    });

    test('a code is created once and redeemed once; a replay says which token came of it', async () => {
      await expect(store.create('h1', record)).rejects.toBeInstanceOf(ConflictError);
      expect(await store.redeem('h1', presented, redemption('j1'), NOW + 1)).toEqual({ status: 'redeemed', record });
      const { expiresAt: _ttl, ...recorded } = redemption('j1');
      expect(await store.redeem('h1', presented, redemption('j2'), NOW + 2)).toEqual({ status: 'reused', record, redemption: recorded });
      expect(await store.redeem('h-unknown', presented, redemption('j3'), NOW + 2)).toEqual({ status: 'unknown' });
    });

    test('a mismatched client, redirect_uri or challenge is refused and does not burn the code', async () => {
      expect(await store.redeem('h1', { ...presented, clientId: 'c2' }, redemption('j1'), NOW + 1)).toEqual({ status: 'mismatch', record, field: 'client_id' });
      expect(await store.redeem('h1', { ...presented, redirectUri: 'https://app.example/cb2' }, redemption('j1'), NOW + 1)).toEqual({ status: 'mismatch', record, field: 'redirect_uri' });
      expect(await store.redeem('h1', { ...presented, codeChallenge: 'x'.repeat(43) }, redemption('j1'), NOW + 1)).toEqual({ status: 'mismatch', record, field: 'code_verifier' });
      expect((await store.redeem('h1', presented, redemption('j1'), NOW + 1)).status).toBe('redeemed');
    });

    test('RFC 8707: a presented resource must be the code\'s (null: none); a mismatch is refused and burns nothing', async () => {
      const bound = { ...record, resource: 'https://api2.example' };
      await store.create('h2', bound);
      expect(await store.redeem('h2', { ...presented, resource: 'https://api3.example' }, redemption('j1'), NOW + 1)).toEqual({ status: 'mismatch', record: bound, field: 'resource' });
      expect(await store.redeem('h2', { ...presented, resource: null }, redemption('j1'), NOW + 1)).toEqual({ status: 'mismatch', record: bound, field: 'resource' });
      expect(await store.redeem('h1', { ...presented, resource: 'https://api2.example' }, redemption('j1'), NOW + 1)).toEqual({ status: 'mismatch', record, field: 'resource' });
      expect(await store.redeem('h2', { ...presented, resource: 'https://api2.example' }, redemption('j2'), NOW + 1)).toEqual({ status: 'redeemed', record: bound });
      expect(await store.redeem('h1', { ...presented, resource: null }, redemption('j3'), NOW + 1)).toEqual({ status: 'redeemed', record });
    });

    test('at its expiry a code can no longer be redeemed', async () => {
      expect(await store.redeem('h1', presented, redemption('j1'), NOW + 60)).toEqual({ status: 'expired' });
    });

    test('of concurrent redemptions exactly one wins; the others are replays of it', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.redeem('h1', presented, redemption(`j${i}`), NOW + 1)));
      const won = results.filter((r) => r.status === 'redeemed');
      expect(won).toHaveLength(1);
      const reused = results.filter((r) => r.status === 'reused') as Array<{ redemption: { jti: string } }>;
      expect(reused).toHaveLength(7);
      expect(new Set(reused.map((r) => r.redemption.jti)).size).toBe(1);
    });
  });
}
