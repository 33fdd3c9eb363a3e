/** The code flow in process (testkit/people-world.ts) with clients allowed refresh tokens, and helpers to refresh. */
import { decodeJwt } from 'jose';
import type { HttpResponse } from '../../lib/http/response';
import { CookieJar, peopleWorld, pkce } from '../../testkit/people-world';

export type RefreshWorld = Awaited<ReturnType<typeof refreshWorld>>;
export const body = (res: { body: string }) => JSON.parse(res.body) as Record<string, string | number | undefined>;

export async function refreshWorld(opts: { env?: Record<string, string> } = {}) {
  const w = await peopleWorld(opts);
  const grantTypes = ['authorization_code', 'refresh_token'] as const;
  const app = await w.clientAdmin.create({ name: 'Refreshing app', scopes: ['openid', 'offline_access', 'read:data', 'write:data'], defaultScopes: ['read:data'], redirectUris: [w.redirectUri], grantTypes: [...grantTypes] });
  const pub = { client: (await w.clientAdmin.createPublic({ name: 'Mobile app', scopes: ['read:data', 'write:data'], defaultScopes: ['read:data'], redirectUris: [w.redirectUri], grantTypes: [...grantTypes] })).client, secret: '' };
  type Client = typeof app;
  const auth = (c: Client): { headers: Record<string, string>; form: Record<string, string> } =>
    c.client.public ? { headers: {}, form: { client_id: c.client.clientId } } : { headers: { Authorization: `Basic ${Buffer.from(`${c.client.clientId}:${c.secret}`).toString('base64')}` }, form: {} };

  /** Signs alice in (or reuses the jar's session) and exchanges a code for `client`: the token response. */
  async function signInAndExchange(client: Client = app, scope = 'openid read:data', jar = new CookieJar()): Promise<HttpResponse> {
    const { verifier, challenge } = pkce();
    const q = w.query({ client_id: client.client.clientId, scope }, challenge);
    const res = jar.cookies.size ? await w.authorize(q, jar) : (await w.signIn(jar, q)).res;
    const code = w.redirectParams(res).get('code');
    if (!code) throw new Error(`no code: ${res.statusCode} ${res.body.slice(0, 200)}`);
    const a = auth(client);
    return w.token(new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: w.redirectUri, code_verifier: verifier, ...a.form }).toString(), a.headers);
  }

  /** POST /oauth2/token grant_type=refresh_token as `client`. */
  function refresh(refreshToken: string, client: Client = app, over: Record<string, string> = {}): Promise<HttpResponse> {
    const a = auth(client);
    return w.token(new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, ...a.form, ...over }).toString(), a.headers);
  }

  const claimsOf = (res: HttpResponse) => decodeJwt(String(body(res).access_token));
  return { ...w, app, pub, auth, signInAndExchange, refresh, claimsOf };
}
