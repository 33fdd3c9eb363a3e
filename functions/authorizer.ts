/**
 * API Gateway Lambda authorizer (issue 3). Entry points, one decision core (lib/authorizer/decide.ts):
 *   token          REST API, type TOKEN   (identity source: method.request.header.Authorization)
 *   request        REST API, type REQUEST (knows the matched resource template: preferred)
 *   httpApi        HTTP API, payload 2.0, IAM policy responses (cache-safe)
 *   httpApiSimple  HTTP API, payload 2.0, enableSimpleResponses: true (not route-aware under caching)
 * Dependencies are built once per container, at cold start; the JWKS fetch starts then.
 */
import { createAuditSink } from '../lib/audit/create-audit-sink';
import { getConfig } from '../lib/config/load-config';
import { getLogger } from '../lib/observability/logger';
import { withMetrics } from '../lib/observability/audit-metrics';
import { getMetrics } from '../lib/observability/metrics';
import { Authorizer } from '../lib/authorizer/decide';
import { createAuthorizerHandlers } from '../lib/authorizer/handlers';
import { createRevocationChecker } from '../lib/revocation/create-revocation-checker';

let audit: ReturnType<typeof createAuditSink> | undefined;
let authorizer: Authorizer | undefined;

function build(): Authorizer {
  const config = getConfig();
  // Allow/deny counts and latency become EMF metrics, written at most once a second (maybeFlush).
  audit ??= withMetrics(createAuditSink(config, { journal: false }), getMetrics(config));
  const logger = getLogger(config);
  const log = (message: string, detail?: Record<string, unknown>) => logger.error(message, detail ?? {});
  const revocation = createRevocationChecker(config, {
    onError: (err) => log('revocation refresh failed (failing closed)', { error: String((err as Error)?.name ?? err) }),
    // Applied by the periodic full re-read, but later than the bound: the LateRevocationRecords alarm.
    onLateRecord: (r) => {
      getMetrics(config).lateRevocationRecord();
      logger.warn('late revocation record: the feed index delivered it later than the overlap; applied by the full re-read', {
        kind: r.kind,
        id: r.id,
        position: r.position,
        lag_ms: r.lagMs,
      });
    },
  });
  // The first revocation load overlaps the JWKS fetch instead of following it (ready() never rejects).
  void revocation.ready?.();
  return new Authorizer(config, { audit, revocation, log });
}

// Cold start: build during the init phase so the JWKS fetch overlaps it; a failure is retried per invocation (and denies).
try {
  authorizer = build();
} catch {
  authorizer = undefined;
}

const handlers = createAuthorizerHandlers({
  authorizer: () => (authorizer ??= build()),
  flush: () => audit?.maybeFlush?.() ?? Promise.resolve(),
});

export const token = handlers.token;
export const request = handlers.request;
export const httpApi = handlers.httpApi;
export const httpApiSimple = handlers.httpApiSimple;
