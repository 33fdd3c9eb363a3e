/** Form + client authentication, shared by the token, revocation and introspection endpoints. */
import type { Clock } from '../core/clock';
import type { ClientAuthServices, ClientCredentials } from './method';
import { authMethod, readClientCredentials } from './registry';
import type { CachedClientLookup } from '../clients/client-cache';
import { COUNTED_FAILURES, type ClientLockout } from '../lockout/lockout';
import { OAuthError } from '../core/errors';
import { readFormRequest, type FormParams } from '../http/form';
import type { HttpRequest } from '../http/request';
import { guardDependency } from '../core/dependency-guard';
import { requestAuditFields } from '../http/audit-fields';
import type { ClientRecord } from '../models/client';

export interface AuthenticatedRequest {
  params: FormParams;
  creds: ClientCredentials;
  client: ClientRecord;
  /**
   * Epoch ms at which the client's record was looked up: the record was in force then (a cached record is at most
   * one client-cache lifetime old), so this is the time basis of what the request issues (a token's `iat`).
   * Taken before any slow step, so a disable whose not-before covers the cache lifetime covers the token too.
   */
  authenticatedAt: number;
}

/**
 * Parses the form and authenticates the client. `progress` is filled as far as it got,
 * so a failure can still be audited with what was known.
 */
export async function authenticateClient(
  req: HttpRequest,
  deps: { clients: CachedClientLookup; maxBodyBytes: number; clock: Clock; lockout?: ClientLockout; services?: ClientAuthServices },
  progress: { params?: FormParams; creds?: ClientCredentials } = {},
  beforeAuth?: (params: FormParams) => void,
): Promise<AuthenticatedRequest> {
  const params = (progress.params = readFormRequest(req, deps.maxBodyBytes));
  beforeAuth?.(params);
  const creds = (progress.creds = readClientCredentials(req, params));
  const { lockout } = deps;
  // Brute force (lib/lockout/lockout.ts): a locked id is refused before its secret is looked at.
  const gate = lockout?.gate(creds.clientId);
  const authenticatedAt = deps.clock.now();
  const stored = await guardDependency(gate ? withGate(deps.clients.get(creds.clientId), gate) : deps.clients.get(creds.clientId));
  let client: ClientRecord;
  try {
    client = await authMethod(creds.method).verify(stored, creds, deps.clock, deps.services);
  } catch (err) {
    if (lockout && err instanceof OAuthError && COUNTED_FAILURES.has(err.reason)) {
      await guardDependency(lockout.failed(creds.clientId, { reason: err.reason, context: requestAuditFields(req) }));
    }
    throw err;
  }
  const reset = lockout?.succeeded(creds.clientId);
  if (reset) await reset;
  return { params, creds, client, authenticatedAt };
}

/** Both settle before the request goes on (nothing left running into the next invocation); the lockout's answer first. */
async function withGate<T>(lookup: Promise<T>, gate: Promise<void>): Promise<T> {
  const [found, gated] = await Promise.allSettled([lookup, gate]);
  if (gated.status === 'rejected') throw gated.reason;
  if (found.status === 'rejected') throw found.reason;
  return found.value;
}
