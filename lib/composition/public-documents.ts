/** functions/jwks.ts, functions/metadata.ts and functions/openid-configuration.ts: the public documents (no client authentication). */
import { handleDiscoveryRequest, handleOpenidConfigurationRequest } from '../endpoints/discovery';
import { handleJwksRequest } from '../endpoints/jwks';
import { lambdaContainer } from './container';

export const handleJwks = () => {
  const c = lambdaContainer();
  return handleJwksRequest({ config: c.config, keyRing: c.keyRing() });
};

export const handleDiscovery = () => handleDiscoveryRequest(lambdaContainer().config);

export const handleOpenidConfiguration = () => handleOpenidConfigurationRequest(lambdaContainer().config);
