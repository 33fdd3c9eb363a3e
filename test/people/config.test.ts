/** The people settings through the real loader: roles, session timeouts, the code lifetime, branding, OIDC scopes. */
import { testConfig } from '../../testkit/config';

const env = (e: Record<string, string>) => () => testConfig({ env: e });

test('defaults: no roles, 1 h idle / 12 h absolute sessions, 60 s codes, the default branding; the OIDC scopes are in the catalogue', () => {
  const c = testConfig();
  expect(c.roles).toEqual({});
  expect(c.sessions).toEqual({ idleTimeoutSeconds: 3600, absoluteTimeoutSeconds: 43_200 });
  expect(c.authorizationCodeLifetimeSeconds).toBe(60);
  expect(c.branding).toEqual({ productName: 'portcullis', primaryColor: '#2f5bd3', backgroundColor: '#f4f6fa' });
  expect(Object.keys(c.scopes)).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'offline_access', 'read:data']));
});

test('roles name declared scopes (or OIDC ones); anything else is a configuration error', () => {
  const c = testConfig({ env: { PORTCULLIS_ROLES: JSON.stringify({ reader: ['read:data'], writer: 'read:data write:data', signin: ['openid'] }) } });
  expect(c.roles).toEqual({ reader: ['read:data'], writer: ['read:data', 'write:data'], signin: ['openid'] });
  expect(env({ PORTCULLIS_ROLES: JSON.stringify({ auditor: ['audit:read'] }) })).toThrow('role "auditor" names scope "audit:read", which is not declared');
  expect(env({ PORTCULLIS_ROLES: JSON.stringify({ 'bad role': ['read:data'] }) })).toThrow(/role name/);
  expect(env({ PORTCULLIS_ROLES: JSON.stringify({ r: 5 }) })).toThrow(/must list scopes/);
  expect(env({ PORTCULLIS_ROLES: '[]' })).toThrow(/roles must be an object/);
});

test('branding: text and hex colours only, so nothing can break out of the page or its stylesheet', () => {
  const c = testConfig({ env: { PORTCULLIS_BRANDING: JSON.stringify({ productName: 'Acme <ID>', primaryColor: '#A1B2C3' }) } });
  expect(c.branding).toEqual({ productName: 'Acme <ID>', primaryColor: '#a1b2c3', backgroundColor: '#f4f6fa' });
  expect(env({ PORTCULLIS_BRANDING: JSON.stringify({ primaryColor: 'red;}body{display:none' }) })).toThrow(/hex colour/);
  expect(env({ PORTCULLIS_BRANDING: JSON.stringify({ backgroundColor: 'url(x)' }) })).toThrow(/hex colour/);
  expect(env({ PORTCULLIS_BRANDING: JSON.stringify({ productName: 'x'.repeat(81) }) })).toThrow(/at most 80/);
});

test('session and code timings are checked', () => {
  expect(env({ PORTCULLIS_SESSION_IDLE_TIMEOUT_SECONDS: '7200', PORTCULLIS_SESSION_ABSOLUTE_TIMEOUT_SECONDS: '3600' })).toThrow(/idleTimeoutSeconds must not exceed/);
  expect(env({ PORTCULLIS_SESSION_IDLE_TIMEOUT_SECONDS: '0' })).toThrow(/at least 1/);
  expect(env({ PORTCULLIS_AUTHORIZATION_CODE_LIFETIME_SECONDS: '601' })).toThrow(/at most 600/);
  expect(testConfig({ env: { PORTCULLIS_AUTHORIZATION_CODE_LIFETIME_SECONDS: '30' } }).authorizationCodeLifetimeSeconds).toBe(30);
});
