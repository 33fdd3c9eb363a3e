/** Where this function runs: stage, service, region, issuer, audience, the table, and the limits every endpoint shares. */
import { DEFAULTS } from '../defaults';
import { assertSecureUrl, num, type Env } from '../env-values';
import type { Config } from '../types';

export function coreSection(env: Env) {
  const stage = env.PORTCULLIS_STAGE || DEFAULTS.stage;
  const service = env.PORTCULLIS_SERVICE || DEFAULTS.service;
  const issuer = (env.PORTCULLIS_ISSUER || DEFAULTS.issuer).replace(/\/+$/, '');
  assertSecureUrl('PORTCULLIS_ISSUER', issuer);
  return {
    stage,
    service,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULTS.region,
    issuer,
    audience: env.PORTCULLIS_AUDIENCE || DEFAULTS.audience,
    tableName: env.PORTCULLIS_TABLE || `${service}-${stage}`,
    dynamoEndpoint: env.PORTCULLIS_DYNAMODB_ENDPOINT || undefined,
    maxBodyBytes: num(env, 'PORTCULLIS_MAX_BODY_BYTES', DEFAULTS.maxBodyBytes),
    storeTimeoutMs: num(env, 'PORTCULLIS_STORE_TIMEOUT_MS', DEFAULTS.storeTimeoutMs),
    functionName: env.AWS_LAMBDA_FUNCTION_NAME || undefined,
  } satisfies Partial<Config>;
}
