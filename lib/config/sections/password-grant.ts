/**
 * The password grant (RFC 6749 §4.3), off by default: custom.portcullis.passwordGrant.enabled, carried as
 * PORTCULLIS_PASSWORD_GRANT_ENABLED. RFC 9700 §2.4 says it must not be used; a deployment that still needs it for
 * a legacy client turns it on here, and each client that may use it also needs the `password` grant type
 * (lib/grants/password.ts). `doctor` warns while it is on.
 */
import { DEFAULTS } from '../defaults';
import { ConfigError, type Env } from '../env-values';
import type { Config } from '../types';

export function passwordGrantSection(env: Env) {
  const raw = env.PORTCULLIS_PASSWORD_GRANT_ENABLED;
  let enabled: boolean = DEFAULTS.passwordGrantEnabled;
  if (raw !== undefined && raw !== '') {
    if (raw !== 'true' && raw !== 'false') throw new ConfigError(`PORTCULLIS_PASSWORD_GRANT_ENABLED (passwordGrant.enabled) must be true or false, got "${raw}"`);
    enabled = raw === 'true';
  }
  return { passwordGrant: { enabled } } satisfies Partial<Config>;
}
