/**
 * Malformed requests at the token (RFC 6749), revocation (RFC 7009) and introspection (RFC 7662) endpoints
 * (issue 8). Each case gets its RFC error code and status, `Cache-Control: no-store`, a JSON body where
 * there is one, no internal detail, and one audit event without the secret. The API Gateway cases go
 * through the real event adapter (fromApiGateway).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { fromApiGateway, type HttpRequest } from '../../lib/http/request';
import type { HttpResponse } from '../../lib/http/response';
import { handleIntrospectionRequest } from '../../lib/endpoints/introspect';
import { handleRevocationRequest, type PresentedTokenDeps } from '../../lib/endpoints/revoke';
import { createRevocationStore } from '../../lib/composition/revocation';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { handleTokenRequest } from '../../lib/endpoints/token';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { basic, formRequest, tokenFixture } from '../../testkit/token-fixture';

let ddb: TestDynamo;
beforeAll(async () => {
  ddb = await startDynalite();
});
afterAll(() => ddb?.close());

type Endpoint = 'token' | 'revoke' | 'introspect';
const ALL: Endpoint[] = ['token', 'revoke', 'introspect'];

/** A fresh world per case: its own client store, so no case sees another's failures. */
async function setup() {
  const f = await tokenFixture();
  const deps: PresentedTokenDeps = { ...f.deps, revocations: createRevocationStore(f.config, { table: new DocTable(ddb.table.client, ddb.tableName, f.clock), clock: f.clock }) };
  const { client, secret } = await f.admin.create({ name: 'app', scopes: ['read:data', 'write:data'], defaultScopes: ['read:data'] });
  const id = client.clientId;
  const call = (endpoint: Endpoint, req: HttpRequest): Promise<HttpResponse> =>
    endpoint === 'token' ? handleTokenRequest(req, f.deps) : endpoint === 'revoke' ? handleRevocationRequest(req, deps) : handleIntrospectionRequest(req, deps);
  const issued = await call('token', formRequest('grant_type=client_credentials', { Authorization: basic(id, secret) }));
  const token = JSON.parse(issued.body).access_token as string;
  /** The parameters a well-formed request to `endpoint` carries. */
  const valid = (endpoint: Endpoint) => (endpoint === 'token' ? 'grant_type=client_credentials' : `token=${token}`);
  return { ...f, id, secret, token, call, valid, auth: { Authorization: basic(id, secret) } };
}
type World = Awaited<ReturnType<typeof setup>>;

/** Anything that would betray the implementation: stack frames, exception names or text, paths, hosts. */
const INTERNAL = /\bat \S+ \(|Error\b|URIError|TypeError|SyntaxError|RangeError|ECONN|node_modules|\/work\/|\.ts\b|\.js\b|stack|undefined|null|\[object/;

function expectAnswer(res: HttpResponse, w: World, status: number, error?: string): Record<string, unknown> | undefined {
  expect({ status: res.statusCode, error: res.body ? JSON.parse(res.body).error : undefined }).toEqual({ status, error });
  expect(res.headers['Cache-Control']).toBe('no-store');
  expect(res.headers.Pragma).toBe('no-cache');
  expect(res.body).not.toContain(w.secret);
  if (error) expect(res.body).not.toMatch(INTERNAL);
  if (res.body === '') return undefined;
  expect(res.headers['Content-Type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  if (error) {
    expect(Object.keys(body).filter((k) => k !== 'error' && k !== 'error_description')).toEqual([]);
    if (body.error_description !== undefined) expect(body.error_description).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,120}$/); // RFC 6749 §5.2 charset
  }
  if (status === 405) expect(res.headers.Allow).toBe('POST');
  if (status === 401 && error === 'invalid_client') expect(res.headers['WWW-Authenticate']).toMatch(/^Basic realm="portcullis"/);
  // one audit event per request, the secret never in it
  const trail = JSON.stringify(w.audit.events);
  expect(trail).not.toContain(w.secret);
  return body;
}

interface Case {
  name: string;
  endpoints: Endpoint[];
  request: (w: World, endpoint: Endpoint) => HttpRequest;
  status: number;
  error?: string;
  /** Further checks on a successful answer. */
  then?: (body: Record<string, unknown> | undefined, w: World, endpoint: Endpoint) => void;
}

const form = (w: World, body: string, headers: Record<string, string> = w.auth, extra: Partial<HttpRequest> = {}) => formRequest(body, headers, extra);
const withType = (w: World, e: Endpoint, type: string | undefined, body = w.valid(e)): HttpRequest => ({
  ...form(w, body),
  headers: type === undefined ? { ...w.auth } : { 'Content-Type': type, ...w.auth },
});
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const basicRaw = (raw: string) => ({ Authorization: `Basic ${b64(raw)}` });
const v1Event = (body: string, isBase64Encoded: boolean, headers: Record<string, string>): APIGatewayProxyEvent =>
  ({ httpMethod: 'POST', headers, body, isBase64Encoded, requestContext: { requestId: 'gw-1', identity: { sourceIp: '192.0.2.9', userAgent: 'gw' } } }) as unknown as APIGatewayProxyEvent;
const v2Event = (body: string, isBase64Encoded: boolean, headers: Record<string, string>): APIGatewayProxyEventV2 =>
  ({ version: '2.0', headers, body, isBase64Encoded, requestContext: { requestId: 'gw-2', http: { method: 'POST', sourceIp: '192.0.2.9', userAgent: 'gw' } } }) as unknown as APIGatewayProxyEventV2;
const gwHeaders = (w: World) => ({ 'content-type': 'application/x-www-form-urlencoded', authorization: w.auth.Authorization });
/** A success answer of each endpoint. */
const succeeded = (body: Record<string, unknown> | undefined, _w: World, e: Endpoint) => {
  if (e === 'token') expect(body).toMatchObject({ token_type: 'Bearer', scope: 'read:data' });
  if (e === 'revoke') expect(body).toBeUndefined();
  if (e === 'introspect') expect(body).toMatchObject({ active: true });
};

const cases: Case[] = [
  // RFC 6749 §3.2: POST only
  ...['GET', 'PUT', 'DELETE'].map((method): Case => ({ name: `method ${method} → 405 invalid_request with Allow: POST`, endpoints: ALL, request: (w, e) => form(w, w.valid(e), w.auth, { method }), status: 405, error: 'invalid_request' })),
  // RFC 6749 §3.2, App. B: application/x-www-form-urlencoded only
  { name: 'JSON body with application/json', endpoints: ALL, request: (w, e) => withType(w, e, 'application/json', e === 'token' ? '{"grant_type":"client_credentials"}' : `{"token":"${w.token}"}`), status: 400, error: 'invalid_request' },
  { name: 'no Content-Type', endpoints: ALL, request: (w, e) => withType(w, e, undefined), status: 400, error: 'invalid_request' },
  { name: 'Content-Type text/plain', endpoints: ALL, request: (w, e) => withType(w, e, 'text/plain'), status: 400, error: 'invalid_request' },
  { name: 'Content-Type multipart/form-data', endpoints: ['token'], request: (w, e) => withType(w, e, 'multipart/form-data; boundary=x'), status: 400, error: 'invalid_request' },
  { name: 'Content-Type application/x-www-form-urlencoded-evil', endpoints: ['token'], request: (w, e) => withType(w, e, 'application/x-www-form-urlencoded-evil'), status: 400, error: 'invalid_request' },
  { name: 'Content-Type in capitals with a charset is fine', endpoints: ALL, request: (w, e) => withType(w, e, 'APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8'), status: 200, then: succeeded },
  { name: 'a JSON body sent as a form', endpoints: ALL, request: (w, e) => form(w, e === 'token' ? '{"grant_type":"client_credentials"}' : `{"token":"${w.token}"}`), status: 400, error: 'invalid_request' },
  // Bodies
  { name: 'empty body', endpoints: ALL, request: (w) => form(w, ''), status: 400, error: 'invalid_request' },
  { name: 'no body at all (null)', endpoints: ALL, request: (w) => ({ ...form(w, ''), body: null }), status: 400, error: 'invalid_request' },
  { name: 'body over the 16 KB cap', endpoints: ALL, request: (w, e) => form(w, `${w.valid(e)}&pad=${'a'.repeat(17 * 1024)}`), status: 400, error: 'invalid_request' },
  { name: 'base64 body over the cap', endpoints: ['token'], request: (w, e) => form(w, b64(`${w.valid(e)}&pad=${'a'.repeat(17 * 1024)}`), w.auth, { isBase64Encoded: true }), status: 400, error: 'invalid_request' },
  // Percent-encoding (App. B: UTF-8, then percent-encoded)
  ...[
    ['%ZZ (not hex)', '%ZZ'],
    ['a lone %', '%'],
    ['a truncated UTF-8 sequence %E0%A4%A', '%E0%A4%A'],
    ['an overlong UTF-8 encoding %C0%AF', '%C0%AF'],
    ['a UTF-16 surrogate %ED%A0%80', '%ED%A0%80'],
  ].map(([what, bad]): Case => ({ name: `invalid percent-encoding: ${what}`, endpoints: ALL, request: (w, e) => form(w, `${w.valid(e)}&scope=read${bad}`), status: 400, error: 'invalid_request' })),
  { name: 'invalid percent-encoding in the token parameter', endpoints: ['revoke', 'introspect'], request: (w) => form(w, `token=${w.token}%G1`), status: 400, error: 'invalid_request' },
  // RFC 6749 §3.1: a parameter sent twice
  { name: 'grant_type repeated', endpoints: ['token'], request: (w) => form(w, 'grant_type=client_credentials&grant_type=client_credentials'), status: 400, error: 'invalid_request' },
  { name: 'grant_type repeated under another encoding (grant%5Ftype)', endpoints: ['token'], request: (w) => form(w, 'grant_type=client_credentials&grant%5Ftype=password'), status: 400, error: 'invalid_request' },
  { name: 'scope repeated', endpoints: ['token'], request: (w) => form(w, 'grant_type=client_credentials&scope=read%3Adata&scope=write%3Adata'), status: 400, error: 'invalid_request' },
  { name: 'a repeated parameter whose name has quotes, a backslash and Unicode', endpoints: ['token'], request: (w) => form(w, `grant_type=client_credentials&%22%5C%C3%A9${'x'.repeat(60)}=1&%22%5C%C3%A9${'x'.repeat(60)}=2`), status: 400, error: 'invalid_request' },
  { name: 'token repeated', endpoints: ['revoke', 'introspect'], request: (w) => form(w, `token=${w.token}&token=${w.token}`), status: 400, error: 'invalid_request' },
  { name: 'client_id repeated (client_secret_post)', endpoints: ALL, request: (w, e) => form(w, `${w.valid(e)}&client_id=${w.id}&client_id=${w.id}&client_secret=${w.secret}`, {}), status: 400, error: 'invalid_request' },
  // RFC 6749 §3.1: empty parameters are omitted
  { name: 'grant_type empty', endpoints: ['token'], request: (w) => form(w, 'grant_type='), status: 400, error: 'invalid_request' },
  { name: 'token empty', endpoints: ['revoke', 'introspect'], request: (w) => form(w, 'token=&token_type_hint=access_token'), status: 400, error: 'invalid_request' },
  { name: 'scope empty is omitted (default scope granted)', endpoints: ['token'], request: (w) => form(w, 'grant_type=client_credentials&scope='), status: 200, then: succeeded },
  { name: 'client_secret empty next to Basic is omitted (not a second method)', endpoints: ALL, request: (w, e) => form(w, `${w.valid(e)}&client_secret=`), status: 200, then: succeeded },
  // RFC 6749 §3.1, RFC 7009 §2.1: unknown parameters are ignored
  { name: 'unknown parameters are ignored', endpoints: ALL, request: (w, e) => form(w, `${w.valid(e)}&foo=bar&redirect_uri=https%3A%2F%2Fevil.example&refresh_token=x&%F0%9F%94%91=%00`), status: 200, then: succeeded },
  { name: 'an unknown token_type_hint is only a hint', endpoints: ['revoke', 'introspect'], request: (w, e) => form(w, `${w.valid(e)}&token_type_hint=id_token`), status: 200, then: succeeded },
  // Missing parameters
  { name: 'grant_type missing', endpoints: ['token'], request: (w) => form(w, 'scope=read%3Adata'), status: 400, error: 'invalid_request' },
  { name: 'token missing', endpoints: ['revoke', 'introspect'], request: (w) => form(w, 'token_type_hint=access_token'), status: 400, error: 'invalid_request' },
  // RFC 6749 §2.3.1: client_secret_basic
  { name: 'Basic credentials that are not base64', endpoints: ALL, request: (w, e) => form(w, w.valid(e), { Authorization: 'Basic !!!not*base64!!!' }), status: 400, error: 'invalid_request' },
  { name: 'Basic credentials of an impossible base64 length', endpoints: ALL, request: (w, e) => form(w, w.valid(e), { Authorization: 'Basic YWJjZGU' }), status: 400, error: 'invalid_request' },
  { name: 'Basic credentials without a colon', endpoints: ALL, request: (w, e) => form(w, w.valid(e), basicRaw(`${w.id}${w.secret}`)), status: 400, error: 'invalid_request' },
  { name: 'Basic header with two credentials', endpoints: ['token'], request: (w, e) => form(w, w.valid(e), { Authorization: `${w.auth.Authorization} ${b64('x:y')}` }), status: 400, error: 'invalid_request' },
  { name: 'Basic with an empty secret', endpoints: ALL, request: (w, e) => form(w, w.valid(e), basicRaw(`${w.id}:`)), status: 401, error: 'invalid_client' },
  { name: 'Authorization scheme other than Basic (Bearer)', endpoints: ALL, request: (w, e) => form(w, w.valid(e), { Authorization: `Bearer ${w.token}` }), status: 401, error: 'invalid_client' },
  { name: 'no client authentication at all', endpoints: ALL, request: (w, e) => form(w, w.valid(e), {}), status: 401, error: 'invalid_client' },
  // RFC 6749 App. B: id and secret are form-urlencoded before base64
  { name: 'credentials not form-encoded: a raw % in the secret', endpoints: ALL, request: (w, e) => form(w, w.valid(e), basicRaw(`${w.id}:50%off`)), status: 400, error: 'invalid_request' },
  { name: 'credentials not form-encoded: a raw + in the secret is a space (wrong secret)', endpoints: ['token'], request: (w, e) => form(w, w.valid(e), basicRaw(`${w.id}:${w.secret.slice(0, 10)}+${w.secret.slice(10)}`)), status: 401, error: 'invalid_client' },
  { name: 'credentials not form-encoded: a raw colon in the client id', endpoints: ['token'], request: (w, e) => form(w, w.valid(e), basicRaw(`svc:a:${w.secret}`)), status: 401, error: 'invalid_client' },
  // RFC 6749 §2.3: one method per request
  { name: 'both client_secret_basic and client_secret_post', endpoints: ALL, request: (w, e) => form(w, `${w.valid(e)}&client_id=${w.id}&client_secret=${w.secret}`), status: 400, error: 'invalid_request' },
  { name: 'client_id in the body differs from the Basic one', endpoints: ['token'], request: (w, e) => form(w, `${w.valid(e)}&client_id=someone-else`), status: 400, error: 'invalid_request' },
  // Unicode and control characters
  { name: 'client_id in Unicode (post)', endpoints: ALL, request: (w, e) => form(w, `${w.valid(e)}&client_id=%C3%A9%F0%9F%94%91&client_secret=${w.secret}`, {}), status: 401, error: 'invalid_client' },
  { name: 'client_id with NUL and control characters (post)', endpoints: ALL, request: (w, e) => form(w, `${w.valid(e)}&client_id=${w.id}%00%01%1B&client_secret=${w.secret}`, {}), status: 401, error: 'invalid_client' },
  { name: 'client_id carrying a forged log line (CR LF)', endpoints: ['token'], request: (w, e) => form(w, `${w.valid(e)}&client_id=x%0D%0A%7B%22level%22%3A%22error%22%7D&client_secret=${w.secret}`, {}), status: 401, error: 'invalid_client' },
  { name: 'client_id with control characters (Basic, not form-encoded)', endpoints: ['token'], request: (w, e) => form(w, w.valid(e), basicRaw(`\u0001\u0007${w.id}:${w.secret}`)), status: 401, error: 'invalid_client' },
  { name: 'Basic credentials that are not UTF-8', endpoints: ['token'], request: (w, e) => form(w, w.valid(e), { Authorization: `Basic ${b64(Buffer.from([0xff, 0xfe, 0x3a, 0x78]))}` }), status: 401, error: 'invalid_client' },
  { name: 'a base64 body that decodes to invalid UTF-8', endpoints: ['token'], request: (w) => form(w, b64(Buffer.concat([Buffer.from('grant_type=client_credentials&scope='), Buffer.from([0xc3, 0x28])])), w.auth, { isBase64Encoded: true }), status: 400, error: 'invalid_request' },
  ...[
    ['scope in Unicode', 'r%C3%A9ad%3Adata'],
    ['scope with a NUL', 'read%3Adata%00'],
    ['scope joined by a tab', 'read%3Adata%09write%3Adata'],
    ['scope with a line feed', 'read%3Adata%0Awrite%3Adata'],
    ['scope with a double quote', 'read%3Adata%22'],
    ['scope with a backslash', 'read%3Adata%5C'],
  ].map(([name, scope]): Case => ({ name: `${name} → invalid_scope`, endpoints: ['token'], request: (w) => form(w, `grant_type=client_credentials&scope=${scope}`), status: 400, error: 'invalid_scope' })),
  { name: 'grant_type with a NUL → unsupported_grant_type', endpoints: ['token'], request: (w) => form(w, 'grant_type=client_credentials%00'), status: 400, error: 'unsupported_grant_type' },
  // Very long scope strings (inside the body cap)
  { name: 'a 15,000-character unknown scope', endpoints: ['token'], request: (w) => form(w, `grant_type=client_credentials&scope=${'s'.repeat(15_000)}`), status: 400, error: 'invalid_scope' },
  { name: '2,000 unknown scopes', endpoints: ['token'], request: (w) => form(w, `grant_type=client_credentials&scope=${Array.from({ length: 2000 }, (_, i) => `s${i}`).join('+')}`), status: 400, error: 'invalid_scope' },
  { name: 'one allowed scope repeated 1,000 times collapses to one', endpoints: ['token'], request: (w) => form(w, `grant_type=client_credentials&scope=${Array(1000).fill('read%3Adata').join('+')}`), status: 200, then: succeeded },
  // API Gateway base64 bodies (isBase64Encoded), through the real event adapter
  { name: 'base64 body from a REST API (payload 1.0)', endpoints: ALL, request: (w, e) => fromApiGateway(v1Event(b64(w.valid(e)), true, gwHeaders(w))), status: 200, then: succeeded },
  { name: 'base64 body from an HTTP API (payload 2.0)', endpoints: ALL, request: (w, e) => fromApiGateway(v2Event(b64(w.valid(e)), true, gwHeaders(w))), status: 200, then: succeeded },
  { name: 'invalid base64 body (characters outside the alphabet)', endpoints: ALL, request: (w, e) => fromApiGateway(v1Event(`${b64(w.valid(e))}*!`, true, gwHeaders(w))), status: 400, error: 'invalid_request' },
  { name: 'invalid base64 body (a plain form flagged as base64)', endpoints: ['token'], request: (w, e) => fromApiGateway(v2Event(w.valid(e), true, gwHeaders(w))), status: 400, error: 'invalid_request' },
  { name: 'invalid base64 body (unpadded)', endpoints: ['token'], request: (w) => fromApiGateway(v1Event(b64('grant_type=client_credentials').replace(/=+$/, ''), true, gwHeaders(w))), status: 400, error: 'invalid_request' },
];

const named = cases.flatMap((c) => c.endpoints.map((e) => [`${e}: ${c.name}`, c, e] as const));

test('there are at least 40 named cases over the three endpoints', () => {
  expect(named.length).toBeGreaterThanOrEqual(40);
  expect(new Set(named.map(([n]) => n)).size).toBe(named.length);
});

test.each(named)('%s', async (_name, c, endpoint) => {
  const w = await setup();
  const before = w.audit.events.length;
  const res = await w.call(endpoint, c.request(w, endpoint));
  const body = expectAnswer(res, w, c.status, c.error);
  c.then?.(body, w, endpoint);
  expect(w.audit.events.length - before).toBe(1);
  const event = w.audit.events.at(-1)!;
  expect(event.outcome).toBe(c.error ? 'failure' : 'success');
});
