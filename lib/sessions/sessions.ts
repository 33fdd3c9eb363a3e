/**
 * SSO sessions: started at every successful sign-in (a new sid and secret each time, so a session id planted
 * before the sign-in is worthless), checked on every use against the cookie, the user and both timeouts, and kept
 * alive by pushing the idle deadline forward at most once per touch interval (so most requests write nothing).
 * A session is over when: its TTL passed (idle or absolute), the user is gone or disabled, or it started at or
 * before the user's `sessionsNotBefore` (disable, password reset).
 */
import type { Config } from '../config/types';
import { DEFAULTS } from '../config/defaults';
import type { SessionRecord } from '../models/session';
import type { UserRecord } from '../models/user';
import { retention } from '../stores/keyspace';
import type { SessionStore, SignInState } from '../stores/ports';
import { hashSessionSecret, newSessionId, newSessionSecret, secretMatches, sessionCookieValue, type SessionCookie } from './session-cookie';

export interface LiveSession {
  session: SessionRecord;
  user: UserRecord;
}

/** The session the cookie names, with its user, when both are live and consistent; otherwise undefined. */
export function liveSession(state: SignInState, cookie: SessionCookie, nowSeconds: number): LiveSession | undefined {
  const { session, user } = state;
  if (!session || !user) return undefined;
  if (session.sub !== cookie.sub || user.sub !== cookie.sub || session.sid !== cookie.sid) return undefined;
  if (!secretMatches(cookie.secret, session.secretHash)) return undefined;
  if (session.expiresAt <= nowSeconds || session.absoluteExpiresAt <= nowSeconds) return undefined;
  if (user.status !== 'active') return undefined;
  if (user.sessionsNotBefore !== undefined && session.createdAt <= user.sessionsNotBefore) return undefined;
  return { session, user };
}

/**
 * Without the cookie (the token endpoint, from a code's record): the session is there, the user's, within both
 * timeouts, and not ended by the user's `sessionsNotBefore`.
 */
export function sessionStillLive(state: SignInState, sid: string, sub: string, nowSeconds: number): boolean {
  const { session, user } = state;
  if (!session || !user || session.sid !== sid || session.sub !== sub || user.sub !== sub) return false;
  if (session.expiresAt <= nowSeconds || session.absoluteExpiresAt <= nowSeconds) return false;
  return user.sessionsNotBefore === undefined || session.createdAt > user.sessionsNotBefore;
}

/** How often a live session's idle deadline is pushed forward: 1/12 of the idle timeout, at least a minute. */
export const touchIntervalSeconds = (config: Pick<Config, 'sessions'>) =>
  Math.max(DEFAULTS.sessionTouchMinIntervalSeconds, Math.floor(config.sessions.idleTimeoutSeconds / 12));

export class Sessions {
  constructor(
    private readonly store: SessionStore,
    private readonly config: Pick<Config, 'sessions'>,
  ) {}

  /** A new session for the user, authenticated now; the cookie value is returned once and never stored. */
  async start(user: UserRecord, nowSeconds: number, amr: string[] = ['pwd']): Promise<{ session: SessionRecord; cookie: string }> {
    const secret = newSessionSecret();
    const absoluteExpiresAt = nowSeconds + this.config.sessions.absoluteTimeoutSeconds;
    const session: SessionRecord = {
      sid: newSessionId(),
      sub: user.sub,
      secretHash: hashSessionSecret(secret),
      authTime: nowSeconds,
      amr,
      createdAt: nowSeconds,
      absoluteExpiresAt,
      expiresAt: retention.session(nowSeconds, this.config.sessions.idleTimeoutSeconds, absoluteExpiresAt),
    };
    await this.store.create(session);
    return { session, cookie: sessionCookieValue({ sub: user.sub, sid: session.sid, secret }) };
  }

  /** Pushes the idle deadline when the last push is older than the touch interval (one conditional write), else nothing. */
  async keepAlive(session: SessionRecord, nowSeconds: number): Promise<void> {
    const next = retention.session(nowSeconds, this.config.sessions.idleTimeoutSeconds, session.absoluteExpiresAt);
    if (next - session.expiresAt < touchIntervalSeconds(this.config)) return;
    await this.store.touch(session.sid, next);
  }
}
