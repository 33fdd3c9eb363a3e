/**
 * `doctor`: the live clients. Scopes declared; at least one usable scope; disabled clients whose tokens may
 * still be alive, and whether a revocation record covers them (RevocationStore.findForToken, the same
 * matching rule the authorizer applies).
 */
import type { Config } from '../../../../lib/config/types';
import { humanDuration, isoSeconds } from '../durations';
import { routesOpenedBy } from '../route-check';
import type { Finding } from '../types';
import { error, ok, warning } from './finding';
import type { ClientRecord } from '../../../../lib/models/client';
import type { RevocationStore } from '../../../../lib/stores/ports';

const has = (catalogue: Record<string, string>, s: string) => Object.prototype.hasOwnProperty.call(catalogue, s);

export interface ClientCheckDeps {
  config: Config;
  clients: ClientRecord[];
  revocations: RevocationStore;
  nowSeconds: number;
  /** Scope catalogue of serverless.yml when it differs from the running one (what the next deploy brings). */
  declaredScopes?: Record<string, string>;
}

export async function clientChecks(deps: ClientCheckDeps): Promise<Finding[]> {
  const { config, clients } = deps;
  const out: Finding[] = [];
  let problems = 0;
  for (const c of clients) {
    const label = `client ${c.clientId} ("${c.name}")`;
    const undeclared = [...new Set([...c.allowedScopes, ...c.defaultScopes])].filter((s) => !has(config.scopes, s));
    if (undeclared.length) {
      problems++;
      out.push(
        error(
          'clients.undeclared-scope',
          `${label} has scope(s) ${undeclared.join(', ')} that are not declared: token requests for them fail with invalid_scope${c.defaultScopes.some((s) => undeclared.includes(s)) ? ', and so does every request without a scope parameter' : ''}`,
          `declare them in custom.portcullis.scopes, or recreate the client with declared scopes (clients create --scopes "...")`,
        ),
      );
    }
    const usable = c.allowedScopes.filter((s) => has(config.scopes, s));
    if (c.status === 'active' && usable.length === 0) {
      problems++;
      out.push(error('clients.no-usable-scope', `${label} has no declared scope: it cannot get any token`, 'give it declared scopes (recreate it: clients create --scopes "...")'));
    } else if (c.status === 'active' && routesOpenedBy(config.routes, usable).length === 0) {
      problems++;
      out.push(
        warning(
          'clients.no-usable-scope',
          `${label} can get tokens, but its scopes (${usable.join(' ')}) open no route of the table`,
          'add routes that need these scopes, or give the client the scopes its routes need',
        ),
      );
    }
    if (deps.declaredScopes) {
      const leaving = c.allowedScopes.filter((s) => has(config.scopes, s) && !has(deps.declaredScopes!, s));
      if (leaving.length) {
        out.push(
          warning(
            'clients.scope-leaving',
            `${label} has scope(s) ${leaving.join(', ')} that serverless.yml no longer declares: after the next deploy/restart its requests for them fail`,
            'keep them declared, or move the client to other scopes first',
          ),
        );
      }
    }
    if (c.status === 'disabled') problems += await disabledClient(c, deps, label, out);
  }
  if (problems === 0) out.push(ok('clients', `${clients.length} client(s): scopes declared and usable; no disabled client with uncovered tokens`));
  return out;
}

/** A disabled client may hold tokens issued up to its last change, alive for up to the max token lifetime (+ skew). */
async function disabledClient(c: ClientRecord, deps: ClientCheckDeps, label: string, out: Finding[]): Promise<number> {
  const { config, nowSeconds } = deps;
  const lastIat = c.updatedAt;
  const aliveUntil = lastIat + config.maxTokenLifetimeSeconds + config.clockSkewSeconds;
  if (aliveUntil <= nowSeconds) return 0;
  const hit = await deps.revocations.findForToken({ jti: '-', client_id: c.clientId, sub: c.clientId, iat: lastIat, exp: aliveUntil });
  if (hit) {
    const r = hit.record;
    out.push(
      warning(
        'clients.disabled-tokens',
        `${label} is disabled and may still hold unexpired tokens (issued up to ${isoSeconds(lastIat)}, alive until about ${isoSeconds(aliveUntil)}); they are revoked by a ${r.kind} not-before record (${isoSeconds(r.revokedAt)}${r.by ? ` by ${r.by}` : ''}), so the authorizer refuses them`,
        `nothing to do; the record expires with the tokens (in ${humanDuration(aliveUntil - nowSeconds)})`,
      ),
    );
    return 1;
  }
  out.push(
    error(
      'clients.disabled-unrevoked',
      `${label} is disabled but no revocation record covers its tokens: tokens issued before ${isoSeconds(lastIat)} are still accepted by the authorizer until about ${isoSeconds(aliveUntil)}`,
      `npm run --silent admin -- revoke --client ${c.clientId}${config.stage === 'local' ? '' : ` --stage ${config.stage} --region ${config.region}`}`,
    ),
  );
  return 1;
}
