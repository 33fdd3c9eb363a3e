/** The grant types of the token endpoint. A new grant is a new file plus one line here; metadata follows. */
import type { Config } from '../config/types';
import { authorizationCodeGrant } from './authorization-code';
import { clientCredentialsGrant } from './client-credentials';
import { refreshTokenGrant } from './refresh-token';
import type { Grant } from './grant';
import { passwordGrant } from './password';

export const GRANTS: readonly Grant[] = [clientCredentialsGrant, authorizationCodeGrant, refreshTokenGrant, passwordGrant];

const offered = (g: Grant, config: Config) => g.enabled?.(config) ?? true;

/** The grant for a `grant_type` value, when this deployment offers it. */
export function findGrant(grantType: string, config: Config): Grant | undefined {
  return GRANTS.find((g) => g.grantType === grantType && offered(g, config));
}

/** The grant for a `grant_type` value, offered or not (for auditing a request that names it). */
export const grantNamed = (grantType: string | undefined): Grant | undefined => GRANTS.find((g) => g.grantType === grantType);

/** RFC 8414 `grant_types_supported`. */
export const supportedGrantTypes = (config: Config): string[] => GRANTS.filter((g) => offered(g, config)).map((g) => g.grantType);
