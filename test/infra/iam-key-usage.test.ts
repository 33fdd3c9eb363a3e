/**
 * Every DynamoDB request each function really makes is allowed by its role in infra/serverless/iam.yml, and
 * every permission a role has is used. The functions run in process, each its own container (fresh modules,
 * the handler Lambda calls, lib/composition/container.ts wiring), against dynalite behind a recorder that sees each request
 * as IAM does: action, table or index, partition key values (`dynamodb:LeadingKeys`). dynalite checks no IAM:
 * without this test a policy too narrow would only show as AccessDenied after a deploy.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { load } from 'js-yaml';
import { createAuditSink } from '../../lib/audit/create-audit-sink';
import { createClientAdmin } from '../../lib/composition/client-admin';
import { loadConfig } from '../../lib/config/load-config';
import { initKeys } from '../../lib/keys/init-keys';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { functionEnvironment, readServerlessSettings, REPO_ROOT } from '../../infra/serverless-config';
import { httpApiEvent, requestEvent, startJwksServer } from '../../testkit/authorizer-fixtures';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { startDynamoRecorder, type DynamoRecorder } from '../../testkit/dynamo-recorder';
import { allows, dynamoGrants, stringLike, type DynamoRequest, type PolicyStatement } from '../../testkit/iam-policy';
import { basic } from '../../testkit/token-fixture';
import { assertionForm, clientKey, jwksOf, signAssertion } from '../../testkit/client-assertions';
import { createUserAdmin } from '../../lib/composition/user-admin';
import { formFields, pkce } from '../../testkit/people-world';

type ApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
type AuthorizerModule = typeof import('../../functions/authorizer');

const iam = load(readFileSync(join(REPO_ROOT, 'infra/serverless/iam.yml'), 'utf8')) as {
  Resources: Record<string, { Properties: { Policies: Array<{ PolicyDocument: { Statement: PolicyStatement[] } }> } }>;
};
const serverless = load(readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8')) as { functions: Record<string, { role: string }> };
const grantsOf = (role: string) => dynamoGrants(iam.Resources[role].Properties.Policies.flatMap((p) => p.PolicyDocument.Statement));

const STAGE = 'local';
/**
 * An unknown id of few characters but over 200 UTF-8 bytes: its lockout key is hashed (`lockout-h#`; longer ids are
 * hashed in memory first and stored as `lockout#sha256:…`). One per function, so no lock builds up across them.
 */
const longId = (fn: string) => `${'€'.repeat(100)}-${fn}`;
const savedEnv = { ...process.env };
let stateDir: string;
let ddb: TestDynamo;
let jwksServer: Awaited<ReturnType<typeof startJwksServer>>;
let baseEnv: Record<string, string>;
const recorders = new Map<string, DynamoRecorder>();

/** The recorder of one function (both authorizer entry points are one function each, on one role). */
async function recorderFor(fn: string): Promise<DynamoRecorder> {
  if (!recorders.has(fn)) recorders.set(fn, await startDynamoRecorder(ddb.endpoint));
  return recorders.get(fn)!;
}

/** A fresh container of a function: its own modules and configuration, its DynamoDB requests through its recorder. */
async function container<T>(fn: string, modulePath: string, env: Record<string, string> = {}): Promise<T> {
  const recorder = await recorderFor(fn);
  Object.assign(process.env, baseEnv, { PORTCULLIS_DYNAMODB_ENDPOINT: recorder.endpoint, AWS_LAMBDA_FUNCTION_NAME: fn }, env);
  let mod: T | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(modulePath) as T;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('../../lib/config/load-config') as typeof import('../../lib/config/load-config')).getConfig(); // read once, as at cold start
  });
  return mod!;
}

function apiEvent(method: string, headers: Record<string, string> = {}, body: string | null = null, query?: string): APIGatewayProxyEvent {
  const params = query === undefined ? undefined : new URLSearchParams(query);
  return {
    httpMethod: method,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body,
    isBase64Encoded: false,
    multiValueQueryStringParameters: params ? Object.fromEntries([...new Set(params.keys())].map((k) => [k, params.getAll(k)])) : null,
    requestContext: { requestId: 'req-iam', identity: { sourceIp: '192.0.2.10', userAgent: 'jest' } },
  } as unknown as APIGatewayProxyEvent;
}
const form = (handler: ApiHandler, auth: string, body: string) => handler(apiEvent('POST', { Authorization: auth }, body));

/** Two failed authentications for a known id and for a long unknown one: lockout read, create, update (both key forms). */
async function failTwice(fn: string, handler: ApiHandler, clientId: string, body: string) {
  for (const id of [clientId, longId(fn)]) {
    for (let i = 0; i < 2; i++) expect((await form(handler, basic(id, 'wrong-secret'), body)).statusCode).toBe(401);
  }
}

let client: { clientId: string; secret: string };
/** A private_key_jwt client (its assertions claim a jti: one conditional PutItem) with a token quota (one UpdateItem per token). */
let signer: { clientId: string };
const signerKey = clientKey('ES256', 'iam');
type SetCookies = { multiValueHeaders?: Record<string, Array<string | number | boolean>> };
/** A browser's cookies across the people functions' answers. */
const jar = new Map<string, string>();
function keepCookies(res: SetCookies): void {
  for (const c of res.multiValueHeaders?.['Set-Cookie'] ?? []) {
    const [pair] = String(c).split('; ');
    jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
  }
}
const cookieHeader = () => ({ Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') });

/**
 * The people functions through a sign-in to a first-party and a third-party client: the login page, two failed
 * sign-ins and a good one (user lockout read, create, update, clear), consent, SSO with a session old enough to be
 * kept alive, the code exchange, and a replayed code (its grant revoked through the feed). Returns the user's token
 * (it carries gid and sid) and the client it was issued to.
 */
async function peopleScenario(config: ReturnType<typeof loadConfig>) {
  const users = createUserAdmin(config, ddb.table, createAuditSink(config, { stdout: () => {} }), 'test');
  await users.create({ username: 'iam-user', password: 'iam user password', roles: ['reader'] });
  const admin = createClientAdmin(config, ddb.table, createAuditSink(config, { stdout: () => {} }), 'test');
  const web = await admin.create({ name: 'web', scopes: ['read:data'], redirectUris: ['https://app.example/cb'], grantTypes: ['authorization_code', 'refresh_token'] });
  const partner = await admin.create({ name: 'partner', scopes: ['read:data'], redirectUris: ['https://partner.example/cb'], thirdParty: true });
  const { verifier, challenge } = pkce();
  const query = (clientId: string, redirectUri: string) =>
    new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'read:data', state: 's', code_challenge: challenge, code_challenge_method: 'S256' }).toString();
  const partnerQuery = query(partner.client.clientId, 'https://partner.example/cb');
  const webQuery = query(web.client.clientId, 'https://app.example/cb');

  type Handler = { handler: (e: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult & SetCookies> };
  const authorize = await container<Handler>('authorize', '../../functions/authorize');
  const page = await authorize.handler(apiEvent('GET', {}, null, partnerQuery));
  expect(page.statusCode).toBe(200);
  keepCookies(page);
  const fields = formFields(page.body);
  const login = await container<Handler>('login', '../../functions/login');
  const post = (password: string) => login.handler(apiEvent('POST', cookieHeader(), new URLSearchParams({ ...fields, username: 'iam-user', password }).toString()));
  for (let i = 0; i < 2; i++) expect((await post('wrong password')).statusCode).toBe(400);
  const consentPage = await post('iam user password');
  expect(consentPage.statusCode).toBe(200);
  keepCookies(consentPage);
  const consent = await container<Handler>('consent', '../../functions/consent');
  const allowed = await consent.handler(apiEvent('POST', cookieHeader(), new URLSearchParams({ ...formFields(consentPage.body), decision: 'allow' }).toString()));
  expect(allowed.statusCode).toBe(303);

  // SSO on the third-party client (its consent read with the session), on a container whose idle timeout makes the
  // session due for keep-alive.
  const sso = await container<Handler>('authorize', '../../functions/authorize', { PORTCULLIS_SESSION_IDLE_TIMEOUT_SECONDS: '43200' });
  expect((await sso.handler(apiEvent('GET', cookieHeader(), null, partnerQuery))).statusCode).toBe(302);
  const toWeb = await sso.handler(apiEvent('GET', cookieHeader(), null, webQuery));
  const code = new URL(String(toWeb.headers?.Location)).searchParams.get('code')!;

  // A sign-in that ends at a first-party client: the login function writes the code itself.
  const again = await sso.handler(apiEvent('GET', cookieHeader(), null, `${webQuery}&prompt=login`));
  const direct = await login.handler(apiEvent('POST', cookieHeader(), new URLSearchParams({ ...formFields(again.body), username: 'iam-user', password: 'iam user password' }).toString()));
  const directCode = new URL(String(direct.headers?.Location)).searchParams.get('code')!;
  expect(directCode).toBeTruthy();

  const token = await container<Handler>('token', '../../functions/token');
  const exchange = () =>
    token.handler(apiEvent('POST', { Authorization: basic(web.client.clientId, web.secret) }, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/cb', code_verifier: verifier }).toString()));
  const exchanged = await exchange();
  expect(exchanged.statusCode).toBe(200);
  // A refresh: one BatchGetItem (family, user, grant and session records), one conditional UpdateItem.
  const refreshed = await token.handler(
    apiEvent('POST', { Authorization: basic(web.client.clientId, web.secret) }, new URLSearchParams({ grant_type: 'refresh_token', refresh_token: JSON.parse(exchanged.body).refresh_token }).toString()),
  );
  expect(refreshed.statusCode).toBe(200);
  const refreshToken = JSON.parse(refreshed.body).refresh_token as string;
  const secondExchange = await token.handler(
    apiEvent('POST', { Authorization: basic(web.client.clientId, web.secret) }, new URLSearchParams({ grant_type: 'authorization_code', code: directCode, redirect_uri: 'https://app.example/cb', code_verifier: verifier }).toString()),
  );
  expect(secondExchange.statusCode).toBe(200);
  const second = JSON.parse(secondExchange.body).refresh_token as string;
  const replay = await exchange();
  expect(JSON.parse(replay.body).error).toBe('invalid_grant');
  // The user's token carries gid and sid: introspection and the strict authorizer read its grant and session records.
  return { userToken: JSON.parse(exchanged.body).access_token as string, refreshToken, second, web: { clientId: web.client.clientId, secret: web.secret } };
}
/**
 * The password grant, on a token container whose stage turned it on: two wrong passwords and a good one for the
 * user of the people scenario (the username link and the user read, the user lockout read, created, updated, cleared).
 */
async function passwordScenario(config: ReturnType<typeof loadConfig>) {
  const admin = createClientAdmin(config, ddb.table, createAuditSink(config, { stdout: () => {} }), 'test');
  const legacy = await admin.create({ name: 'legacy', scopes: ['read:data'], grantTypes: ['password'] });
  const token = await container<{ handler: ApiHandler }>('token', '../../functions/token', { PORTCULLIS_PASSWORD_GRANT_ENABLED: 'true' });
  const attempt = (password: string) => form(token.handler, basic(legacy.client.clientId, legacy.secret), new URLSearchParams({ grant_type: 'password', username: 'iam-user', password }).toString());
  for (let i = 0; i < 2; i++) expect((await attempt('wrong password')).statusCode).toBe(400);
  expect((await attempt('iam user password')).statusCode).toBe(200);
}
/**
 * OpenID Connect in the browser signed in by peopleScenario: an id_token at the exchange, userinfo with the access
 * token, discovery, then RP-initiated logout with the hint (revocation by sid, the session removed) and the same hint
 * again without the cookie (the hint's session is read first).
 */
async function oidcScenario(config: ReturnType<typeof loadConfig>) {
  const admin = createClientAdmin(config, ddb.table, createAuditSink(config, { stdout: () => {} }), 'test');
  const rp = await admin.create({ name: 'rp', scopes: ['openid', 'profile', 'read:data'], redirectUris: ['https://rp.example/cb'], postLogoutRedirectUris: ['https://rp.example/bye'] });
  const { verifier, challenge } = pkce();
  type Handler = { handler: (e: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult & SetCookies> };
  const authorize = await container<Handler>('authorize', '../../functions/authorize');
  const q = new URLSearchParams({ response_type: 'code', client_id: rp.client.clientId, redirect_uri: 'https://rp.example/cb', scope: 'openid profile', state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' }).toString();
  const toRp = await authorize.handler(apiEvent('GET', cookieHeader(), null, q));
  const code = new URL(String(toRp.headers?.Location)).searchParams.get('code')!;
  const token = await container<Handler>('token', '../../functions/token');
  const exchanged = await token.handler(apiEvent('POST', { Authorization: basic(rp.client.clientId, rp.secret) }, new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'https://rp.example/cb', code_verifier: verifier }).toString()));
  const tokens = JSON.parse(exchanged.body) as { access_token: string; id_token: string };
  expect(typeof tokens.id_token).toBe('string');

  const discovery = await container<Handler>('openidConfiguration', '../../functions/openid-configuration');
  expect((await discovery.handler(apiEvent('GET'))).statusCode).toBe(200);
  const userinfo = await container<Handler>('userinfo', '../../functions/userinfo');
  const claims = await userinfo.handler(apiEvent('GET', { Authorization: `Bearer ${tokens.access_token}` }));
  expect(claims.statusCode).toBe(200);
  expect(JSON.parse(claims.body)).toMatchObject({ preferred_username: 'iam-user' });

  const logout = await container<Handler>('logout', '../../functions/logout');
  const hint = new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://rp.example/bye' }).toString();
  const out = await logout.handler(apiEvent('GET', cookieHeader(), null, hint));
  expect(out.statusCode).toBe(302);
  expect(String(out.headers?.Location)).toBe('https://rp.example/bye');
  keepCookies(out);
  const again = await logout.handler(apiEvent('GET', {}, null, hint));
  expect(again.statusCode).toBe(302);
  expect((await userinfo.handler(apiEvent('GET', { Authorization: `Bearer ${tokens.access_token}` }))).statusCode).toBe(401);
}
const body = (token: string) => `token=${encodeURIComponent(token)}`;
const asSigner = async () => assertionForm(await signAssertion(signerKey, signer.clientId, 'http://localhost:3000/oauth2/token', Date.now()));
const signed = async (handler: ApiHandler, rest: string) => handler(apiEvent('POST', {}, `${rest}&${await asSigner()}`));

beforeAll(async () => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true); // the local audit sink and EMF metrics print
  stateDir = mkdtempSync(join(tmpdir(), 'pc-iam-usage-'));
  const settings = readServerlessSettings(undefined, STAGE);
  ddb = await startDynalite({ tableName: `${settings.service}-${STAGE}` });
  jwksServer = await startJwksServer({ keys: [] });
  baseEnv = {
    ...functionEnvironment(STAGE),
    PORTCULLIS_ISSUER: 'http://localhost:3000',
    PORTCULLIS_JWKS_URI: jwksServer.url,
    PORTCULLIS_KEY_DIR: join(stateDir, 'keys'),
    PORTCULLIS_AUDIT_FILE: join(stateDir, 'audit.log'),
    PORTCULLIS_REVOCATION_MODE: 'snapshot',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
  };
  const config = loadConfig({ ...baseEnv, PORTCULLIS_DYNAMODB_ENDPOINT: ddb.endpoint });
  const admin = createClientAdmin(config, ddb.table, createAuditSink(config, { stdout: () => {} }), 'test');
  const created = await admin.create({ name: 'iam', scopes: ['read:data'], defaultScopes: ['read:data'] });
  client = { clientId: created.client.clientId, secret: created.secret };
  const keyed = await admin.create({ name: 'iam-signer', scopes: ['read:data'], authMethod: 'private_key_jwt', jwks: JSON.stringify(jwksOf(signerKey)), maxTokensPerMinute: 1000 });
  signer = { clientId: keyed.client.clientId };
}, 30_000);

afterAll(async () => {
  process.env = savedEnv;
  jest.restoreAllMocks();
  await Promise.all([...recorders.values()].map((r) => r.close()));
  await Promise.all([ddb?.close(), jwksServer?.close()]);
  rmSync(stateDir, { recursive: true, force: true });
});

test('before `keys init` the JWKS and token functions answer 503 temporarily_unavailable and write no key', async () => {
  const jwks = await container<{ handler: ApiHandler }>('jwks', '../../functions/jwks');
  const token = await container<{ handler: ApiHandler }>('token', '../../functions/token');
  for (const res of [await jwks.handler(apiEvent('GET')), await form(token.handler, basic(client.clientId, client.secret), 'grant_type=client_credentials')]) {
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body)).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringMatching(/no signing key/i) });
    expect(Number(res.headers?.['Retry-After'])).toBeGreaterThan(0);
    expect(res.headers?.['Cache-Control']).toBe('no-store');
  }
  expect(recorders.get('jwks')!.requests.map((r) => r.action)).toEqual(['Query']);
  expect(recorders.get('token')!.requests.filter((r) => r.leadingKeys.includes('keys')).map((r) => r.action)).toEqual(['Query']);
  expect(await new DynamoKeyStore(ddb.table).list()).toEqual([]);
});

test('every request of every function is allowed by its role, and every permission of a role is used', async () => {
  const config = loadConfig({ ...baseEnv, PORTCULLIS_DYNAMODB_ENDPOINT: ddb.endpoint });
  await initKeys(config, { keyStore: new DynamoKeyStore(ddb.table) });

  const token = await container<{ handler: ApiHandler }>('token', '../../functions/token');
  await failTwice('token', token.handler, client.clientId, 'grant_type=client_credentials');
  const issue = async () => {
    const res = await form(token.handler, basic(client.clientId, client.secret), 'grant_type=client_credentials');
    expect(res.statusCode).toBe(200);
    return JSON.parse(res.body).access_token as string;
  };
  const [revoked, live] = [await issue(), await issue()];
  const signerToken = await signed(token.handler, 'grant_type=client_credentials');
  expect(signerToken.statusCode).toBe(200);
  const signersOwn = JSON.parse(signerToken.body).access_token as string;

  const revoke = await container<{ handler: ApiHandler }>('revoke', '../../functions/revoke');
  await failTwice('revoke', revoke.handler, client.clientId, body(revoked));
  for (let i = 0; i < 2; i++) expect((await form(revoke.handler, basic(client.clientId, client.secret), body(revoked))).statusCode).toBe(200);
  expect((await signed(revoke.handler, body(signersOwn))).statusCode).toBe(200);

  const introspect = await container<{ handler: ApiHandler }>('introspect', '../../functions/introspect');
  await failTwice('introspect', introspect.handler, client.clientId, body(live));
  const active = async (t: string) => JSON.parse((await form(introspect.handler, basic(client.clientId, client.secret), body(t))).body).active;
  expect(await active(revoked)).toBe(false);
  expect(await active(live)).toBe(true);
  expect(JSON.parse((await signed(introspect.handler, body(signersOwn))).body).active).toBe(false);

  const jwks = await container<{ handler: ApiHandler }>('jwks', '../../functions/jwks');
  const published = await jwks.handler(apiEvent('GET'));
  expect(published.statusCode).toBe(200);
  jwksServer.set(JSON.parse(published.body));

  const metadata = await container<{ handler: ApiHandler }>('metadata', '../../functions/metadata');
  expect((await metadata.handler(apiEvent('GET'))).statusCode).toBe(200);

  const people = await peopleScenario(config);
  await passwordScenario(config);
  const userTokenActive = await form(introspect.handler, basic(people.web.clientId, people.web.secret), body(people.userToken));
  expect(JSON.parse(userTokenActive.body)).toEqual({ active: false }); // its grant was revoked by the replay
  // A refresh token introspected (one BatchGetItem) and revoked (its family read and revoked, its grant through the feed).
  // Its grant was already revoked by the replay: a second family, from a fresh sign-in, is revoked here.
  const webAuth = basic(people.web.clientId, people.web.secret);
  expect(JSON.parse((await form(introspect.handler, webAuth, body(people.refreshToken))).body)).toEqual({ active: false });
  expect((await form(revoke.handler, webAuth, body(people.second))).statusCode).toBe(200);
  expect(JSON.parse((await form(introspect.handler, webAuth, body(people.second))).body)).toEqual({ active: false });
  await oidcScenario(config);

  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  for (const mode of ['snapshot', 'strict']) {
    const rest = await container<AuthorizerModule>('authorizer', '../../functions/authorizer', { PORTCULLIS_REVOCATION_MODE: mode });
    expect((await rest.request(requestEvent(bearer(live)))).policyDocument.Statement[0].Effect).toBe('Allow');
    await expect(rest.request(requestEvent(bearer(revoked)))).rejects.toThrow('Unauthorized');
    await expect(rest.request(requestEvent(bearer(people.userToken)))).rejects.toThrow('Unauthorized');
    const http = await container<AuthorizerModule>('authorizerHttpApi', '../../functions/authorizer', { PORTCULLIS_REVOCATION_MODE: mode });
    expect((await http.httpApi(httpApiEvent(bearer(live)))).policyDocument.Statement[0].Effect).toBe('Allow');
  }

  // The scenario reached what it is meant to reach (else the checks below would prove little).
  const seen = (fn: string) => recorders.get(fn)!.requests;
  expect(seen('token').some((r) => r.action === 'UpdateItem' && r.leadingKeys[0].startsWith('lockout-h#'))).toBe(true);
  for (const fn of ['token', 'revoke', 'introspect']) expect(seen(fn).filter((r) => r.leadingKeys[0].startsWith('assertion-jti#')).map((r) => r.action)).toEqual(['PutItem']);
  expect(seen('token').filter((r) => r.leadingKeys[0].startsWith('token-quota#')).map((r) => r.action)).toEqual(['UpdateItem']);
  expect(new Set(seen('token').filter((r) => r.leadingKeys[0].startsWith('lockout-user#')).map((r) => r.action))).toEqual(new Set(['GetItem', 'PutItem', 'UpdateItem']));
  expect(seen('authorizer').map((r) => `${r.action} ${r.target}`)).toEqual(expect.arrayContaining(['Query index/feed', 'BatchGetItem table']));

  const byRole = new Map<string, DynamoRequest[]>();
  for (const [fn, recorder] of recorders) {
    const role = serverless.functions[fn].role;
    const grants = grantsOf(role);
    expect({ fn, role, refused: recorder.requests.filter((r) => !allows(grants, r)) }).toEqual({ fn, role, refused: [] });
    byRole.set(role, [...(byRole.get(role) ?? []), ...recorder.requests]);
  }
  for (const [role, requests] of byRole) {
    const unused = grantsOf(role).flatMap((g) =>
      g.actions.flatMap((action) =>
        g.targets.flatMap((target) =>
          (g.patterns ?? ['*']).filter(
            (p) => !requests.some((r) => r.action === action && r.target === target && r.leadingKeys.some((k) => stringLike(p, k))),
          ).map((p) => `${action} ${target} ${p}`),
        ),
      ),
    );
    expect({ role, unused }).toEqual({ role, unused: [] });
  }
  expect([...byRole.keys()].sort()).toEqual([
    'AuthorizeRole',
    'AuthorizerRole',
    'ConsentRole',
    'IntrospectRole',
    'JwksRole',
    'LoginRole',
    'LogoutRole',
    'MetadataRole',
    'OpenidConfigurationRole',
    'RevokeRole',
    'TokenRole',
    'UserinfoRole',
  ]);
  expect(seen('metadata')).toEqual([]);
  expect(seen('openidConfiguration')).toEqual([]);
  expect(new Set(seen('logout').filter((r) => r.action === 'DeleteItem').map((r) => r.leadingKeys[0].split('#')[0]))).toEqual(new Set(['session']));
}, 60_000);
