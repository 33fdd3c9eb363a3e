/**
 * The audit trail: where events go. Functions write them to stdout (Lambda delivers it to the audit log group);
 * the admin CLI on the local stack appends to the stack's audit file. The log group name is what the CLIs read
 * (`audit tail`, `audit report`, `doctor`). Settings of the former CloudWatch Logs sink (PORTCULLIS_AUDIT_CONFIRM,
 * _BATCH_SIZE, _MAX_BUFFER_AGE_MS, _REQUEST_TIMEOUT_MS) are ignored; `cloudwatch` as a sink means stdout.
 */
import { oneOf, type Env } from '../env-values';
import type { Config } from '../types';

export function auditSection(env: Env, where: { stage: string; service: string }) {
  const sink = oneOf(env, 'PORTCULLIS_AUDIT_SINK', ['stdout', 'file', 'cloudwatch'], 'stdout');
  return {
    audit: {
      sink: sink === 'file' ? ('file' as const) : ('stdout' as const),
      logGroup: env.PORTCULLIS_AUDIT_LOG_GROUP || `/${where.service}/${where.stage}/audit`,
      file: env.PORTCULLIS_AUDIT_FILE || undefined,
      endpoint: env.PORTCULLIS_AUDIT_CWL_ENDPOINT || undefined,
    },
  } satisfies Partial<Config>;
}
