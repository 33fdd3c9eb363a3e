/**
 * `doctor` and the password grant: a warning while custom.portcullis.passwordGrant.enabled is true (naming the
 * clients that can use it, with the way out), a note about clients registered for it while it is off, and ok
 * otherwise. (test/e2e/password-grant.test.ts runs `admin doctor` against a stack with the switch on.)
 */
import { passwordGrantChecks } from '../../infra/cli/troubleshoot/doctor/password-grant-checks';
import type { ClientRecord } from '../../lib/models/client';
import { testConfig } from '../../testkit/config';

const client = (clientId: string, over: Partial<ClientRecord> = {}): ClientRecord => ({
  clientId,
  name: clientId,
  allowedScopes: ['read:data'],
  defaultScopes: ['read:data'],
  grantTypes: ['client_credentials'],
  status: 'active',
  secrets: [],
  createdAt: 0,
  updatedAt: 0,
  ...over,
});
const on = testConfig({ env: { PORTCULLIS_PASSWORD_GRANT_ENABLED: 'true' } });
const off = testConfig();
const legacy = client('legacy', { grantTypes: ['password'] });
const retired = client('retired', { grantTypes: ['password'], status: 'disabled' });

test('on: a warning that says why and what to use instead, naming the active clients that can use it', () => {
  const [finding, ...rest] = passwordGrantChecks(on, [legacy, retired, client('batch')]);
  expect(rest).toEqual([]);
  expect(finding).toMatchObject({ id: 'password-grant.enabled', severity: 'warning' });
  expect(finding.message).toMatch(/RFC 9700 §2\.4/);
  expect(finding.message).toContain('legacy ("legacy")');
  expect(finding.message).not.toContain('retired');
  expect(finding.fix).toMatch(/authorization code flow with PKCE.*client_credentials.*passwordGrant\.enabled: false/);
});

test('on with no client for it yet, or clients unreadable: still a warning', () => {
  expect(passwordGrantChecks(on, []).map((f) => [f.id, f.severity])).toEqual([['password-grant.enabled', 'warning']]);
  expect(passwordGrantChecks(on, undefined)[0].message).toContain('the clients could not be read');
});

test('off: ok, or a note about the clients registered for it', () => {
  expect(passwordGrantChecks(off, [client('batch')])).toEqual([{ id: 'password-grant', severity: 'ok', message: 'the password grant is off' }]);
  const [note] = passwordGrantChecks(off, [legacy]);
  expect(note).toMatchObject({ id: 'password-grant.registered', severity: 'info' });
  expect(note.message).toMatch(/unsupported_grant_type/);
});
