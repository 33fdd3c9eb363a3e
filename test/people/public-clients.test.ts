/**
 * Public clients (`clients create --public`): no secret, auth method `none`, and only the grants that are safe
 * without one (PUBLIC_CLIENT_GRANTS: authorization_code with PKCE, refresh_token). Anything else is refused at
 * registration and, should a record say otherwise (written by hand, by an older version), at the token endpoint:
 * 400 unauthorized_client, audit reason `public_client_grant`.
 */
import { PUBLIC_CLIENT_GRANTS } from '../../lib/clients/client-admin';
import type { ClientRecord } from '../../lib/models/client';
import { peopleWorld } from '../../testkit/people-world';

const body = (res: { body: string }) => JSON.parse(res.body);
const base = { name: 'Native', scopes: ['read:data'], redirectUris: ['http://127.0.0.1/cb'] };

test('PUBLIC_CLIENT_GRANTS is the code grant (PKCE) and refresh tokens, nothing else', () => {
  expect([...PUBLIC_CLIENT_GRANTS].sort()).toEqual(['authorization_code', 'refresh_token']);
});

test('registration: client_credentials and password are refused for a public client; the code grant and refresh tokens are fine', async () => {
  const w = await peopleWorld();
  for (const grant of ['client_credentials', 'password'] as const) {
    await expect(w.clientAdmin.createPublic({ ...base, grantTypes: ['authorization_code', grant] })).rejects.toThrow(new RegExp(`public client cannot use ${grant}`));
  }
  const { client } = await w.clientAdmin.createPublic({ ...base, grantTypes: ['authorization_code', 'refresh_token'] });
  expect(client.grantTypes).toEqual(['authorization_code', 'refresh_token']);
  expect(await w.clients.list()).toHaveLength(2); // the web client and this one: nothing written for the refused ones
});

describe('the token endpoint, for a public client whose record lists other grants', () => {
  const world = async () => {
    const w = await peopleWorld({ env: { PORTCULLIS_PASSWORD_GRANT_ENABLED: 'true' } });
    const { client } = await w.clientAdmin.createPublic(base);
    // A record the registration would refuse (hand-edited, or from before the rule).
    const forged: ClientRecord = { ...client, clientId: 'forged-public', grantTypes: ['authorization_code', 'client_credentials', 'password'] as ClientRecord['grantTypes'] };
    await w.clients.create(forged);
    return { w, client, forged };
  };

  test.each([
    ['client_credentials', {}],
    ['password', { username: 'alice', password: 'correct horse battery staple' }],
  ])('%s → 400 unauthorized_client, reason public_client_grant, no token', async (grantType, extra) => {
    const { w, client, forged } = await world();
    for (const id of [forged.clientId, client.clientId]) {
      const res = await w.token(new URLSearchParams({ grant_type: grantType, client_id: id, ...extra }).toString());
      expect({ status: res.statusCode, body: body(res) }).toEqual({
        status: 400,
        body: { error: 'unauthorized_client', error_description: 'A public client may only use the authorization code (with PKCE) and refresh token grants' },
      });
      expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.denied', outcome: 'failure', reason: 'public_client_grant', client_id: id });
    }
    expect(w.audit.events.filter((e) => e.event === 'token.issued')).toEqual([]);
  });

  test('a confidential client without the grant is still told grant_not_allowed', async () => {
    const { w } = await world();
    const res = await w.token(new URLSearchParams({ grant_type: 'client_credentials' }).toString(), {
      Authorization: `Basic ${Buffer.from(`${w.web.client.clientId}:${w.web.secret}`).toString('base64')}`,
    });
    expect(body(res).error).toBe('unauthorized_client');
    expect(w.audit.events.at(-1)).toMatchObject({ reason: 'grant_not_allowed' });
  });
});
