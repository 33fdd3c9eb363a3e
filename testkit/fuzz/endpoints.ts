/**
 * One generator per endpoint of openapi.yaml (test/security/fuzz.test.ts checks that every described path has one).
 * Each makes valid and invalid requests for its endpoint: the right and wrong methods, parameter combinations and
 * duplicates, encodings, sizes, unicode, content types, header casing, credentials, cookies on browser endpoints.
 *
 * Adding an endpoint: one entry in FUZZ_ENDPOINTS (and a grant: its name in TOKEN_GRANTS, its fields in tokenFields).
 * The token endpoint gets a real refresh token of the demo app (its first use rotates it, later ones are refused
 * reuses that revoke the family); userinfo a user's access token with `openid`; logout a real id_token and session.
 */
import fc from 'fast-check';
import { basicCredentials, bodyOf, casing, contentType, cookieHeader, formOf, hostileValue, param, safeTarget, type FuzzRequest } from './requests';

export interface FuzzContext {
  url: string;
  /** A confidential client_credentials client and its secret. */
  client: { id: string; secret: string };
  /** A client id nobody registered (wrong credentials go there, so the real client never locks). */
  decoy: string;
  /** A public client with the code grant and a loopback redirect URI (the demo app). */
  publicClient: { id: string; redirectUri: string };
  /** A valid access token of `client` (read:data). */
  accessToken: string;
  /** A signed-in user's session cookie (`portcullis-session`), and from the demo app's code flows: a refresh token, an
   *  access token with `openid` (another grant, so the refresh token's reuse does not revoke it) and an id_token. */
  user: { clientId: string; sessionCookie: string; refreshToken: string; retiredRefreshToken: string; accessToken: string; idToken: string; postLogoutRedirectUri: string };
  /** A real sign-in page's form and cookie. */
  signIn: { csrfCookie: string; csrf: string; authRequest: string };
  username: string;
  password: string;
}

export interface FuzzEndpoint {
  /** The openapi.yaml path (or `*` for paths nobody declared). */
  path: string;
  requests(ctx: FuzzContext): fc.Arbitrary<FuzzRequest>;
}

const ANY_METHOD = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
/** Mostly the endpoint's own methods, sometimes any. */
const methodOf = (...valid: string[]) => fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...valid) }, { weight: 2, arbitrary: ANY_METHOD }, { weight: 1, arbitrary: fc.constantFrom(...valid.map((m) => m.toLowerCase())) });

/** Extra headers any request may carry: odd Accept, Origin, forwarded headers, huge values. */
const noiseHeaders = fc.dictionary(
  fc.constantFrom('Accept', 'Origin', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-Http-Method-Override', 'Accept-Encoding', 'User-Agent', 'Referer'),
  fc.oneof(hostileValue, fc.constantFrom('*/*', 'application/json', 'https://evil.example', 'gzip, br', 'DELETE')),
  { maxKeys: 2 },
);

function build(parts: { method: string; path: string; query?: string; body?: string; headers: Record<string, string | string[] | undefined>; noise: Record<string, string> }): FuzzRequest {
  const headers: Record<string, string | string[]> = { ...parts.noise };
  for (const [k, v] of Object.entries(parts.headers)) if (v !== undefined) headers[k] = v;
  return { method: parts.method, target: safeTarget(parts.path, parts.query), headers, body: parts.body };
}

export const TOKEN_GRANTS = ['client_credentials', 'authorization_code', 'refresh_token', 'password', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:device_code', 'CLIENT_CREDENTIALS', 'implicit'];
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const junkJwt = fc.constantFrom('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln', 'a.b.c', 'not-a-jwt');

/** The client authentication fields of a form (client_secret_post, private_key_jwt, public client_id). */
const clientFields = (ctx: FuzzContext) => ({
  client_id: param(fc.constantFrom(ctx.client.id, ctx.decoy, ctx.publicClient.id, ctx.user.clientId)),
  client_secret: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: param(fc.constant(ctx.client.secret)) }),
  client_assertion_type: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: param(fc.constant(ASSERTION_TYPE)) }),
  client_assertion: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: param(junkJwt) }),
});

/** POST form endpoints with client authentication (token, revoke, introspect). */
function clientForm(path: string, fields: (ctx: FuzzContext) => Record<string, fc.Arbitrary<ReturnType<typeof param> extends fc.Arbitrary<infer T> ? T : never>>): FuzzEndpoint {
  return {
    path,
    requests: (ctx) =>
      fc
        .record({
          method: methodOf('POST'),
          body: bodyOf(formOf({ ...fields(ctx), ...clientFields(ctx) })),
          auth: basicCredentials(ctx.client.id, ctx.client.secret, ctx.decoy),
          authName: casing('Authorization'),
          type: contentType,
          typeName: casing('Content-Type'),
          query: fc.option(formOf({ grant_type: param(fc.constant('client_credentials')), token: param(fc.constant(ctx.accessToken)) }), { nil: undefined }),
          noise: noiseHeaders,
        })
        .map((r) => build({ method: r.method, path, query: r.query, body: r.body, headers: { [r.authName]: r.auth, [r.typeName]: r.type }, noise: r.noise })),
  };
}

const tokenFields = (ctx: FuzzContext) => ({
  grant_type: param(fc.constantFrom(...TOKEN_GRANTS)),
  scope: param(fc.constantFrom('read:data', 'read:data write:data', 'write:data', 'openid', 'admin:all', 'read:reports', 'read:data read:data', 'Read:Data')),
  resource: param(fc.constantFrom('https://reports.portcullis.local', 'https://api.portcullis.local', 'https://evil.example', 'not a uri', 'https://reports.portcullis.local#f')),
  code: param(fc.string({ minLength: 10, maxLength: 60 })),
  redirect_uri: param(fc.constant(ctx.publicClient.redirectUri)),
  code_verifier: param(fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABC0123456789-._~'), minLength: 43, maxLength: 43 })),
  refresh_token: param(fc.oneof({ weight: 2, arbitrary: fc.constant(ctx.user.refreshToken) }, { weight: 1, arbitrary: fc.string({ maxLength: 60 }) })),
  username: param(fc.constant(ctx.username)),
  password: param(fc.constant(ctx.password)),
});

/** The user's real refresh tokens from its own public client, well formed: a live one (rotated, then refreshed again inside the grace window) and a retired one (a reuse: 400, its family revoked). */
const realRefresh = (ctx: FuzzContext): fc.Arbitrary<FuzzRequest> =>
  fc
    .record({ token: fc.constantFrom(ctx.user.refreshToken, ctx.user.retiredRefreshToken), scope: fc.constantFrom(undefined, 'openid', 'read:data', 'openid read:data write:data'), noise: noiseHeaders })
    .map((r) =>
      build({
        method: 'POST',
        path: '/oauth2/token',
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: r.token, client_id: ctx.user.clientId, ...(r.scope ? { scope: r.scope } : {}) }).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        noise: r.noise,
      }),
    );

const presentedFields = (ctx: FuzzContext) => ({
  token: param(fc.oneof(fc.constant(ctx.accessToken), junkJwt, fc.constant(`${ctx.accessToken}x`))),
  token_type_hint: param(fc.constantFrom('access_token', 'refresh_token', 'id_token', 'ACCESS_TOKEN')),
});

/** A GET endpoint without input: methods, junk queries, headers. */
export const simpleGet = (path: string): FuzzEndpoint => ({
  path,
  requests: () =>
    fc
      .record({ method: methodOf('GET'), query: fc.option(formOf({ a: param(fc.constant('1')) }), { nil: undefined }), body: fc.option(hostileValue, { nil: undefined }), noise: noiseHeaders })
      .map((r) => build({ method: r.method, path, query: r.query, body: r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body, headers: {}, noise: r.noise })),
});

/** A route behind an authorizer: bearer tokens right, wrong, duplicated, in odd places (`token`: another valid one). */
export const bearerRoute = (path: string, methods: string[], token?: (ctx: FuzzContext) => string): FuzzEndpoint => ({
  path,
  requests: (ctx) =>
    fc
      .record({
        method: methodOf(...methods),
        auth: fc.oneof(
          fc.constant(undefined),
          fc.constant(`Bearer ${ctx.accessToken}`),
          fc.constant(token ? `Bearer ${token(ctx)}` : undefined),
          junkJwt.map((t) => `Bearer ${t}`),
          fc.constantFrom(`bearer ${ctx.accessToken}`, `Bearer  ${ctx.accessToken}`, `Basic ${ctx.accessToken}`, ctx.accessToken, 'Bearer', `Bearer ${ctx.accessToken}, Bearer x`),
          hostileValue,
          fc.constant<string[]>([`Bearer ${ctx.accessToken}`, 'Bearer x']),
        ),
        authName: casing('Authorization'),
        query: fc.option(formOf({ access_token: param(fc.constant(ctx.accessToken)) }), { nil: undefined }),
        body: fc.option(formOf({ access_token: param(fc.constant(ctx.accessToken)) }), { nil: undefined }),
        noise: noiseHeaders,
      })
      .map((r) => build({ method: r.method, path, query: r.query, body: r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body, headers: { [r.authName]: r.auth, 'Content-Type': 'application/x-www-form-urlencoded' }, noise: r.noise })),
});

const SESSION_COOKIES = ['portcullis-session', 'portcullis-csrf', '__Host-portcullis-session', 'demo-app-flow'];

const authorizeQuery = (ctx: FuzzContext) =>
  formOf({
    response_type: param(fc.constantFrom('code', 'token', 'id_token', 'code id_token', 'CODE')),
    client_id: param(fc.constantFrom(ctx.publicClient.id, ctx.client.id, ctx.decoy)),
    redirect_uri: param(fc.constantFrom(ctx.publicClient.redirectUri, ctx.publicClient.redirectUri.replace(/:\d+\//, ':1/'), 'https://evil.example/cb', `${ctx.publicClient.redirectUri}/..`, `${ctx.publicClient.redirectUri}#x`)),
    scope: param(fc.constantFrom('openid read:data', 'read:data', 'admin:all', 'openid', 'read:reports')),
    state: param(fc.string({ maxLength: 30 })),
    code_challenge: param(fc.constantFrom('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'short', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c=')),
    code_challenge_method: param(fc.constantFrom('S256', 'plain', 's256')),
    prompt: param(fc.constantFrom('none', 'login', 'consent', 'select_account', 'none login', 'bogus')),
    max_age: param(fc.constantFrom('0', '60', '-1', '1e3', 'x')),
    login_hint: param(fc.string({ maxLength: 20 })),
    nonce: param(fc.string({ maxLength: 20 })),
    response_mode: param(fc.constantFrom('query', 'fragment', 'form_post')),
    request: fc.option(param(junkJwt), { nil: undefined }),
  });

/** A browser form endpoint (login, consent): the real form's values or junk, with or without the real cookies. */
const browserForm = (path: string, fields: (ctx: FuzzContext) => Parameters<typeof formOf>[0]): FuzzEndpoint => ({
  path,
  requests: (ctx) =>
    fc
      .record({
        method: methodOf('POST'),
        body: bodyOf(formOf(fields(ctx))),
        type: contentType,
        cookie: cookieHeader(SESSION_COOKIES, { 'portcullis-csrf': ctx.signIn.csrfCookie }),
        cookieName: casing('Cookie'),
        noise: noiseHeaders,
      })
      .map((r) => build({ method: r.method, path, body: r.body, headers: { 'Content-Type': r.type, [r.cookieName]: r.cookie }, noise: r.noise })),
});

/** The demo app's callback: state and flow cookie that match or not, iss right or wrong, codes that the token endpoint refuses. */
const demoCallback: FuzzEndpoint = {
  path: '/demo/app/callback',
  requests: (ctx) =>
    fc
      .record({
        method: methodOf('GET'),
        // Half the time the state matches the flow cookie and iss is right: the code reaches the token endpoint.
        flow: fc.oneof({ weight: 3, arbitrary: fc.constant(['s1', 's1.verifier']) }, { weight: 2, arbitrary: fc.tuple(fc.constantFrom('s1', 's2', ''), fc.constantFrom('s2.v', '', '.', 's1.', 'x')) }),
        iss: fc.oneof({ weight: 4, arbitrary: fc.constant<string | string[] | undefined>(ctx.url) }, { weight: 1, arbitrary: param(fc.constantFrom('https://evil.example', `${ctx.url}/`)) }),
        code: param(fc.string({ maxLength: 40 })),
        error: fc.option(param(fc.constantFrom('access_denied', 'server_error')), { nil: undefined }),
        error_description: fc.option(param(fc.string({ maxLength: 40 })), { nil: undefined }),
        noise: noiseHeaders,
      })
      .chain((r) =>
        formOf({ state: fc.constant(r.flow[0]), iss: fc.constant(r.iss), code: fc.constant(r.code), error: fc.constant(r.error), error_description: fc.constant(r.error_description) }).map((query) =>
          build({ method: r.method, path: '/demo/app/callback', query, headers: { Cookie: r.flow[1] ? `demo-app-flow=${r.flow[1]}` : undefined }, noise: r.noise }),
        ),
      ),
};

/** RP-initiated logout: the real id_token, session cookie and registered URI, or junk; GET query or POST form (the confirmation form's fields too). */
const logout: FuzzEndpoint = {
  path: '/oauth2/logout',
  requests: (ctx) =>
    fc
      .record({
        method: methodOf('GET', 'POST'),
        params: formOf({
          id_token_hint: param(fc.oneof(fc.constant(ctx.user.idToken), junkJwt, fc.constant(ctx.accessToken))),
          client_id: param(fc.constantFrom(ctx.user.clientId, ctx.publicClient.id, ctx.client.id, ctx.decoy)),
          post_logout_redirect_uri: param(fc.constantFrom(ctx.user.postLogoutRedirectUri, `${ctx.user.postLogoutRedirectUri}&x=1`, 'https://evil.example/', ctx.publicClient.redirectUri)),
          state: param(fc.string({ maxLength: 30 })),
          decision: fc.option(param(fc.constantFrom('logout', 'stay', 'LOGOUT')), { nil: undefined }),
          csrf: fc.option(param(fc.string({ maxLength: 20 })), { nil: undefined }),
        }),
        type: contentType,
        cookie: cookieHeader(SESSION_COOKIES, { 'portcullis-session': ctx.user.sessionCookie }),
        cookieName: casing('Cookie'),
        noise: noiseHeaders,
      })
      .map((r) =>
        r.method.toUpperCase() === 'GET'
          ? build({ method: r.method, path: '/oauth2/logout', query: r.params, headers: { [r.cookieName]: r.cookie }, noise: r.noise })
          : build({ method: r.method, path: '/oauth2/logout', body: r.params, headers: { 'Content-Type': r.type, [r.cookieName]: r.cookie }, noise: r.noise }),
      ),
};

/** Paths no function declares, near the real ones. */
const unrouted: FuzzEndpoint = {
  path: '*',
  requests: () =>
    fc
      .record({ method: ANY_METHOD, path: fc.constantFrom('/', '/oauth2', '/oauth2/token/', '/OAUTH2/TOKEN', '/oauth2//token', '/oauth2/%74oken', '/.well-known/', '/.well-known/openid-configuration-x', '/demo', '/v2/demo/other', '/admin', '/%2e%2e/etc/passwd'), noise: noiseHeaders })
      .map((r) => build({ method: r.method, path: r.path, headers: {}, noise: r.noise })),
};

export const FUZZ_ENDPOINTS: FuzzEndpoint[] = [
  { path: '/oauth2/token', requests: (ctx) => fc.oneof({ weight: 5, arbitrary: clientForm('/oauth2/token', tokenFields).requests(ctx) }, { weight: 1, arbitrary: realRefresh(ctx) }) },
  clientForm('/oauth2/revoke', presentedFields),
  clientForm('/oauth2/introspect', presentedFields),
  simpleGet('/.well-known/jwks.json'),
  simpleGet('/.well-known/oauth-authorization-server'),
  simpleGet('/.well-known/openid-configuration'),
  {
    path: '/oauth2/authorize',
    requests: (ctx) =>
      fc
        .record({ method: methodOf('GET'), query: authorizeQuery(ctx), cookie: cookieHeader(SESSION_COOKIES), cookieName: casing('Cookie'), noise: noiseHeaders })
        .map((r) => build({ method: r.method, path: '/oauth2/authorize', query: r.query, headers: { [r.cookieName]: r.cookie }, noise: r.noise })),
  },
  browserForm('/oauth2/login', (ctx) => ({
    csrf: param(fc.constant(ctx.signIn.csrf)),
    auth_request: param(fc.constant(ctx.signIn.authRequest)),
    username: param(fc.constantFrom(ctx.username, ctx.username.toUpperCase(), 'nobody')),
    password: param(fc.constantFrom(ctx.password, `${ctx.password}-wrong`, '')),
  })),
  browserForm('/oauth2/consent', (ctx) => ({
    csrf: param(fc.constant(ctx.signIn.csrf)),
    auth_request: param(fc.constant(ctx.signIn.authRequest)),
    decision: param(fc.constantFrom('allow', 'deny', 'ALLOW')),
  })),
  bearerRoute('/oauth2/userinfo', ['GET', 'POST'], (ctx) => ctx.user.accessToken),
  bearerRoute('/demo/data', ['GET', 'POST']),
  bearerRoute('/demo/reports', ['GET']),
  bearerRoute('/v2/demo/data', ['GET', 'POST']),
  simpleGet('/demo/app'),
  simpleGet('/demo/app/login'),
  demoCallback,
  simpleGet('/demo/app/logout'),
  // Last: a real hint or the confirmation form ends the user's session (its tokens die with it).
  logout,
  unrouted,
];
