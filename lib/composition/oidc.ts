/** functions/userinfo.ts and functions/logout.ts: the OpenID Connect endpoints that read a user or end a session. */
import { handleLogoutRequest, type LogoutDeps } from '../endpoints/logout';
import { handleUserinfoRequest, type UserinfoDeps } from '../endpoints/userinfo';
import type { HttpRequest } from '../http/request';
import { lambdaContainer, type Container } from './container';

export const userinfoDeps = (c: Container): UserinfoDeps => ({
  config: c.config,
  keyRing: c.keyRing(),
  revocations: c.revocationStore(),
  users: c.userStore(),
  audit: c.audit(),
  clock: c.clock,
});

export const logoutDeps = (c: Container): LogoutDeps => ({
  config: c.config,
  clients: c.clientLookup(),
  keyRing: c.keyRing(),
  signInState: c.signInState(),
  sessions: c.sessionStore(),
  revocations: c.revocationStore(),
  audit: c.audit(),
  clock: c.clock,
});

export const handleUserinfo = (req: HttpRequest) => handleUserinfoRequest(req, userinfoDeps(lambdaContainer()));
export const handleLogout = (req: HttpRequest) => handleLogoutRequest(req, logoutDeps(lambdaContainer()));
