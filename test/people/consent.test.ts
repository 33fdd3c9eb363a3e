/** Consent for third-party clients: the page, allow, deny, remembered per user/client/scopes, revoke-consent, prompt. */
import { CookieJar, formFields, peopleWorld, pkce } from '../../testkit/people-world';

async function world() {
  const w = await peopleWorld();
  const partner = await w.clientAdmin.create({ name: 'Partner <b>Corp</b>', scopes: ['openid', 'read:data', 'write:data'], redirectUris: ['https://partner.example/cb'], thirdParty: true });
  await w.userAdmin.setRoles('alice', ['writer']);
  const q = (over: Record<string, string | undefined> = {}) => w.query({ client_id: partner.client.clientId, redirect_uri: 'https://partner.example/cb', scope: 'read:data', ...over }, pkce().challenge);
  return { w, partner, q };
}

test('a third-party client gets the consent page after sign-in: the scopes with their descriptions, allow and deny buttons, a CSRF token', async () => {
  const { w, q } = await world();
  const jar = new CookieJar();
  const { res } = await w.signIn(jar, q({ scope: 'openid read:data write:data' }));
  expect(res.statusCode).toBe(200);
  expect(res.body).toContain('<h1>Allow access?</h1>');
  expect(res.body).toContain('<strong>Partner &lt;b&gt;Corp&lt;/b&gt;</strong> is asking to:');
  expect(res.body).toContain('<li>Read demo data<span class="name">read:data</span></li>');
  expect(res.body).toContain('<li>Write demo data<span class="name">write:data</span></li>');
  expect(res.body).toContain('<li>Sign you in with your account<span class="name">openid</span></li>');
  expect(res.body).toContain('<form method="post" action="/oauth2/consent">');
  expect(res.body).toContain('<button type="submit" name="decision" value="allow">Allow</button>');
  expect(res.body).toContain('<button type="submit" name="decision" value="deny" class="secondary">Deny</button>');
  expect(res.headers['Content-Security-Policy']).toContain("form-action 'self' https://partner.example;");
  expect(formFields(res.body).csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(res.cookies).toContainEqual(expect.stringMatching(/^__Host-portcullis-session=/)); // the session started anyway
});

test('allow → a code, and the consent is remembered (no page next time, also for fewer scopes); more scopes ask again', async () => {
  const { w, q, partner } = await world();
  const jar = new CookieJar();
  const { res } = await w.signIn(jar, q());
  const allowed = await w.consent(new URLSearchParams({ ...formFields(res.body), decision: 'allow' }).toString(), jar);
  expect(allowed.statusCode).toBe(303);
  expect(Object.fromEntries(w.redirectParams(allowed))).toEqual({ code: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), state: 'st-1', iss: 'https://auth.example.test' });
  expect(await w.consents.get(w.alice.sub, partner.client.clientId)).toMatchObject({ scopes: ['read:data'] });
  expect(w.audit.events.filter((e) => e.event.startsWith('consent')).map((e) => [e.event, e.scopes_granted])).toEqual([['consent.granted', ['read:data']]]);

  expect((await w.authorize(q(), jar)).statusCode).toBe(302);
  const more = await w.authorize(q({ scope: 'read:data write:data' }), jar);
  expect(more.statusCode).toBe(200);
  expect(more.body).toContain('Allow access?');
  const forced = await w.authorize(q({ prompt: 'consent' }), jar);
  expect(forced.body).toContain('Allow access?');
  const silent = await w.authorize(q({ scope: 'read:data write:data', prompt: 'none' }), jar);
  expect(w.redirectParams(silent).get('error')).toBe('consent_required');

  await w.userAdmin.revokeConsent('alice', partner.client.clientId);
  expect((await w.authorize(q(), jar)).statusCode).toBe(200);
});

test('deny → access_denied at the client, with state and iss; nothing remembered', async () => {
  const { w, q, partner } = await world();
  const jar = new CookieJar();
  const { res } = await w.signIn(jar, q());
  const denied = await w.consent(new URLSearchParams({ ...formFields(res.body), decision: 'deny' }).toString(), jar);
  expect(denied.statusCode).toBe(303);
  expect(Object.fromEntries(w.redirectParams(denied))).toEqual({ error: 'access_denied', error_description: 'The user denied the request', state: 'st-1', iss: 'https://auth.example.test' });
  expect(await w.consents.get(w.alice.sub, partner.client.clientId)).toBeUndefined();
  expect(w.audit.events.at(-1)).toMatchObject({ event: 'consent.denied', reason: 'user_denied', sub: w.alice.sub });
});

test('a consent POST without the session, with a wrong CSRF token, or without a decision grants nothing', async () => {
  const { w, q, partner } = await world();
  const jar = new CookieJar();
  const { res } = await w.signIn(jar, q());
  const fields = formFields(res.body);
  const noSession = await w.consent(new URLSearchParams({ ...fields, decision: 'allow' }).toString(), new CookieJar());
  expect(noSession.statusCode).toBe(400);
  expect(noSession.body).toContain('name="password"');
  const forged = await w.consent(new URLSearchParams({ ...fields, csrf: 'A'.repeat(43), decision: 'allow' }).toString(), jar);
  expect(forged.statusCode).toBe(400);
  expect(forged.body).toContain('Allow access?');
  const undecided = await w.consent(new URLSearchParams({ ...fields, decision: 'maybe' }).toString(), jar);
  expect(undecided.statusCode).toBe(400);
  expect(await w.consents.get(w.alice.sub, partner.client.clientId)).toBeUndefined();
});

test('first-party clients never show a consent page', async () => {
  const { w } = await world();
  const { res } = await w.signIn(new CookieJar(), w.query({ scope: 'openid read:data write:data' }));
  expect(res.statusCode).toBe(303);
});
