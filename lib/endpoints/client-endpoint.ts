/**
 * The common shape of the token, revocation and introspection endpoints: read the form, authenticate
 * the client, do the work, audit the outcome (confirmed before the answer), and turn any error into
 * its RFC answer.
 */
import type { AuditEvent, AuditEventName, AuditSink } from '../audit/types';
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import type { ClientAuthServices, ClientCredentials } from '../client-auth/method';
import type { CachedClientLookup } from '../clients/client-cache';
import type { ClientLockout } from '../lockout/lockout';
import { authenticateClient, type AuthenticatedRequest } from '../client-auth/authenticate';
import type { Config } from '../config/types';
import { serializeError } from '../core/errors';
import type { FormParams } from '../http/form';
import type { HttpRequest } from '../http/request';
import { errorResponse, type HttpResponse } from '../http/response';
import { requestAuditFields } from '../http/audit-fields';

export interface ClientEndpointDeps {
  config: Config;
  clients: CachedClientLookup;
  audit: AuditSink;
  clock?: Clock;
  /** Brute-force protection of client authentication; none when absent (unit tests). */
  lockout?: ClientLockout;
  /** What the client authentication methods need besides the record (private_key_jwt); absent: that method fails. */
  clientAuth?: ClientAuthServices;
}

export type AuditFields = Omit<AuditEvent, 'event' | 'outcome'> & { outcome?: AuditEvent['outcome'] };

/**
 * What an endpoint adds to every event of a request, success or failure, from its parameters (absent when the form
 * could not be read): a level, `scopes_requested` in place of the raw `scope` words, and `detail` entries (merged).
 */
export type RequestAudit = (params: FormParams | undefined) => Pick<AuditFields, 'level' | 'scopes_requested' | 'detail'> | undefined;

export async function runClientEndpoint(
  req: HttpRequest,
  deps: ClientEndpointDeps,
  events: { success: AuditEventName; failure: AuditEventName },
  work: (auth: AuthenticatedRequest, clock: Clock) => Promise<{ response: HttpResponse; audit: AuditFields }>,
  beforeAuth?: (params: FormParams) => void,
  requestAudit?: RequestAudit,
): Promise<HttpResponse> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const progress: { params?: FormParams; creds?: ClientCredentials } = {};
  const emit = (fields: AuditFields) => {
    const extra = requestAudit?.(progress.params);
    deps.audit.emit({
      event: fields.outcome === 'failure' ? events.failure : events.success,
      outcome: 'success',
      client_id: progress.creds?.clientId?.slice(0, 128),
      ...fields,
      ...(extra?.level ? { level: extra.level } : {}),
      ...(extra?.scopes_requested ? { scopes_requested: extra.scopes_requested } : {}),
      ...(extra?.detail ? { detail: { ...fields.detail, ...extra.detail } } : {}),
      latency_ms: clock.now() - started,
      ...requestAuditFields(req),
    });
  };
  let response: HttpResponse;
  try {
    const auth = await authenticateClient(req, { clients: deps.clients, maxBodyBytes: deps.config.maxBodyBytes, clock, lockout: deps.lockout, services: deps.clientAuth }, progress, beforeAuth);
    const result = await work(auth, clock);
    emit(result.audit);
    response = result.response;
  } catch (err) {
    const s = serializeError(err);
    emit({
      outcome: 'failure',
      reason: s.internal ? 'internal_error' : s.reason,
      scopes_requested: progress.params?.get('scope')?.split(' ').filter(Boolean).slice(0, 20),
      detail: { error: s.body.error },
    });
    response = errorResponse(err);
  }
  // Security events are confirmed (written, or fallen back to stdout) before the answer.
  await deps.audit.flush();
  return response;
}
