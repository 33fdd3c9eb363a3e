/** The audit trail: where events go and how they are confirmed. */
import { DEFAULTS } from '../defaults';
import { num, oneOf, type Env } from '../env-values';
import type { Config } from '../types';

export function auditSection(env: Env, where: { stage: string; service: string }) {
  return {
    audit: {
      sink: oneOf(env, 'PORTCULLIS_AUDIT_SINK', ['file', 'cloudwatch'], where.stage === 'local' ? 'file' : 'cloudwatch'),
      logGroup: env.PORTCULLIS_AUDIT_LOG_GROUP || `/${where.service}/${where.stage}/audit`,
      file: env.PORTCULLIS_AUDIT_FILE || undefined,
      endpoint: env.PORTCULLIS_AUDIT_CWL_ENDPOINT || undefined,
      batchSize: num(env, 'PORTCULLIS_AUDIT_BATCH_SIZE', DEFAULTS.auditBatchSize),
      maxBufferAgeMs: num(env, 'PORTCULLIS_AUDIT_MAX_BUFFER_AGE_MS', DEFAULTS.auditMaxBufferAgeMs),
      requestTimeoutMs: num(env, 'PORTCULLIS_AUDIT_REQUEST_TIMEOUT_MS', DEFAULTS.auditRequestTimeoutMs),
      confirm: oneOf(env, 'PORTCULLIS_AUDIT_CONFIRM', ['cloudwatch', 'journal'], 'cloudwatch'),
    },
  } satisfies Partial<Config>;
}
