/**
 * Operational logs (JSON, Powertools Logger): errors, dependency failures, cold starts.
 * Audit events never go through here (lib/audit). A JSON replacer redacts any value under a
 * credential-like key and any string that looks like a token, secret or Authorization value.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { looksSecret, REDACTED } from '../core/secret-shapes';
import type { Config } from '../config/types';

const SECRET_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|password|passwd|secret|client_secret|token|access_token|refresh_token|id_token|assertion|client_assertion|private_?key)$/i;

/** JSON replacer for log items: never a token, secret or Authorization header. */
export function redactSecrets(key: string, value: unknown): unknown {
  if (key && SECRET_KEY.test(key) && value !== undefined && value !== null && value !== '') return REDACTED;
  if (typeof value === 'string' && looksSecret(value)) return REDACTED;
  return value;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | 'CRITICAL';

export function createLogger(config: Pick<Config, 'service' | 'stage'>, opts: { logLevel?: LogLevel } = {}): Logger {
  return new Logger({
    serviceName: config.service,
    persistentKeys: { stage: config.stage },
    jsonReplacerFn: redactSecrets,
    ...(opts.logLevel ? { logLevel: opts.logLevel } : {}),
  });
}

let shared: Logger | undefined;
/** The logger of this container; handlers call `getLogger(config).addContext(context)` per invocation (request id, cold start). */
export function getLogger(config: Pick<Config, 'service' | 'stage'>): Logger {
  return (shared ??= createLogger(config));
}
