/** functions/token.ts: POST /oauth2/token. */
import { handleTokenRequest } from '../endpoints/token';
import type { HttpRequest } from '../http/request';
import { lazySignIn } from '../users/lazy-sign-in';
import { lambdaContainer, type Container } from './container';

export const tokenEndpointDeps = (c: Container) => ({
  config: c.config,
  clients: c.clientLookup(),
  keyRing: c.keyRing(),
  audit: c.audit(),
  lockout: c.lockout(),
  clientAuth: c.clientAuth(),
  quota: c.tokenQuota(),
  // The password grant (off unless configured) loads Argon2 on its first request only (lib/grants/password.ts).
  grantServices: { codes: c.codeStore(), signInState: c.signInState(), revocations: c.revocationStore(), users: c.userStore(), userLockout: c.userLockout(), signIn: lazySignIn, refreshFamilies: c.refreshFamilyStore() },
});

export const handleToken = (req: HttpRequest) => handleTokenRequest(req, tokenEndpointDeps(lambdaContainer()));
