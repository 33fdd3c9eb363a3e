/**
 * The verdict of `explain` is not re-derived: it is the answer of the authorizer's own decision core
 * (lib/authorizer/decide.ts) for this token and route, with the keys from key-view.ts and a strict
 * revocation lookup, and the reason is the one it writes to the audit trail. Nothing leaves the process.
 */
import { Authorizer } from '../../../lib/authorizer/decide';
import type { DenyReason } from '../../../lib/authorizer/reasons';
import type { Clock } from '../../../lib/core/clock';
import type { Config } from '../../../lib/config/types';
import { fixedFetcher, type KeyView } from './key-view';
import { isTemplate, type RouteRequest } from './route-check';
import { CapturedAudit } from './captured-audit';
import type { RevocationChecker } from '../../../lib/revocation/checker';

export interface AuthorizerAnswer {
  reason: DenyReason | 'allowed';
  status: 200 | 401 | 403;
  /** What the authorizer logged (route-table warnings, internal errors); never a token. */
  logs: string[];
}

/** A path no route table declares, for the token-only verdict (without --route). */
const NO_ROUTE: RouteRequest = { method: 'GET', path: '/.portcullis-explain/no-route' };

export async function authorizerAnswer(
  token: string,
  config: Config,
  deps: { keys: KeyView; revocation: RevocationChecker; clock: Clock; route?: RouteRequest },
): Promise<AuthorizerAnswer> {
  const logs: string[] = [];
  const audit = new CapturedAudit();
  const authorizer = new Authorizer(config, {
    audit,
    revocation: deps.revocation,
    clock: deps.clock,
    jwks: deps.keys.jwks,
    fetcher: fixedFetcher(deps.keys.jwks),
    log: (message, detail) => logs.push(detail ? `${message} ${JSON.stringify(detail)}` : message),
  });
  const route = deps.route ?? NO_ROUTE;
  const template = isTemplate(route.path);
  const decision = await authorizer.decide({
    authorization: `Bearer ${token}`,
    arn: `arn:aws:execute-api:${config.region}:000000000000:explain/${config.stage}/${route.method}${route.path}`,
    method: route.method,
    resource: template ? route.path : undefined,
    path: template ? undefined : route.path,
  });
  const logged = audit.events.at(-1)?.reason as DenyReason | 'allowed' | undefined;
  return { reason: logged ?? decision.reason, status: decision.status, logs };
}
