/** The authorizer end to end over real HTTP: REST routes (with the gateway responses) and HTTP API routes. */
import { startTestStack, type TestStack } from '../../testkit/stack';
import { attackerKey, claimsFor, hmacJwt, signJwt, stackSigner, unsignedJwt, type StackSigner } from '../../testkit/stack-tokens';

let stack: TestStack;
let signer: StackSigner;
let client: { clientId: string; secret: string };
beforeAll(async () => {
  stack = await startTestStack();
  signer = stackSigner(stack.stateDir);
  client = await stack.createClient();
}, 180_000);
afterAll(() => stack?.stop());

const call = (method: string, path: string, token?: string) =>
  fetch(`${stack.url}${path}`, { method, headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });
const header = (kid = signer.kid) => ({ alg: 'RS256', typ: 'at+jwt', kid });

describe.each([
  ['REST API', '/demo/data'],
  ['HTTP API', '/v2/demo/data'],
])('%s authorizer', (api, path) => {
  const rest = api === 'REST API';

  test('a token with the scope reaches the backend with the caller identity', async () => {
    const token = await stack.token(client.clientId, client.secret, 'read:data');
    const res = await call('GET', path, token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(body.client_id).toBe(client.clientId);
    expect(body.scope).toBe('read:data');
  });

  test('the Bearer scheme is case-insensitive', async () => {
    const token = await stack.token(client.clientId, client.secret, 'read:data');
    const res = await fetch(`${stack.url}${path}`, { headers: { authorization: `bearer ${token}` } });
    expect(res.status).toBe(200);
  });

  test('a read-only token on the write route → 403 insufficient_scope', async () => {
    const token = await stack.token(client.clientId, client.secret, 'read:data');
    const res = await call('POST', path, token);
    expect(res.status).toBe(403);
    if (rest) expect(res.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="write:data"');
  });

  test('a write token reaches the write route', async () => {
    const token = await stack.token(client.clientId, client.secret, 'write:data');
    expect((await call('POST', path, token)).status).toBe(200);
  });

  test('no token → 401', async () => {
    const res = await call('GET', path);
    expect(res.status).toBe(401);
    if (rest) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="portcullis"/);
  });

  const bad: Array<[string, () => string]> = [
    ['garbage', () => 'garbage'],
    ['a tampered payload', () => {
      const t = signJwt(header(), claimsFor(stack.url, stack.config.audience, client.clientId, 'read:data'), signer.key);
      const [h, , s] = t.split('.');
      return `${h}.${Buffer.from(JSON.stringify(claimsFor(stack.url, stack.config.audience, client.clientId, 'read:data write:data'))).toString('base64url')}.${s}`;
    }],
    ['a wrong issuer', () => signJwt(header(), claimsFor('https://evil.example', stack.config.audience), signer.key)],
    ['a wrong audience', () => signJwt(header(), claimsFor(stack.url, 'https://other-api.example'), signer.key)],
    ['typ JWT', () => signJwt({ ...header(), typ: 'JWT' }, claimsFor(stack.url, stack.config.audience), signer.key)],
    ['alg none', () => unsignedJwt({ alg: 'none', typ: 'at+jwt', kid: signer.kid }, claimsFor(stack.url, stack.config.audience))],
    ['HS256 signed with the public key', () => hmacJwt({ alg: 'HS256', typ: 'at+jwt', kid: signer.kid }, claimsFor(stack.url, stack.config.audience), signer.publicPem)],
    ['an attacker key with the real kid', () => signJwt(header(), claimsFor(stack.url, stack.config.audience), attackerKey())],
    ['an expired token', () => signJwt(header(), { ...claimsFor(stack.url, stack.config.audience), iat: 1_000_000, exp: 1_000_600 }, signer.key)],
  ];
  test.each(bad)('%s → 401, never 5xx', async (_name, make) => {
    const res = await call('GET', path, make());
    expect(res.status).toBe(401);
    if (rest) expect(res.headers.get('www-authenticate')).toBe('Bearer realm="portcullis", error="invalid_token"');
  });
});
