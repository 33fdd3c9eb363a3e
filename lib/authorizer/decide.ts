/**
 * The one decision core behind the three authorizer entry points (TOKEN, REQUEST, HTTP API).
 *
 * bearer → verified-token cache (exp still checked) or full verification → revocation (every decision)
 * → canonical path when API Gateway may cache the policy (path-forms.ts) → route lookup (deny by default)
 * → scopes → cache-safe policy. Synchronous unless a dependency
 * (cold-start JWKS, JWKS refetch, strict revocation) answers with a promise.
 * Fail closed: anything thrown becomes a 401 deny (`internal_error`). Every decision is audited; no token is.
 */
import type { AuditEvent, AuditSink } from '../audit/types';
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import { DEFAULTS } from '../config/defaults';
import type { Config } from '../config/types';
import type { RevocationReason, TokenFacts } from '../models/revocation';
import { extractBearer } from './bearer';
import { isExpired } from '../jose/precheck';
import type { AccessTokenClaims } from '../tokens/access-token-claims';
import { PolicyBuilder, withDeniedRequest, type ScopeGrant } from './policy';
import { isCanonicalArnSuffix } from './path-forms';
import { isScopeReason, type DenyReason, type ScopeReason } from './reasons';
import { compileRoutes, parseMethodArn, RouteTable, type CompiledRoute, type ParsedArn } from './routes';
import { LruCache } from './token-cache';
import { TokenVerifier, type TokenVerifierDeps, type VerifyOutcome } from './token-verifier';
import { insufficientScopeHeader, WWW_AUTHENTICATE_INVALID, WWW_AUTHENTICATE_MISSING, type AuthzContext, type AuthzRequest, type Decision } from './types';
import type { RevocationChecker } from '../revocation/checker';
import { tokenFacts } from '../models/revocation-match';

export * from './types';

export interface AuthorizerDeps extends Pick<TokenVerifierDeps, 'fetcher' | 'jwks' | 'onJwksError'> {
  audit: AuditSink;
  revocation: RevocationChecker;
  clock?: Clock;
  /** High-resolution milliseconds for latency_ms (default performance.now). */
  hrtime?: () => number;
  /** Built from config when absent. */
  verifier?: TokenVerifier;
  /** Internal errors and route-table warnings; never receives a token. */
  log?: (message: string, detail?: Record<string, unknown>) => void;
}

/** What the verified-token cache keeps per token string; shared by every later decision, never mutated. */
interface VerifiedToken {
  readonly facts: Readonly<TokenFacts>;
  readonly scopes: readonly string[];
  readonly grant: ScopeGrant;
  readonly context: Readonly<AuthzContext>;
}

interface Outcome {
  reason: DenyReason | 'allowed';
  arn?: ParsedArn;
  token?: VerifiedToken;
  route?: CompiledRoute;
  error?: unknown;
}

const isPromise = <T>(v: T | Promise<T>): v is Promise<T> => typeof (v as { then?: unknown } | null)?.then === 'function';

/** Error text without anything shaped like a JWT. */
const redact = (s: string) => s.replace(/[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, '<redacted>').slice(0, 300);

export class Authorizer {
  readonly routes: RouteTable;
  private readonly policies: PolicyBuilder;
  private readonly verifier: TokenVerifier;
  private readonly cache: LruCache<VerifiedToken>;
  private readonly clock: Clock;
  private readonly hrtime: () => number;
  private readonly skew: number;
  private readonly log: NonNullable<AuthorizerDeps['log']>;
  /** API Gateway may replay a policy on other requests (authorizerCacheSeconds > 0). */
  private readonly cached: boolean;

  constructor(
    config: Config,
    private readonly deps: AuthorizerDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.hrtime = deps.hrtime ?? (() => performance.now());
    this.skew = config.clockSkewSeconds;
    this.log = deps.log ?? ((message, detail) => console.error(JSON.stringify({ level: 'error', message, ...detail })));
    const compiled = compileRoutes(config.routes);
    this.routes = new RouteTable(compiled);
    this.cached = config.authorizerCacheSeconds > 0;
    this.policies = new PolicyBuilder(
      compiled,
      (denied, allowed) =>
        this.log('route table: IAM patterns cannot separate these routes; tokens allowed only `allowed` are refused some of its requests (fail closed)', {
          denied: denied.key,
          allowed: allowed.key,
        }),
      this.cached,
    );
    this.cache = new LruCache(config.verifiedTokenCacheEntries);
    this.verifier =
      deps.verifier ??
      new TokenVerifier(
        {
          issuer: config.issuer,
          // The API this authorizer function protects (RFC 8707): a token for another API is wrong_audience here.
          audience: config.authorizerAudience ?? config.audience,
          jwksUri: config.jwksUri,
          clockSkewSeconds: config.clockSkewSeconds,
          jwksRefetchMinIntervalMs: config.jwksRefetchMinIntervalMs,
          jwksFetchTimeoutMs: DEFAULTS.jwksFetchTimeoutMs,
          jwksMaxAgeMs: (config.keys?.jwksCacheSeconds ?? DEFAULTS.jwksCacheSeconds) * 1000,
          jwksMaxStalenessMs: config.jwksMaxStalenessSeconds * 1000,
        },
        {
          clock: this.clock,
          fetcher: deps.fetcher,
          jwks: deps.jwks,
          onJwksError: (err) =>
            this.log(`JWKS fetch failed; keeping the last good keys until they are ${config.jwksMaxStalenessSeconds} s old`, { error: errorText(err) }),
          onKeysChanged: () => this.cache.clear(),
          onKeysStale: (ageMs) =>
            this.log(`JWKS older than ${config.jwksMaxStalenessSeconds} s (no fetch succeeded): denying every token (jwks_unavailable) until one does`, {
              age_seconds: Number.isFinite(ageMs) ? Math.round(ageMs / 1000) : 'never loaded',
            }),
        },
      );
  }

  /** Resolves once a JWKS fetch in progress has settled (decisions wait for the cold-start one on their own). */
  ready(): Promise<void> {
    return this.verifier.ready();
  }

  decide(req: AuthzRequest): Decision | Promise<Decision> {
    const t0 = this.hrtime();
    let out: Outcome | Promise<Outcome>;
    try {
      out = this.evaluate(req);
    } catch (error) {
      out = { reason: 'internal_error', error };
    }
    if (isPromise(out)) return out.then((o) => this.finish(req, o, t0), (error: unknown) => this.finish(req, { reason: 'internal_error', error }, t0));
    return this.finish(req, out, t0);
  }

  private evaluate(req: AuthzRequest): Outcome | Promise<Outcome> {
    const arn = parseMethodArn(req.arn);
    if (!arn) return { reason: 'internal_error', error: new Error('event carries no execute-api ARN') };
    const bearer = extractBearer(req.authorization);
    if (bearer.reason) return { reason: bearer.reason, arn };
    const token = bearer.token;
    this.verifier.maintain();
    const cached = this.cache.get(token);
    if (cached) {
      if (isExpired(cached.facts.exp, this.skew, this.clock.now() / 1000)) {
        this.cache.delete(token);
        return { reason: 'expired', arn, token: cached };
      }
      // A cached token is only as good as the keys it was verified with: too old, they are refreshed or nothing is trusted.
      const stale = this.verifier.staleKeys();
      if (stale === undefined) return this.checkRevocation(req, arn, cached);
      if (typeof stale === 'string') return { reason: stale, arn };
      // Refreshed meanwhile (the key set may have changed and the cache been cleared): verify the token afresh.
      return stale.then((r) => (r === undefined ? this.verify(req, arn, token) : { reason: r, arn }));
    }
    return this.verify(req, arn, token);
  }

  private verify(req: AuthzRequest, arn: ParsedArn, token: string): Outcome | Promise<Outcome> {
    const verified = this.verifier.verify(token);
    if (isPromise(verified)) return verified.then((v) => this.afterVerify(req, arn, token, v));
    return this.afterVerify(req, arn, token, verified);
  }

  private afterVerify(req: AuthzRequest, arn: ParsedArn, token: string, v: VerifyOutcome): Outcome | Promise<Outcome> {
    if (!v.ok) return { reason: v.reason, arn };
    const entry = this.entryFor(v.claims);
    this.cache.set(token, entry);
    return this.checkRevocation(req, arn, entry);
  }

  private entryFor(c: AccessTokenClaims): VerifiedToken {
    const scopes = Object.freeze(c.scope.split(' ').filter(Boolean));
    const scope = scopes.join(' ');
    return {
      facts: tokenFacts(c),
      scopes,
      grant: this.policies.grantFor(scope),
      context: { sub: c.sub, client_id: c.client_id, scope, jti: c.jti, exp: c.exp },
    };
  }

  private checkRevocation(req: AuthzRequest, arn: ParsedArn, token: VerifiedToken): Outcome | Promise<Outcome> {
    const r = this.deps.revocation.check(token.facts);
    if (isPromise(r)) return r.then((reason) => this.authorizeRoute(req, arn, token, reason));
    return this.authorizeRoute(req, arn, token, r);
  }

  private authorizeRoute(req: AuthzRequest, arn: ParsedArn, token: VerifiedToken, revoked: RevocationReason | null): Outcome {
    if (revoked !== null) {
      if (typeof revoked === 'string') return { reason: revoked, arn, token };
      return { reason: 'internal_error', arn, token, error: new Error(`revocation checker answered ${String(revoked)}`) };
    }
    // The policy of a cached answer denies every non-canonical spelling (path-forms.ts): refuse it fresh too.
    if (this.cached && !isCanonicalArnSuffix(req.arn.slice(arn.prefix.length))) return { reason: 'non_canonical_path', arn, token };
    const method = req.method ?? arn.method;
    const path = req.path ?? arn.path;
    let route: CompiledRoute | undefined;
    if (method !== undefined && req.resource !== undefined) route = this.routes.byTemplate(method, req.resource);
    else if (method !== undefined && path !== undefined) route = this.routes.byPath(method, path);
    if (!route) return { reason: 'route_not_declared', arn, token };
    return { reason: token.grant.allowed[route.index] ? 'allowed' : 'insufficient_scope', arn, token, route };
  }

  private finish(req: AuthzRequest, o: Outcome, t0: number): Decision {
    let decision: Decision;
    try {
      decision = this.toDecision(req, o);
    } catch (error) {
      o = { reason: 'internal_error', arn: o.arn, error };
      decision = { effect: 'Deny', status: 401, reason: 'internal_error', wwwAuthenticate: WWW_AUTHENTICATE_INVALID };
    }
    if (o.error !== undefined) this.log('authorizer internal error (denied)', { error: errorText(o.error) });
    if (!this.audit(req, o, decision, t0) && decision.status !== 401) {
      // An unaudited decision is an internal error like any other: deny.
      decision = { effect: 'Deny', status: 401, reason: 'internal_error', wwwAuthenticate: WWW_AUTHENTICATE_INVALID };
    }
    return decision;
  }

  private toDecision(req: AuthzRequest, o: Outcome): Decision {
    const t = o.token;
    if (o.reason === 'allowed' && t && o.arn) {
      return { effect: 'Allow', status: 200, reason: 'allowed', principalId: t.facts.sub, policy: t.grant.policyFor(o.arn.prefix), context: t.context };
    }
    if (isScopeReason(o.reason) && t && o.arn) {
      return {
        effect: 'Deny',
        status: 403,
        reason: o.reason,
        principalId: t.facts.sub,
        policy: withDeniedRequest(t.grant.policyFor(o.arn.prefix), req.arn),
        context: { ...t.context, wwwAuthenticate: insufficientScopeHeader(o.route) },
      };
    }
    const reason = (o.reason === 'allowed' || isScopeReason(o.reason) ? 'internal_error' : o.reason) as Exclude<
      DenyReason,
      ScopeReason
    >;
    return { effect: 'Deny', status: 401, reason, wwwAuthenticate: reason === 'missing' ? WWW_AUTHENTICATE_MISSING : WWW_AUTHENTICATE_INVALID };
  }

  /** False when the sink threw (its contract says it never does). */
  private audit(req: AuthzRequest, o: Outcome, d: Decision, t0: number): boolean {
    const f = o.token?.facts;
    const method = req.method ?? o.arn?.method;
    const event: AuditEvent = {
      event: d.effect === 'Allow' ? 'authz.allowed' : 'authz.denied',
      outcome: d.effect === 'Allow' ? 'success' : 'failure',
      reason: d.reason,
      client_id: f?.client_id,
      sub: f?.sub,
      jti: f?.jti,
      route: o.route?.key ?? (method ? `${method.toUpperCase()} ${req.resource ?? req.path ?? o.arn?.path ?? ''}` : undefined),
      source_ip: req.sourceIp,
      user_agent: req.userAgent,
      request_id: req.requestId,
      latency_ms: Math.round((this.hrtime() - t0) * 1000) / 1000,
      // The cache entry's own (never mutated) array: the serializer memoizes it by identity.
      scopes_granted: o.token?.scopes as string[] | undefined,
    };
    try {
      this.deps.audit.emit(event);
      return true;
    } catch (error) {
      this.log('audit emit failed (denying)', { error: errorText(error) });
      return false;
    }
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return redact(`${err.name}: ${err.message}`);
  return redact(String(err));
}
