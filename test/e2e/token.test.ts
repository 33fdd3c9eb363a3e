/** End to end over real HTTP against serverless-offline: discovery, token, JWKS, errors, the admin CLI. */
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { cli, lastJson } from '../../testkit/cli';
import { startTestStack, type TestStack } from '../../testkit/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
}, 180_000);
afterAll(() => stack?.stop());

const form = (body: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  body: new URLSearchParams(body).toString(),
});

test('a real OAuth client gets a token through discovery, and jose verifies it against the JWKS endpoint', async () => {
  const { clientId, secret } = await stack.createClient();
  const issuer = new URL(stack.url);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
  expect(as.issuer).toBe(stack.url);
  expect(as.token_endpoint).toBe(`${stack.url}/oauth2/token`);
  const client: oauth.Client = { client_id: clientId };
  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(secret), new URLSearchParams({ scope: 'read:data write:data' }), {
    [oauth.allowInsecureRequests]: true,
  });
  const result = await oauth.processClientCredentialsResponse(as, client, response);
  expect(result.token_type).toBe('bearer');
  expect(result.scope).toBe('read:data write:data');
  const jwks = createRemoteJWKSet(new URL(as.jwks_uri!));
  const { payload, protectedHeader } = await jwtVerify(result.access_token, jwks, { issuer: stack.url, audience: stack.config.audience, typ: 'at+jwt' });
  expect(protectedHeader.alg).toBe('RS256');
  expect(payload.client_id).toBe(clientId);
  expect(payload.sub).toBe(clientId);
});

test('serverless-offline (whose worker threads run the functions) runs on the same Node 22 binary as the tests', () => {
  expect(stack.offlinePid).toBeDefined();
  expect(realpathSync(`/proc/${stack.offlinePid}/exe`)).toBe(realpathSync(process.execPath));
  expect(process.versions.node.split('.')[0]).toBe('22');
});

test('metadata: issuer exactly the configured one, endpoints and methods advertised', async () => {
  const res = await fetch(`${stack.url}/.well-known/oauth-authorization-server`);
  expect(res.status).toBe(200);
  const m = (await res.json()) as Record<string, unknown>;
  expect(m).toMatchObject({
    issuer: stack.url,
    token_endpoint: `${stack.url}/oauth2/token`,
    jwks_uri: `${stack.url}/.well-known/jwks.json`,
    revocation_endpoint: `${stack.url}/oauth2/revoke`,
    introspection_endpoint: `${stack.url}/oauth2/introspect`,
    grant_types_supported: ['client_credentials', 'authorization_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'EdDSA'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access', 'read:data', 'write:data', 'read:reports'],
  });
});

test('JWKS: public keys only, with kid, alg and use=sig', async () => {
  const res = await fetch(`${stack.url}/.well-known/jwks.json`);
  const { keys } = (await res.json()) as { keys: Array<Record<string, string>> };
  expect(keys.length).toBeGreaterThanOrEqual(1);
  for (const k of keys) {
    expect(k).toMatchObject({ kid: expect.any(String), alg: 'RS256', use: 'sig', kty: 'RSA' });
    expect(k.d).toBeUndefined();
  }
  expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
});

test('over HTTP: wrong method 405, bad credentials 401 with WWW-Authenticate, no-store on errors', async () => {
  const get = await fetch(`${stack.url}/oauth2/token`);
  expect(get.status).toBe(405);
  expect(get.headers.get('cache-control')).toBe('no-store');
  const bad = await fetch(`${stack.url}/oauth2/token`, form({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from('x:y').toString('base64')}` }));
  expect(bad.status).toBe(401);
  expect(bad.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
  expect(bad.headers.get('pragma')).toBe('no-cache');
  expect(await bad.json()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
  const json = await fetch(`${stack.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
  expect(json.status).toBe(400);
  expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
});

describe('admin CLI against the local stack', () => {
  const admin = (args: string[], dir = stack.stateDir) => cli('admin', args, dir);
  const last = lastJson;

  test('clients create --json prints client_id and client_secret last; the client gets tokens; disable stops it', async () => {
    const created = await admin(['clients', 'create', '--name', 'cli-app', '--scopes', 'read:data', '--json']);
    expect(created.code).toBe(0);
    const c = last(created.stdout);
    expect(c).toMatchObject({ client_id: expect.any(String), client_secret: expect.any(String), scopes: ['read:data'], status: 'active' });
    const token = await stack.token(c.client_id, c.client_secret);
    expect(token.split('.')).toHaveLength(3);

    const shown = last((await admin(['clients', 'show', c.client_id, '--json'])).stdout);
    expect(shown.client_id).toBe(c.client_id);
    expect(JSON.stringify(shown)).not.toContain(c.client_secret);
    const listed = last((await admin(['clients', 'list', '--json'])).stdout);
    expect(listed.clients.map((x: { client_id: string }) => x.client_id)).toContain(c.client_id);

    const rotated = last((await admin(['clients', 'rotate-secret', c.client_id, '--json'])).stdout);
    expect(rotated.client_secret).not.toBe(c.client_secret);
    expect(rotated.secrets).toHaveLength(2);

    const disabled = await admin(['clients', 'disable', c.client_id, '--json']);
    expect(last(disabled.stdout).status).toBe('disabled');
    const enabled = await admin(['clients', 'enable', c.client_id, '--json']);
    expect(last(enabled.stdout).status).toBe('active');
  });

  test('keys list --json shows the active local key, the one the JWKS publishes', async () => {
    const out = await admin(['keys', 'list', '--json']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    const { keys } = last(out.stdout);
    const active = keys.find((k: { state: string }) => k.state === 'active');
    expect(active).toMatchObject({ alg: 'RS256', source: 'file' });
    const jwks = (await (await fetch(`${stack.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toContain(active.kid);
  });

  test('clear errors: undeclared scope, unknown id, local stack not running', async () => {
    const undeclared = await admin(['clients', 'create', '--name', 'x', '--scopes', 'nope:scope']);
    expect(undeclared.code).not.toBe(0);
    expect(undeclared.stderr).toMatch(/undeclared scope.*nope:scope/);
    const unknown = await admin(['clients', 'show', 'no-such-client']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no client with id "no-such-client"/);
    const notRunning = await admin(['clients', 'list'], join(stack.stateDir, 'nowhere'));
    expect(notRunning.code).not.toBe(0);
    expect(notRunning.stderr).toMatch(/local stack is not running/);
  });
});
