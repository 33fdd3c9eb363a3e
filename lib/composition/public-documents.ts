/** functions/jwks.ts and functions/metadata.ts: the public documents (no client authentication). */
import { handleDiscoveryRequest } from '../endpoints/discovery';
import { handleJwksRequest } from '../endpoints/jwks';
import { lambdaContainer } from './container';

export const handleJwks = () => {
  const c = lambdaContainer();
  return handleJwksRequest({ config: c.config, keyRing: c.keyRing() });
};

export const handleDiscovery = () => handleDiscoveryRequest(lambdaContainer().config);
