/**
 * functions/authorizer.ts: one decision core (lib/authorizer/decide.ts) behind the four entry points.
 * Built once per container, at cold start, so the JWKS fetch and the first revocation load overlap the init
 * phase; a failed build is retried per invocation (and denies meanwhile).
 */
import { createAuditSink, type PortcullisAuditSink } from '../audit/create-audit-sink';
import { withMetrics } from '../audit/metrics-from-events';
import { Authorizer } from '../authorizer/decide';
import { createAuthorizerHandlers, type AuthorizerHandlers } from '../authorizer/handlers';
import { getConfig } from '../config/load-config';
import { getLogger } from '../observability/logger';
import { getMetrics } from '../observability/metrics';
import { createRevocationChecker } from './revocation';
import { createDocTable } from './table';

export function authorizerEntryPoints(): AuthorizerHandlers {
  let audit: PortcullisAuditSink | undefined;
  let authorizer: Authorizer | undefined;
  const build = (): Authorizer => {
    const config = getConfig();
    // Allow/deny counts and latency become EMF metrics, written at most once a second (maybeFlush).
    audit ??= withMetrics(createAuditSink(config), getMetrics(config));
    const logger = getLogger(config);
    const log = (message: string, detail?: Record<string, unknown>) => logger.error(message, detail ?? {});
    const revocation = createRevocationChecker(config, {
      table: createDocTable(config),
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
  };
  try {
    authorizer = build();
  } catch {
    authorizer = undefined;
  }
  return createAuthorizerHandlers({
    authorizer: () => (authorizer ??= build()),
    flush: () => audit?.maybeFlush?.() ?? Promise.resolve(),
  });
}
