/** The users' lifecycle (what `admin users …` does), over the in-memory stores, with the real Argon2id hashing. */
import { verify } from '@node-rs/argon2';
import { AdminError } from '../../lib/clients/client-admin';
import { describeUser, UserAdmin } from '../../lib/users/user-admin';
import { testConfig } from '../../testkit/config';
import { FrozenClock } from '../../testkit/frozen-clock';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { MemoryConsentStore } from '../../testkit/memory/consent-store';
import { MemoryUserStore } from '../../testkit/memory/user-store';

const ROLES = { reader: ['read:data'], writer: ['read:data', 'write:data'] };
const PASSWORD = 'correct horse battery staple';

function world() {
  const clock = new FrozenClock(Date.UTC(2026, 5, 1, 12));
  const users = new MemoryUserStore();
  const consents = new MemoryConsentStore();
  const audit = new MemoryAuditSink();
  const revoked: Array<{ sub: string; by: string }> = [];
  const admin = new UserAdmin({
    config: testConfig({ env: { PORTCULLIS_ROLES: JSON.stringify(ROLES) } }),
    users,
    consents,
    audit,
    clock,
    actor: 'admin-cli:test',
    revokeSubject: async (sub, by) => {
      revoked.push({ sub, by });
      return { notBefore: Math.floor(clock.now() / 1000) };
    },
  });
  return { clock, users, consents, audit, admin, revoked };
}

test('create: a random stable sub, a normalized unique username, an Argon2id hash (m=19456, t=2, p=1), audited without the password', async () => {
  const w = world();
  const user = await w.admin.create({ username: 'Alice', password: PASSWORD, roles: ['reader', 'writer'], email: 'alice@example.com', name: 'Alice A.' });
  expect(user.sub).toMatch(/^usr_[A-Za-z0-9_-]{22}$/);
  expect(user.username).toBe('alice');
  expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect(await verify(user.passwordHash, PASSWORD)).toBe(true);
  expect(describeUser(user)).toEqual({
    sub: user.sub,
    username: 'alice',
    roles: ['reader', 'writer'],
    status: 'active',
    email: 'alice@example.com',
    email_verified: false,
    name: 'Alice A.',
    created_at: '2026-06-01T12:00:00.000Z',
    updated_at: '2026-06-01T12:00:00.000Z',
    password_changed_at: '2026-06-01T12:00:00.000Z',
    sessions_not_before: null,
  });
  expect(JSON.stringify(describeUser(user))).not.toContain('argon2');
  await expect(w.admin.create({ username: 'ALICE', password: PASSWORD, roles: [] })).rejects.toThrow(/username "alice" is taken/);
  expect(w.audit.events).toEqual([expect.objectContaining({ event: 'user.created', sub: user.sub, actor: 'admin-cli:test' })]);
  expect(JSON.stringify(w.audit.events)).not.toContain(PASSWORD);
  expect(JSON.stringify(w.audit.events)).not.toContain(user.passwordHash);
});

test.each([
  ['a space in the username', { username: 'a b' }, /a username is 1 to 128/],
  ['an empty username', { username: '' }, /a username is 1 to 128/],
  ['a 129-character username', { username: 'x'.repeat(129) }, /a username is 1 to 128/],
  ['an undeclared role', { roles: ['admin'] }, /undeclared role\(s\): admin; declared in serverless.yml: reader, writer/],
  ['a 5-character password', { password: 'short' }, /at least 8 characters/],
  ['a 1025-byte password', { password: 'p'.repeat(1025) }, /at most 1024 bytes/],
  ['an email that is none', { email: 'not-an-email' }, /--email/],
])('create refuses %s', async (_what, over, why) => {
  const w = world();
  await expect(w.admin.create({ username: 'bob', password: PASSWORD, roles: ['reader'], ...over })).rejects.toThrow(why);
  await expect(w.admin.create({ username: 'bob', password: PASSWORD, roles: ['reader'], ...over })).rejects.toBeInstanceOf(AdminError);
  expect(await w.users.list()).toEqual([]);
});

test('disable ends every session (sessionsNotBefore) and revokes the tokens by subject; enable does not revive old sessions', async () => {
  const w = world();
  const { sub } = await w.admin.create({ username: 'carol', password: PASSWORD, roles: ['reader'] });
  w.clock.advance(60_000);
  const disabled = await w.admin.setStatus('Carol', 'disabled');
  const now = Math.floor(w.clock.now() / 1000);
  expect(disabled).toMatchObject({ status: 'disabled', sessionsNotBefore: now });
  expect(w.revoked).toEqual([{ sub, by: 'admin-cli:test' }]);
  expect(w.audit.events.map((e) => e.event)).toEqual(['user.created', 'user.disabled', 'session.ended', 'revocation.subject']);
  expect(w.audit.events[2]).toMatchObject({ outcome: 'success', reason: 'user_disabled', sub, detail: { sessions: 'all', sessions_not_before: now } });
  w.clock.advance(60_000);
  const enabled = await w.admin.setStatus('carol', 'active');
  expect(enabled).toMatchObject({ status: 'active', sessionsNotBefore: now });
  expect(w.revoked).toHaveLength(1);
});

test('set-password re-hashes and ends sessions; set-roles checks the roles; unknown users are a clear error', async () => {
  const w = world();
  const before = await w.admin.create({ username: 'dave', password: PASSWORD, roles: ['reader'] });
  w.clock.advance(5_000);
  const after = await w.admin.setPassword('dave', 'another long password');
  expect(after.passwordHash).not.toBe(before.passwordHash);
  expect(await verify(after.passwordHash, 'another long password')).toBe(true);
  expect(after.sessionsNotBefore).toBe(Math.floor(w.clock.now() / 1000));
  expect((await w.admin.setRoles('dave', ['writer'])).roles).toEqual(['writer']);
  expect((await w.admin.setRoles('dave', [])).roles).toEqual([]);
  await expect(w.admin.setRoles('dave', ['root'])).rejects.toThrow(/undeclared role/);
  await expect(w.admin.get('nobody')).rejects.toThrow('no user named "nobody"');
  await expect(w.admin.setStatus('nobody', 'disabled')).rejects.toBeInstanceOf(AdminError);
});

test('delete revokes the tokens, forgets the consents and frees the username; revoke-consent forgets one client or all', async () => {
  const w = world();
  const erin = await w.admin.create({ username: 'erin', password: PASSWORD, roles: ['reader'] });
  await w.consents.grant(erin.sub, 'c1', ['read:data'], 1);
  await w.consents.grant(erin.sub, 'c2', ['read:data'], 1);
  await w.consents.grant(erin.sub, 'c3', ['read:data'], 1);
  expect((await w.admin.revokeConsent('erin', 'c1')).revoked).toBe(1);
  expect((await w.admin.revokeConsent('erin')).revoked).toBe(2);
  await w.consents.grant(erin.sub, 'c1', ['read:data'], 2);
  await w.admin.delete('erin');
  expect(w.revoked.map((r) => r.sub)).toEqual([erin.sub]);
  expect(await w.consents.list(erin.sub)).toEqual([]);
  expect(await w.users.findByUsername('erin')).toBeUndefined();
  const again = await w.admin.create({ username: 'erin', password: PASSWORD, roles: [] });
  expect(again.sub).not.toBe(erin.sub);
});
