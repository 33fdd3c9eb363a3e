/**
 * POST /oauth2/token with grant_type=password (RFC 6749 §4.3), the guarded opt-in: refused unless the deployment
 * turned it on AND the client has the grant type; the login page's check and lockout; scope = requested ∩ the
 * client's ∩ the user's roles, then the resource; no refresh token; every event WARN with detail.grant_type, and
 * never the password.
 */
import { decodeJwt } from 'jose';
import { AuditEntryBuilder } from '../../lib/audit/entry';
import { authorizationServerMetadata } from '../../lib/endpoints/discovery';
import { FrozenClock } from '../../testkit/frozen-clock';
import { CookieJar, PASSWORD, peopleWorld } from '../../testkit/people-world';

const DATA_API = 'https://data.example.test';
const ON = { PORTCULLIS_PASSWORD_GRANT_ENABLED: 'true', PORTCULLIS_RESOURCES: JSON.stringify({ [DATA_API]: ['read:data'] }) };
const body = (res: { body: string }) => JSON.parse(res.body);

async function world(env: Record<string, string> = ON, grantTypes: ('password' | 'client_credentials')[] = ['password']) {
  const w = await peopleWorld({ env });
  const legacy = await w.clientAdmin.create({ name: 'Legacy app', scopes: ['openid', 'read:data', 'write:data'], defaultScopes: ['read:data', 'write:data'], grantTypes });
  const basic = { Authorization: `Basic ${Buffer.from(`${legacy.client.clientId}:${legacy.secret}`).toString('base64')}` };
  const password = (form: Record<string, string>) => w.token(new URLSearchParams({ grant_type: 'password', ...form }).toString(), basic);
  return { ...w, legacy, password };
}

describe('refused unless both switches are on', () => {
  test('off by default: unsupported_grant_type, not in the metadata, and the attempt is audited at WARN', async () => {
    const w = await world({});
    expect(w.config.passwordGrant).toEqual({ enabled: false });
    const res = await w.password({ username: 'alice', password: PASSWORD });
    expect({ status: res.statusCode, body: body(res) }).toEqual({ status: 400, body: { error: 'unsupported_grant_type', error_description: 'The grant type is not supported' } });
    expect(authorizationServerMetadata(w.config).grant_types_supported).not.toContain('password');
    expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.denied', level: 'WARN', reason: 'unsupported_grant_type', detail: { grant_type: 'password', error: 'unsupported_grant_type' } });
  });

  test('on, but the client was not registered for it: unauthorized_client', async () => {
    const w = await world(ON, ['client_credentials']);
    const res = await w.password({ username: 'alice', password: PASSWORD });
    expect({ status: res.statusCode, error: body(res).error }).toEqual({ status: 400, error: 'unauthorized_client' });
    expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.denied', level: 'WARN', reason: 'grant_not_allowed', detail: { grant_type: 'password' } });
  });

  test('a bad switch value stops the configuration from loading', async () => {
    await expect(world({ PORTCULLIS_PASSWORD_GRANT_ENABLED: 'yes' })).rejects.toThrow(/PORTCULLIS_PASSWORD_GRANT_ENABLED .* must be true or false/);
  });
});

describe('both on', () => {
  test('an access token for the user, no refresh token, audited at WARN as a password grant', async () => {
    const w = await world();
    expect(authorizationServerMetadata(w.config).grant_types_supported).toContain('password');
    const res = await w.password({ username: 'alice', password: PASSWORD, scope: 'read:data' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['Cache-Control']).toBe('no-store');
    const answer = body(res);
    expect(Object.keys(answer).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
    expect(decodeJwt(answer.access_token)).toMatchObject({ sub: w.alice.sub, client_id: w.legacy.client.clientId, scope: 'read:data', aud: 'https://api.example.test', auth_time: Math.floor(w.clock.now() / 1000) });
    expect(w.audit.events.at(-1)).toMatchObject({
      event: 'token.issued',
      outcome: 'success',
      level: 'WARN',
      client_id: w.legacy.client.clientId,
      sub: w.alice.sub,
      scopes_requested: ['read:data'],
      scopes_granted: ['read:data'],
      detail: { grant_type: 'password', auth_method: 'client_secret_basic' },
    });
  });

  test('scope = requested ∩ the client\'s ∩ the user\'s roles; without scope the client\'s defaults, capped by the roles', async () => {
    const w = await world();
    expect(body(await w.password({ username: 'alice', password: PASSWORD, scope: 'read:data write:data' })).scope).toBe('read:data'); // alice is a reader
    expect(body(await w.password({ username: 'alice', password: PASSWORD })).scope).toBe('read:data');
    const notTheClients = await w.password({ username: 'alice', password: PASSWORD, scope: 'admin:all' });
    expect(body(notTheClients).error).toBe('invalid_scope');
    await w.userAdmin.setRoles('alice', ['writer']);
    expect(body(await w.password({ username: 'alice', password: PASSWORD, scope: 'read:data write:data' })).scope).toBe('read:data write:data');
    await w.userAdmin.setRoles('alice', []);
    const none = await w.password({ username: 'alice', password: PASSWORD, scope: 'read:data' });
    expect({ status: none.statusCode, error: body(none).error }).toEqual({ status: 400, error: 'invalid_scope' });
    expect(w.audit.events.at(-1)).toMatchObject({ reason: 'no_scope_for_user', level: 'WARN' });
  });

  test('resource (RFC 8707): aud is the resource, the scope kept to its scopes; an undeclared one is invalid_target before any password check', async () => {
    const w = await world();
    await w.userAdmin.setRoles('alice', ['writer']);
    const res = await w.password({ username: 'alice', password: PASSWORD, scope: 'read:data write:data', resource: DATA_API });
    expect(body(res).scope).toBe('read:data');
    expect(decodeJwt(body(res).access_token).aud).toBe(DATA_API);
    expect(w.audit.events.at(-1)?.detail).toMatchObject({ grant_type: 'password', resource: DATA_API });
    for (let i = 0; i < 10; i++) {
      const bad = await w.password({ username: 'alice', password: 'wrong', resource: 'https://elsewhere.example.test' });
      expect({ status: bad.statusCode, error: body(bad).error }).toEqual({ status: 400, error: 'invalid_target' });
    }
    // None of those counted as a guess: the right password still works.
    expect((await w.password({ username: 'alice', password: PASSWORD })).statusCode).toBe(200);
  });

  test('a wrong password, an unknown user and a disabled user get the same invalid_grant; the reason is in the audit event only', async () => {
    const w = await world();
    const wrong = await w.password({ username: 'alice', password: 'not the password' });
    const unknown = await w.password({ username: 'mallory', password: PASSWORD });
    await w.userAdmin.setStatus('alice', 'disabled');
    const disabled = await w.password({ username: 'alice', password: PASSWORD });
    const answers = [wrong, unknown, disabled].map((r) => ({ status: r.statusCode, body: body(r) }));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'The username or password is incorrect, or the user cannot sign in' } });
    expect(w.audit.events.filter((e) => e.event === 'token.denied').map((e) => e.reason)).toEqual(['bad_password', 'unknown_user', 'user_disabled']);
  });

  test('username and password are required (invalid_request)', async () => {
    const w = await world();
    expect(body(await w.password({ password: PASSWORD })).error).toBe('invalid_request');
    expect(body(await w.password({ username: 'alice' })).error).toBe('invalid_request');
  });
});

test('the user\'s lockout applies, shared with the login page: past the free attempts 429 invalid_grant with Retry-After, even with the right password', async () => {
  const w = await world();
  const free = w.config.bruteForce!.freeAttempts;
  for (let i = 0; i < free; i++) expect(body(await w.password({ username: 'alice', password: `guess ${i}` })).error).toBe('invalid_grant');
  const locking = await w.password({ username: 'alice', password: 'one more guess' });
  expect({ status: locking.statusCode, body: body(locking), retry: Number(locking.headers['Retry-After']) }).toEqual({
    status: 429,
    body: { error: 'invalid_grant', error_description: 'Too many failed sign-ins; retry after the Retry-After delay' },
    retry: w.config.bruteForce!.baseLockoutSeconds,
  });
  expect(w.audit.events.find((e) => e.event === 'user.locked')).toMatchObject({ level: 'WARN', client_id: w.legacy.client.clientId, detail: { grant_type: 'password', last_failure: 'bad_password' } });
  const right = await w.password({ username: 'alice', password: PASSWORD });
  expect({ status: right.statusCode, error: body(right).error, retry: right.headers['Retry-After'] }).toEqual({ status: 429, error: 'invalid_grant', retry: '1' });
  expect(w.audit.events.at(-1)).toMatchObject({ event: 'token.denied', reason: 'user_locked_out', level: 'WARN' });

  // The login page sees the same lock.
  const { res: form } = await w.signIn(new CookieJar(), w.query());
  expect({ status: form.statusCode, retry: form.headers['Retry-After'] }).toEqual({ status: 429, retry: '1' });

  w.clock.advance(1_001);
  expect((await w.password({ username: 'alice', password: PASSWORD })).statusCode).toBe(200);
});

test('the password never reaches the audit trail: not as a parameter, not typed into the scope field, not in the lines written', async () => {
  const w = await world();
  const secret = 'Tr0ub4dor&3-never-logged';
  await w.userAdmin.setPassword('alice', secret);
  await w.password({ username: 'alice', password: secret, scope: 'read:data' });
  await w.password({ username: 'alice', password: 'x', scope: `read:data ${secret}` }); // typed into the wrong field
  await w.password({ username: secret, password: secret });
  for (let i = 0; i < 6; i++) await w.password({ username: 'alice', password: secret.slice(0, -1) + i });
  const denied = w.audit.events.find((e) => e.event === 'token.denied' && e.detail?.undeclared_scopes === 1);
  expect(denied).toMatchObject({ reason: 'unknown_scope', scopes_requested: ['read:data'], level: 'WARN' });
  const builder = new AuditEntryBuilder('test', 'token', new FrozenClock(0));
  const lines = w.audit.events.map((e) => builder.build(e).message);
  for (const line of lines) expect(line).not.toContain(secret.slice(0, 12));
  const passwordLines = lines.filter((l) => l.includes('"grant_type":"password"'));
  expect(passwordLines.length).toBeGreaterThanOrEqual(9);
  for (const l of passwordLines) expect(l.startsWith('{"level":"WARN",')).toBe(true);
  // Other events stay INFO.
  expect(builder.build({ event: 'token.issued', outcome: 'success' }).message.startsWith('{"level":"INFO",')).toBe(true);
});

test('Argon2 is loaded at the first password request, not for client_credentials (cold start)', async () => {
  let loaded = false;
  jest.resetModules();
  jest.doMock('@node-rs/argon2', () => {
    loaded = true;
    return jest.requireActual('@node-rs/argon2');
  });
  const { handleTokenRequest } = await import('../../lib/endpoints/token');
  const { ClientAdmin } = await import('../../lib/clients/client-admin');
  const { lazySignIn } = await import('../../lib/users/lazy-sign-in'); // what lib/composition/token.ts wires
  const w = await world(); // hashes alice's password with the modules loaded before resetModules (not counted)
  expect(loaded).toBe(false);
  const machine = await new ClientAdmin({ config: w.config, clients: w.clients, audit: w.audit, clock: w.clock }).create({ name: 'batch', scopes: ['read:data'] });
  const request = (form: Record<string, string>, id: string, secret: string) =>
    handleTokenRequest(
      {
        method: 'POST',
        path: '/oauth2/token',
        query: new Map(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
        cookies: new Map(),
        body: new URLSearchParams(form).toString(),
        isBase64Encoded: false,
        sourceIp: '192.0.2.1',
        userAgent: 'jest',
        requestId: 'r',
      } as never,
      { ...w.tokenDeps, grantServices: { ...w.tokenDeps.grantServices, signIn: lazySignIn } },
    );
  expect((await request({ grant_type: 'client_credentials' }, machine.client.clientId, machine.secret)).statusCode).toBe(200);
  expect(loaded).toBe(false);
  expect((await request({ grant_type: 'password', username: 'alice', password: PASSWORD }, w.legacy.client.clientId, w.legacy.secret)).statusCode).toBe(200);
  expect(loaded).toBe(true);
  jest.dontMock('@node-rs/argon2');
});
