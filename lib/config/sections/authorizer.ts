/** The authorizer's own settings: its verified-token cache and the API Gateway result cache its policies are built for. */
import { DEFAULTS } from '../defaults';
import { num, type Env } from '../env-values';
import type { Config } from '../types';

export const authorizerSection = (env: Env) =>
  ({
    verifiedTokenCacheEntries: num(env, 'PORTCULLIS_VERIFIED_TOKEN_CACHE_ENTRIES', DEFAULTS.verifiedTokenCacheEntries),
    authorizerCacheSeconds: num(env, 'PORTCULLIS_AUTHORIZER_CACHE_SECONDS', DEFAULTS.authorizerCacheSeconds),
  }) satisfies Partial<Config>;
