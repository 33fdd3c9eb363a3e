/** The sign-in form's guards: CSRF, lockout with back-off, over-long passwords, session timeouts, nothing secret in the audit trail. */
import { scrubEvent } from '../../lib/audit/scrub';
import { CookieJar, formFields, peopleWorld, PASSWORD } from '../../testkit/people-world';

test('a login POST without the CSRF cookie (a forged cross-site form) signs nobody in: the form again with a new token', async () => {
  const w = await peopleWorld();
  const jar = new CookieJar();
  const page = await w.authorize(w.query(), jar);
  const fields = formFields(page.body);
  const res = await w.login(new URLSearchParams({ ...fields, username: 'alice', password: PASSWORD }).toString(), new CookieJar());
  expect(res.statusCode).toBe(400);
  expect(res.body).toContain('This sign-in form has expired. Please try again.');
  expect(res.cookies).toEqual([expect.stringMatching(/^__Host-portcullis-csrf=/)]);
  expect(w.audit.events.at(-1)).toMatchObject({ event: 'login.failed', reason: 'csrf' });
  expect(w.audit.events.some((e) => e.event === 'login.succeeded')).toBe(false);
});

test('repeated failures lock the username out with exponential back-off (known and unknown alike); the lock holds even for the right password', async () => {
  const w = await peopleWorld();
  const jar = new CookieJar();
  const fail = async (username: string, password = 'wrong password') => (await w.signIn(jar, w.query(), username, password)).res;
  for (let i = 0; i < 5; i++) expect((await fail('alice')).statusCode).toBe(400);
  const locked = await fail('alice');
  expect(locked.statusCode).toBe(429);
  expect(locked.headers['Retry-After']).toBe('1');
  expect(locked.body).toContain('Too many failed sign-ins. Try again in 1 second.');
  expect((await fail('alice', PASSWORD)).statusCode).toBe(429);
  w.clock.advance(1000);
  expect((await fail('alice')).headers['Retry-After']).toBe('2');
  w.clock.advance(2000);
  expect((await fail('alice')).headers['Retry-After']).toBe('4');
  for (let i = 0; i < 6; i++) await fail('nobody-here');
  expect((await fail('nobody-here')).statusCode).toBe(429);
  const lockedEvents = w.audit.events.filter((e) => e.event === 'user.locked');
  expect(lockedEvents[0]).toMatchObject({ outcome: 'failure', reason: 'too_many_failures', sub: w.alice.sub, detail: { failures: 6, lockout_seconds: 1 } });
  w.clock.advance(4000);
  expect((await fail('alice', PASSWORD)).statusCode).toBe(303); // the lock ended: the right password works and resets the count
  expect((await fail('alice')).statusCode).toBe(400);
});

test('a password over 1 KB is refused before hashing, like a wrong one', async () => {
  const w = await peopleWorld();
  const started = Date.now();
  const { res } = await w.signIn(new CookieJar(), w.query(), 'alice', 'p'.repeat(1025));
  expect(Date.now() - started).toBeLessThan(1000);
  expect(res.statusCode).toBe(400);
  expect(res.body).toContain('The username or password is incorrect.');
  expect(w.audit.events.at(-1)).toMatchObject({ event: 'login.failed', reason: 'password_too_long' });
});

test('sessions end after the idle timeout, are kept alive by use, and end at the absolute timeout whatever happens', async () => {
  const w = await peopleWorld({ env: { PORTCULLIS_SESSION_IDLE_TIMEOUT_SECONDS: '600', PORTCULLIS_SESSION_ABSOLUTE_TIMEOUT_SECONDS: '1500' } });
  const jar = new CookieJar();
  await w.signIn(jar, w.query());
  const silent = async () => (await w.authorize(w.query({ prompt: 'none' }), jar)).headers.Location;
  for (let i = 0; i < 5; i++) {
    w.clock.advance(290_000);
    expect(await silent()).toContain('code=');
  }
  w.clock.advance(60_000); // 1510 s after the sign-in
  expect(await silent()).toContain('error=login_required');
  const other = new CookieJar();
  await w.signIn(other, w.query());
  w.clock.advance(601_000);
  expect((await w.authorize(w.query({ prompt: 'none' }), other)).headers.Location).toContain('error=login_required');
  const stale = await w.authorize(w.query(), other);
  expect(stale.cookies).toContainEqual('__Host-portcullis-session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax');
});

test('a forged or tampered session cookie is no session', async () => {
  const w = await peopleWorld();
  const jar = new CookieJar();
  await w.signIn(jar, w.query());
  const real = jar.cookies.get('__Host-portcullis-session')!;
  const [sub, sid, secret] = real.split('.');
  const other = (await w.userAdmin.create({ username: 'bob', password: PASSWORD, roles: ['reader'] })).sub;
  for (const forged of [`${sub}.${sid}.${'A'.repeat(43)}`, `${other}.${sid}.${secret}`, `${sub}.${'B'.repeat(22)}.${secret}`, 'garbage', `${real}.x`]) {
    const j = new CookieJar();
    j.cookies.set('__Host-portcullis-session', forged);
    const res = await w.authorize(w.query({ prompt: 'none' }), j);
    expect({ forged, location: res.headers.Location }).toEqual({ forged, location: expect.stringContaining('error=login_required') });
  }
});

test('no password, code or cookie value reaches the audit trail', async () => {
  const w = await peopleWorld();
  const jar = new CookieJar();
  const { res } = await w.signIn(jar, w.query());
  await w.signIn(new CookieJar(), w.query(), 'alice', 'wrong guess 123');
  const code = w.redirectParams(res).get('code')!;
  // What the endpoints emit, and what the scrubber would write of it.
  const trail = JSON.stringify(w.audit.events) + JSON.stringify(w.audit.events.map(scrubEvent));
  for (const secret of [PASSWORD, 'wrong guess 123', code, ...jar.cookies.values(), ...[...jar.cookies.values()].map((v) => v.split('.').at(-1)!)]) {
    expect(trail).not.toContain(secret);
  }
});
