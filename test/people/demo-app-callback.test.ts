/**
 * The demo app's callback when the exchange does not work (found by the fuzzer, test/security/fuzz.test.ts): a refused
 * code, an unreachable token endpoint or an answer that is not a token is a clean page of the app (never a 5xx from
 * the authorization server's side, never a crash), and every Set-Cookie that clears the flow cookie has its flags.
 */
import { handleDemoAppRequest } from '../../lib/demo-app/demo-app';
import { parseQueryString, type HttpRequest } from '../../lib/http/request';
import { testConfig } from '../../testkit/config';

const HTTPS = 'https://auth.example.com';
const configFor = (issuer: string) => testConfig({ env: { PORTCULLIS_ISSUER: issuer } });

function callback(issuer: string): HttpRequest {
  return {
    method: 'GET',
    path: '/demo/app/callback',
    query: parseQueryString(`state=s1&code=c1&iss=${encodeURIComponent(issuer)}`),
    headers: {},
    cookies: new Map([['demo-app-flow', 's1.verifier.n1']]),
    body: null,
    isBase64Encoded: false,
  };
}

const answer = (status: number, body: string) => async () => new Response(body, { status, headers: { 'content-type': 'application/json' } });

describe.each([
  ['the token endpoint refuses the code', answer(400, '{"error":"invalid_grant","error_description":"The code is not valid"}'), 400, /invalid_grant/],
  ['the token endpoint is unreachable', async () => { throw new TypeError('fetch failed'); }, 503, /could not reach/],
  ['the token endpoint answers HTML', answer(502, '<html>Bad Gateway</html>'), 503, /did not understand/],
  ['the token endpoint answers 200 without a token', answer(200, '{"token_type":"Bearer"}'), 503, /did not understand/],
  ['the token endpoint answers a token that is not a JWT', answer(200, '{"access_token":"opaque","token_type":"Bearer","expires_in":60,"scope":"x"}'), 503, /did not understand/],
])('the demo app callback when %s', (_name, fetchImpl, status, message) => {
  it.each([['http://localhost:3000'], [HTTPS]])('answers a clean page of its own (issuer %s)', async (issuer) => {
    const res = await handleDemoAppRequest(callback(issuer), { config: configFor(issuer), fetch: fetchImpl as unknown as typeof fetch });
    expect(res.statusCode).toBe(status);
    expect(res.headers['Content-Type']).toMatch(/^text\/html/);
    expect(res.headers['Cache-Control']).toBe('no-store');
    expect(res.body).toMatch(message);
    expect(res.body).not.toMatch(/TypeError|fetch failed|at .*\.ts|node_modules|stack/i);
    if (status === 503) expect(res.headers['Retry-After']).toBeDefined();
    const [clear] = res.cookies ?? [];
    expect(clear).toMatch(/^demo-app-flow=; Path=\/demo\/app; Max-Age=0; HttpOnly/);
    expect(clear).toMatch(/SameSite=Lax/);
    if (issuer.startsWith('https:')) expect(clear).toMatch(/; Secure/);
    else expect(clear).not.toMatch(/Secure/);
  });
});
