/** functions/token.ts: POST /oauth2/token. */
import { handleTokenRequest } from '../endpoints/token';
import type { HttpRequest } from '../http/request';
import { lambdaContainer, type Container } from './container';

export const tokenEndpointDeps = (c: Container) => ({
  config: c.config,
  clients: c.clientLookup(),
  keyRing: c.keyRing(),
  audit: c.audit(),
  lockout: c.lockout(),
  clientAuth: c.clientAuth(),
  quota: c.tokenQuota(),
  grantServices: { codes: c.codeStore(), signInState: c.signInState(), revocations: c.revocationStore(), refreshFamilies: c.refreshFamilyStore() },
});

export const handleToken = (req: HttpRequest) => handleTokenRequest(req, tokenEndpointDeps(lambdaContainer()));
