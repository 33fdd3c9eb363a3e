/**
 * The audit scrubber against the people flow's real secrets: a session cookie, its secret, an authorization code,
 * a PKCE verifier and a CSRF token, put in every free-text field of an event, never come out. (Passwords have no
 * shape to recognise: the endpoints never put one in an event, which test/people/sign-in-guards.test.ts and the
 * browser suite check with real passwords.)
 */
import { randomBytes } from 'node:crypto';
import { scrubEvent, serializeScrubbed } from '../../lib/audit/scrub';
import type { AuditEvent } from '../../lib/audit/types';
import { newCsrfToken, newSessionId, newSessionSecret, sessionCookieValue } from '../../lib/sessions/session-cookie';
import { newUserSub } from '../../lib/users/user-admin';

const secret = newSessionSecret();
const cookie = sessionCookieValue({ sub: newUserSub(), sid: newSessionId(), secret });
const code = randomBytes(32).toString('base64url');
const verifier = randomBytes(32).toString('base64url');
const csrf = newCsrfToken();

test.each([
  ['the session cookie', cookie],
  ['the session cookie with its name', `portcullis-session=${cookie}`],
  ['a Cookie header', `Cookie: __Host-portcullis-session=${cookie}; __Host-portcullis-csrf=${csrf}`],
  ['the session secret', secret],
  ['an authorization code', code],
  ['a redirect with a code', `https://app.example.com/cb?code=${code}&state=x`],
  ['a PKCE verifier', verifier],
  ['a CSRF token', csrf],
])('%s in every string field is redacted', (_what, value) => {
  const event: AuditEvent = {
    event: 'login.failed',
    outcome: 'failure',
    reason: value,
    client_id: value,
    sub: value,
    jti: value,
    route: value,
    user_agent: value,
    request_id: value,
    actor: value,
    scopes_requested: [value],
    detail: { error: value, sid: value },
  };
  const out = JSON.stringify(scrubEvent(event)) + serializeScrubbed(event, '2026-06-01T00:00:00.000Z', '}');
  for (const part of [value, secret, code, verifier, csrf]) if (value.includes(part)) expect(out).not.toContain(part);
  expect(out).toContain('[redacted]');
});
