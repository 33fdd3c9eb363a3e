/** functions/revoke.ts and functions/introspect.ts: an authenticated client presents a token. */
import { handleIntrospectionRequest } from '../endpoints/introspect';
import type { PresentedTokenDeps } from '../endpoints/presented-token';
import { handleRevocationRequest } from '../endpoints/revoke';
import type { HttpRequest } from '../http/request';
import { lambdaContainer, type Container } from './container';

export const presentedTokenDeps = (c: Container): PresentedTokenDeps => ({
  config: c.config,
  clients: c.clientLookup(),
  keyRing: c.keyRing(),
  revocations: c.revocationStore(),
  refreshFamilies: c.refreshFamilyStore(),
  audit: c.audit(),
  lockout: c.lockout(),
  clientAuth: c.clientAuth(),
});

export const handleRevoke = (req: HttpRequest) => {
  const c = lambdaContainer();
  return handleRevocationRequest(req, { ...presentedTokenDeps(c), revokeRateLimit: c.revokeRateLimit() });
};
export const handleIntrospect = (req: HttpRequest) => handleIntrospectionRequest(req, presentedTokenDeps(lambdaContainer()));
