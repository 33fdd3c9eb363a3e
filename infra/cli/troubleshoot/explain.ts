/**
 * `explain TOKEN [--route "METHOD /path"]`: why the authorizer allows or denies a token, check by check.
 *
 * The rows (token-checks, signature-check, revocation-check, route-check) tell each check in plain words,
 * evaluated as far as the token can be decoded. The verdict is the authorizer's own decision core run
 * in-process on the same inputs (verdict.ts); a row that disagrees with it is flagged, never trusted over it.
 * The token is never printed, logged or sent anywhere; the only I/O is the JWKS fetch and table reads.
 */
import type { Fetcher } from 'aws-jwt-verify/https';
import { extractBearer } from '../../../lib/authorizer/bearer';
import type { Clock } from '../../../lib/core/clock';
import { systemClock } from '../../../lib/core/clock';
import type { Config } from '../../../lib/config/types';
import { createRevocationStore } from '../../../lib/composition/revocation';
import { StrictRevocationChecker } from '../../../lib/revocation/strict-checker';
import type { DocTable } from '../../../lib/stores/dynamo/doc-table';
import { DynamoClientStore } from '../../../lib/stores/dynamo/client-store';
import { DynamoKeyStore } from '../../../lib/stores/dynamo/key-store';
import type { ClientStore, KeyStore, RevocationStore } from '../../../lib/stores/ports';
import { isScopeReason } from '../../../lib/authorizer/reasons';
import { findAuditEvent, type AuditFinding, type AuditSearch } from './audit-lookup';
import { describeKeyState, loadKeyView, type KeyView } from './key-view';
import { factsOf, revocationCheck } from './revocation-check';
import { routeChecks, routesOpenedBy, type RouteRequest } from './route-check';
import { cut } from './safe-text';
import { signatureCheck } from './signature-check';
import { tokenChecks } from './token-checks';
import type { ExplainCheck, Explanation, ExplainVerdict } from './types';
import { UNKNOWN_ISSUER } from './unknown-issuer';
import { authorizerAnswer } from './verdict';
import type { RevocationHit, TokenFacts } from '../../../lib/models/revocation';

export { UNKNOWN_ISSUER };

export interface ExplainDeps {
  config: Config;
  keyStore: KeyStore;
  revocations: RevocationStore;
  clients: ClientStore;
  clock?: Clock;
  /** JWKS fetcher (default: the authorizer's). */
  fetcher?: Fetcher;
  /** False when the stage's issuer (hence its JWKS URI) is not known here. Default: config.issuer !== UNKNOWN_ISSUER. */
  issuerKnown?: boolean;
  /** Audit trail lookup for "when and by whom"; absent: not consulted. */
  findAudit?: (q: AuditSearch) => Promise<AuditFinding>;
  /** custom.portcullis.authorizerCacheSeconds, for the revocation bound (default 0). */
  authorizerCacheSeconds?: number;
}

/** The stores and audit lookup of a stage's table. */
export function explainDepsFor(config: Config, table: DocTable, extra: Partial<ExplainDeps> = {}): ExplainDeps {
  return {
    config,
    keyStore: new DynamoKeyStore(table),
    revocations: createRevocationStore(config, { table }),
    clients: new DynamoClientStore(table),
    findAudit: (q) => findAuditEvent(config, q),
    ...extra,
  };
}

/** One findForToken read shared by the revocation row and the verdict, so they see the same state. */
function sharedLookup(store: RevocationStore): RevocationStore {
  const seen = new Map<string, Promise<RevocationHit | undefined>>();
  return Object.assign(Object.create(store) as RevocationStore, {
    findForToken(t: TokenFacts) {
      const key = JSON.stringify([t.jti, t.client_id, t.sub, t.iat, t.exp]);
      let p = seen.get(key);
      if (!p) seen.set(key, (p = store.findForToken(t)));
      return p;
    },
  });
}

/** Accepts the token, or a whole `Bearer …` header value; surrounding whitespace is dropped. */
export function tokenFromInput(raw: string): string {
  const s = raw.trim();
  if (/^bearer\s/i.test(s)) return extractBearer(s).token ?? s;
  return s;
}

const CLAIMS_SHOWN = ['iss', 'sub', 'aud', 'client_id', 'scope', 'jti', 'iat', 'nbf', 'exp'];

function shownToken(header?: Record<string, unknown>, payload?: Record<string, unknown>): Explanation['token'] {
  const out: Explanation['token'] = {};
  if (header) {
    out.header = {};
    for (const k of ['alg', 'typ', 'kid']) if (k in header) out.header[k] = header[k];
    const others = Object.keys(header).filter((k) => !['alg', 'typ', 'kid'].includes(k));
    if (others.length) out.header.other_members = others;
  }
  if (payload) {
    out.claims = {};
    for (const k of CLAIMS_SHOWN) if (k in payload) out.claims[k] = payload[k];
    const others = Object.keys(payload).filter((k) => !CLAIMS_SHOWN.includes(k));
    if (others.length) out.claims.other_claims = others;
  }
  return out;
}

/** Is the token's kid in the trusted JWKS, and what the key store says of it. */
function keyFacts(header: Record<string, unknown> | undefined, keys: KeyView, nowSeconds: number): { facts: NonNullable<Explanation['key']>; note: string } | undefined {
  const kid = header?.kid;
  if (typeof kid !== 'string' || kid === '') return undefined;
  const inJwks = Boolean(keys.jwks?.keys.some((k) => k.kid === kid));
  const state = keys.schedule?.find((k) => k.record.kid === kid)?.state ?? 'unknown';
  const described = describeKeyState(keys.schedule, kid, nowSeconds) ?? (keys.schedule ? 'unknown: the key store has never held it' : 'state unknown (the key store could not be read)');
  return {
    facts: { kid, in_jwks: inJwks, state },
    note: `kid ${cut(kid, 80)}: ${inJwks ? 'in' : 'NOT in'} the JWKS (${keys.source}); ${described}`,
  };
}

const STATUS_OF = (reason: string): 200 | 401 | 403 => (reason === 'allowed' ? 200 : isScopeReason(reason) ? 403 : 401);

/**
 * `audience`: the `aud` the authorizer in question requires — the API it protects (RFC 8707; an authorizer function's
 * PORTCULLIS_AUTHORIZER_AUDIENCE). Default: the configuration's authorizer audience (the default audience).
 */
export async function explainToken(raw: string, deps: ExplainDeps, opts: { route?: RouteRequest; audience?: string } = {}): Promise<Explanation> {
  const config = opts.audience ? { ...deps.config, authorizerAudience: opts.audience } : deps.config;
  const clock = deps.clock ?? systemClock;
  const token = tokenFromInput(raw);
  const now = clock.now() / 1000;
  const issuerKnown = deps.issuerKnown ?? config.issuer !== UNKNOWN_ISSUER;
  const notes: string[] = [`checked at ${new Date(clock.now()).toISOString()} by this machine's clock (stage ${config.stage})`];

  const t = tokenChecks(
    token,
    { issuer: config.issuer, audience: config.authorizerAudience, clockSkewSeconds: config.clockSkewSeconds, defaultAudience: config.audience, resources: config.resources },
    now,
    issuerKnown,
  );
  if (config.authorizerAudience !== config.audience) notes.push(`audience: the authorizer checked here protects "${config.authorizerAudience}" (a declared resource), not the default audience`);
  const payload = t.decoded.payload;
  const keys = await loadKeyView(config, { keyStore: deps.keyStore, clock, fetcher: deps.fetcher, fetch: issuerKnown });
  notes.push(`keys: ${keys.source}`, ...keys.notes);
  const key = keyFacts(t.decoded.header, keys, Math.floor(now));
  if (key) {
    const header = t.checks.find((c) => c.name === 'header')!;
    header.notes = [...(header.notes ?? []), key.note];
  }
  const store = sharedLookup(deps.revocations);
  const checks: ExplainCheck[] = [
    ...t.checks,
    signatureCheck(token, t.decoded, keys, Math.floor(now)),
    await revocationCheck(factsOf(payload), {
      config,
      store,
      clients: deps.clients,
      nowSeconds: Math.floor(now),
      findAudit: deps.findAudit,
      authorizerCacheSeconds: deps.authorizerCacheSeconds,
    }),
  ];
  const scopes = typeof payload?.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : undefined;
  if (opts.route) checks.push(...routeChecks(config.routes, opts.route, scopes, config.authorizerCacheSeconds));

  // The verdict: the authorizer's decision core on the same token, keys and revocation state.
  const verdictConfig = issuerKnown || typeof payload?.iss !== 'string' ? config : { ...config, issuer: payload.iss };
  if (!issuerKnown) notes.push('the verdict assumes the token\'s issuer is this stage\'s (pass --issuer URL to check it)');
  const answer = await authorizerAnswer(token, verdictConfig, { keys, revocation: new StrictRevocationChecker(store), clock, route: opts.route });
  for (const line of answer.logs) notes.push(`authorizer log: ${line}`);

  const tokenOnly = !opts.route;
  const tokenPasses = answer.reason === 'allowed' || isScopeReason(answer.reason);
  const reason = tokenOnly && tokenPasses ? 'allowed' : answer.reason;
  const firstFail = checks.find((c) => c.status === 'fail');
  const decisive = reason === 'allowed' ? undefined : checks.find((c) => c.status === 'fail' && c.reason === reason);
  if (decisive) decisive.decisive = true;
  if ((firstFail?.reason ?? 'allowed') !== reason) {
    notes.push(`explain's checks point at ${firstFail?.reason ?? 'allowed'} but the authorizer's decision core answers ${reason}: the verdict is the authorizer's`);
  }
  let summary: string;
  if (reason === 'allowed') {
    summary = tokenOnly
      ? `the token passes every check the authorizer makes before the route; it opens ${routesOpenedBy(config.routes, scopes ?? []).join(', ') || 'no route of the table'} (pass --route to check one)`
      : `${opts.route!.method} ${opts.route!.path} is allowed`;
  } else summary = decisive?.detail ?? `the authorizer denies (${reason})`;
  const verdict: ExplainVerdict = {
    effect: reason === 'allowed' ? 'allow' : 'deny',
    reason,
    status: STATUS_OF(reason),
    route: opts.route ? `${opts.route.method} ${opts.route.path}` : null,
    summary,
  };
  return { token: shownToken(t.decoded.header, payload), ...(key ? { key: key.facts } : {}), checks, verdict, notes };
}
