/**
 * The only module that reads process.env. Values come from serverless.yml (provider.environment, filled by
 * infra/serverless-plugin-portcullis.js) or, for the local stack and tests, from infra/local. Each feature reads
 * its own section (sections/); defaults, with units in their names, are in defaults.ts.
 */
import { auditSection } from './sections/audit';
import { authorizerSection } from './sections/authorizer';
import { bruteForceSection } from './sections/brute-force';
import { coreSection } from './sections/core';
import { keysSection } from './sections/keys';
import { passwordGrantSection } from './sections/password-grant';
import { peopleSection } from './sections/people';
import { refreshSection } from './sections/refresh';
import { revocationSection } from './sections/revocation';
import { resourcesSection } from './sections/resources';
import { tokensSection } from './sections/tokens';
import type { Env } from './env-values';
import type { Config } from './types';


export function loadConfig(env: Env = process.env): Config {
  const core = coreSection(env);
  const tokens = tokensSection(env);
  return {
    ...core,
    ...tokens,
    ...resourcesSection(env, { audience: core.audience, scopes: tokens.scopes }),
    ...keysSection(env, core.issuer),
    ...revocationSection(env),
    ...authorizerSection(env),
    ...bruteForceSection(env),
    ...auditSection(env, core),
    ...peopleSection(env, tokens.scopes),
    ...passwordGrantSection(env),
    ...refreshSection(env),
  };
}

let cached: Config | undefined;
/** Config of this Lambda container, read once. */
export function getConfig(): Config {
  return (cached ??= loadConfig());
}
