/** Redirect URI rules: registration refuses what the issue forbids; matching is exact, the loopback port free for public clients only. */
import { redirectUriMatches, redirectUriProblem } from '../../lib/clients/redirect-uris';

test.each([
  'https://app.example.com/callback',
  'https://app.example.com:8443/cb?tenant=a',
  'http://127.0.0.1:8080/cb',
  'http://127.0.0.1/cb',
  'http://[::1]:51000/oauth/cb',
])('registers %s', (uri) => {
  expect(redirectUriProblem(uri)).toBeUndefined();
});

test.each([
  ['http://localhost:3000/cb', /loopback address/],
  ['http://app.example.com/cb', /loopback address/],
  ['http://127.0.0.2:80/cb', /loopback address/],
  ['https://app.example.com/cb#frag', /fragment/],
  ['https://app.example.com/cb#', /fragment/],
  ['https://*.example.com/cb', /wildcard/],
  ['https://app.example.com/*', /wildcard/],
  ['javascript:alert(1)', /scheme "javascript"/],
  ['JavaScript:alert(document.cookie)//', /scheme "javascript"/],
  ['data:text/html,<script>alert(1)</script>', /scheme "data"/],
  ['com.example.app:/callback', /scheme "com.example.app"/],
  ['/relative/cb', /absolute/],
  ['https://user:pass@app.example.com/cb', /user information/],
  ['HTTPS://App.Example.com/cb', /canonical form: register it as https:\/\/app\.example\.com\/cb/],
  ['https://app.example.com', /canonical form/],
  ['https://app.example.com/a/../cb', /canonical form/],
  ['https://app.example.com/c b', /whitespace/],
  ['https://app.example.com/cb\r\nX: y', /control/],
  [`https://app.example.com/${'a'.repeat(2000)}`, /longer than/],
])('refuses %s', (uri, why) => {
  expect(redirectUriProblem(uri)).toMatch(why);
});

test('exact match, port included; localhost is not 127.0.0.1', () => {
  const confidential = { redirectUris: ['https://app.example.com/cb', 'http://127.0.0.1:8080/cb'] };
  expect(redirectUriMatches('https://app.example.com/cb', confidential)).toBe(true);
  expect(redirectUriMatches('http://127.0.0.1:8080/cb', confidential)).toBe(true);
  for (const other of [
    'https://app.example.com/cb/',
    'https://app.example.com/cb?x=1',
    'https://APP.example.com/cb',
    'https://app.example.com:443/cb',
    'https://app.example.com/CB',
    'https://app.example.com/cb#x',
    'http://127.0.0.1:8081/cb', // a confidential client's loopback URI must match exactly
    'http://localhost:8080/cb',
    'http://[::1]:8080/cb',
  ]) {
    expect({ other, matches: redirectUriMatches(other, confidential) }).toEqual({ other, matches: false });
  }
});

test('a public client (native app) may use any port on a registered loopback URI, nothing else (RFC 8252 §7.3)', () => {
  const native = { public: true, redirectUris: ['http://127.0.0.1:8080/cb', 'http://[::1]/cb', 'https://app.example.com/cb'] };
  expect(redirectUriMatches('http://127.0.0.1:51234/cb', native)).toBe(true);
  expect(redirectUriMatches('http://127.0.0.1/cb', native)).toBe(true);
  expect(redirectUriMatches('http://[::1]:50000/cb', native)).toBe(true);
  for (const other of [
    'http://127.0.0.1:51234/other',
    'http://127.0.0.1:51234/cb?x=1',
    'http://localhost:51234/cb',
    'http://[::1]:50000/other',
    'http://127.0.0.1:51234/cb#f',
    'http://user@127.0.0.1:51234/cb',
    'http://127.0.0.1:051234/cb',
    'https://app.example.com:8443/cb', // the port is free only on loopback
    'http://127.0.0.1:51234/./cb',
  ]) {
    expect({ other, matches: redirectUriMatches(other, native) }).toEqual({ other, matches: false });
  }
});
