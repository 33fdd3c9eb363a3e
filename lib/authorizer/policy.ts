/**
 * Cache-safe IAM policies. For one set of token scopes the policy Allow-lists the ARN pattern of every
 * route those scopes satisfy, and explicitly Denies each other route whose requests an Allow pattern
 * would also match (a `*` spans `/`), so API Gateway can replay a cached result on any route.
 * If such a Deny would also cover requests of an allowed route, the Deny wins (fail closed) and
 * `onConflict` is told once per pair of routes.
 * When API Gateway may cache the policy (authorizerCacheSeconds > 0), a policy with an Allow also denies every
 * non-canonical spelling of a path (path-forms.ts): the route patterns are exact over canonical paths only.
 * Grants are memoized per distinct scope string, policies per ARN prefix (API + stage).
 */
import type { CompiledRoute } from './routes';
import { comparePrecedence, routesOverlap } from './routes';
import { existsString, globNfa, routeNfa } from './arn-patterns';
import { NON_CANONICAL_GLOBS } from './path-forms';

export interface PolicyStatement {
  Action: 'execute-api:Invoke';
  Effect: 'Allow' | 'Deny';
  Resource: string[];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

type Nfa = ReturnType<typeof globNfa>;

const MAX_GRANTS = 1024;

export class ScopeGrant {
  private readonly policies = new Map<string, PolicyDocument>();

  constructor(
    /** by route index */
    readonly allowed: readonly boolean[],
    readonly allowGlobs: readonly string[],
    readonly denyGlobs: readonly string[],
    /** Non-canonical path spellings, denied alongside an Allow (empty when the policy is never cached). */
    readonly pathFormGlobs: readonly string[] = [],
  ) {}

  /** The same object for every token with these scopes on this API stage. */
  policyFor(prefix: string): PolicyDocument {
    let doc = this.policies.get(prefix);
    if (!doc) {
      const Statement: PolicyStatement[] = [];
      if (this.allowGlobs.length) Statement.push({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: this.allowGlobs.map((g) => prefix + g) });
      const deny = this.allowGlobs.length ? [...this.denyGlobs, ...this.pathFormGlobs] : this.denyGlobs;
      if (deny.length) Statement.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: deny.map((g) => prefix + g) });
      if (!Statement.length) Statement.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [prefix + '*'] });
      doc = { Version: '2012-10-17', Statement };
      if (this.policies.size >= 16) this.policies.clear();
      this.policies.set(prefix, doc);
    }
    return doc;
  }
}

/** The grant's policy plus an explicit Deny of the exact request that was refused. */
export function withDeniedRequest(doc: PolicyDocument, requestArn: string): PolicyDocument {
  return { Version: doc.Version, Statement: [...doc.Statement, { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [requestArn] }] };
}

export function scopesSatisfy(route: CompiledRoute, scopes: ReadonlySet<string>): boolean {
  const needed = route.rule.scopes;
  if (needed.length === 0) return true;
  return route.rule.match === 'any' ? needed.some((s) => scopes.has(s)) : needed.every((s) => scopes.has(s));
}

export class PolicyBuilder {
  private readonly grants = new Map<string, ScopeGrant>();
  private readonly globNfas: Nfa[][];
  private readonly routeNfas: Nfa[];
  /** routes that take precedence over route i for some request both match */
  private readonly winners: number[][];
  private readonly needMemo = new Map<number, boolean>();
  private readonly conflictMemo = new Map<number, boolean>();

  constructor(
    readonly routes: CompiledRoute[],
    private readonly onConflict: (denied: CompiledRoute, allowed: CompiledRoute) => void = () => {},
    /** API Gateway may cache the policy: deny non-canonical path spellings too. */
    private readonly cached = false,
  ) {
    this.globNfas = routes.map((r) => r.globs.map(globNfa));
    this.routeNfas = routes.map((r) => routeNfa(r));
    this.winners = routes.map((d) =>
      routes.filter((r) => r !== d && comparePrecedence(r, d) < 0 && routesOverlap(r, d)).map((r) => r.index),
    );
  }

  /** Requests API Gateway routes to `d` (not to a more specific route) that `a`'s Allow pattern also matches? */
  private allowReaches(a: number, d: number): boolean {
    const k = a * this.routes.length + d;
    let v = this.needMemo.get(k);
    if (v === undefined) {
      const winners = this.winners[d].map((i) => this.routeNfas[i]);
      v = this.globNfas[a].some((g) => existsString([g, this.routeNfas[d]], winners));
      this.needMemo.set(k, v);
    }
    return v;
  }

  grantFor(scope: string): ScopeGrant {
    let grant = this.grants.get(scope);
    if (grant) return grant;
    const scopes = new Set(scope.split(' ').filter(Boolean));
    const allowed = this.routes.map((r) => scopesSatisfy(r, scopes));
    const allowIdx = this.routes.filter((r) => allowed[r.index]).map((r) => r.index);
    const denyIdx = this.routes.filter((d) => !allowed[d.index] && allowIdx.some((a) => this.allowReaches(a, d.index))).map((d) => d.index);
    for (const d of denyIdx) this.reportConflicts(d, allowIdx);
    grant = new ScopeGrant(
      allowed,
      unique(allowIdx.flatMap((i) => this.routes[i].globs)),
      unique(denyIdx.flatMap((i) => this.routes[i].globs)),
      this.cached ? NON_CANONICAL_GLOBS : [],
    );
    if (this.grants.size >= MAX_GRANTS) this.grants.clear();
    this.grants.set(scope, grant);
    return grant;
  }

  /** A Deny pattern that also matches requests routed to an allowed route: those get 403 under this policy. */
  private reportConflicts(d: number, allowIdx: number[]): void {
    for (const a of allowIdx) {
      const k = d * this.routes.length + a;
      if (this.conflictMemo.has(k)) continue;
      const winners = this.winners[a].map((i) => this.routeNfas[i]);
      const conflict = this.globNfas[d].some((g) => existsString([g, this.routeNfas[a]], winners));
      this.conflictMemo.set(k, conflict);
      if (conflict) this.onConflict(this.routes[d], this.routes[a]);
    }
  }
}

const unique = (xs: string[]) => [...new Set(xs)];
