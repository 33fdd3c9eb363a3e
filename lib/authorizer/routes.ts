/**
 * The route table (config.routes) compiled once at cold start: normalized templates, API Gateway
 * precedence, and each route's execute-api ARN patterns (`{param}` and `{proxy+}` → `*`).
 * ANY becomes the seven methods API Gateway knows rather than `*`: in an ARN a `*` also spans `/`,
 * so `*\/things` would match `GET/files/things` too (another route, maybe not allowed).
 */
import type { RouteRule } from '../config/types';

export const SegKind = { Literal: 0, Param: 1, Greedy: 2 } as const;
export type SegKind = (typeof SegKind)[keyof typeof SegKind];

export interface Segment {
  kind: SegKind;
  /** Literal text; the parameter name for params. */
  value: string;
}

export interface CompiledRoute {
  index: number;
  rule: RouteRule;
  /** Upper case, or `ANY`. */
  method: string;
  segments: Segment[];
  /** `GET /users/{id}` as declared: the audit `route`. */
  key: string;
  /** Parameter names erased (`/users/{}`, `/files/{+}`): what template lookups compare. */
  shape: string;
  /** ARN suffixes after `…/{stage}/`: `GET/users/*`; one per method for ANY. */
  globs: string[];
}

/** `{x*}` (hapi, as serverless-offline reports it) is the same greedy variable as `{x+}`. */
export function parseSegments(path: string): Segment[] {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return [];
  return trimmed
    .replace(/^\/+/, '')
    .split('/')
    .map((s) => {
      const m = /^\{([^{}]+?)([+*])?\}$/.exec(s);
      if (!m) return { kind: SegKind.Literal, value: s };
      return { kind: m[2] ? SegKind.Greedy : SegKind.Param, value: m[1] };
    });
}

/** What ANY stands for in API Gateway. */
export const ANY_METHODS: readonly string[] = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'];

const shapeOf = (segments: Segment[]) =>
  '/' + segments.map((s) => (s.kind === SegKind.Literal ? s.value : s.kind === SegKind.Param ? '{}' : '{+}')).join('/');

export function compileRoutes(rules: RouteRule[]): CompiledRoute[] {
  const seen = new Set<string>();
  const out: CompiledRoute[] = [];
  for (const rule of rules) {
    const method = rule.method === '*' ? 'ANY' : rule.method.toUpperCase();
    const segments = parseSegments(rule.path);
    segments.forEach((s, i) => {
      if (s.kind === SegKind.Literal && /[*?]/.test(s.value)) throw new Error(`route "${rule.method} ${rule.path}": "*" and "?" are not allowed in paths`);
      if (s.kind === SegKind.Greedy && i !== segments.length - 1) throw new Error(`route "${rule.method} ${rule.path}": a greedy variable must be last`);
    });
    const shape = shapeOf(segments);
    if (seen.has(`${method} ${shape}`)) continue; // API Gateway cannot have both; the first declaration wins
    seen.add(`${method} ${shape}`);
    const pathGlob = '/' + segments.map((s) => (s.kind === SegKind.Literal ? s.value : '*')).join('/');
    out.push({
      index: out.length,
      rule,
      method,
      segments,
      key: `${method} ${'/' + segments.map((s) => (s.kind === SegKind.Literal ? s.value : s.kind === SegKind.Param ? `{${s.value}}` : `{${s.value}+}`)).join('/')}`,
      shape,
      globs: (method === 'ANY' ? ANY_METHODS : [method]).map((m) => m + pathGlob),
    });
  }
  return out;
}

/**
 * API Gateway routing precedence between two routes that both match a request:
 * per segment from the left, literal before `{param}` before `{proxy+}`; then an explicit method before ANY.
 * Negative when `a` wins.
 */
export function comparePrecedence(a: CompiledRoute, b: CompiledRoute): number {
  const n = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const d = a.segments[i].kind - b.segments[i].kind;
    if (d !== 0) return d;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  return (a.method === 'ANY' ? 1 : 0) - (b.method === 'ANY' ? 1 : 0);
}

function matchesPath(route: CompiledRoute, parts: string[]): boolean {
  const segs = route.segments;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s.kind === SegKind.Greedy) return parts.length > i;
    if (i >= parts.length) return false;
    if (s.kind === SegKind.Literal ? parts[i] !== s.value : parts[i] === '') return false;
  }
  return parts.length === segs.length;
}

export class RouteTable {
  private readonly byShape = new Map<string, Map<string, CompiledRoute>>();
  /** method → exact path → route, for routes without variables */
  private readonly literal = new Map<string, Map<string, CompiledRoute>>();

  constructor(readonly routes: CompiledRoute[]) {
    for (const r of routes) {
      let methods = this.byShape.get(r.shape);
      if (!methods) this.byShape.set(r.shape, (methods = new Map()));
      methods.set(r.method, r);
      if (r.segments.every((s) => s.kind === SegKind.Literal)) {
        let paths = this.literal.get(r.method);
        if (!paths) this.literal.set(r.method, (paths = new Map()));
        paths.set(r.shape, r);
      }
    }
  }

  /** REQUEST / HTTP API authorizers: API Gateway tells us the matched resource template. */
  byTemplate(method: string, template: string): CompiledRoute | undefined {
    const methods = this.byShape.get(isPlain(template) ? template : shapeOf(parseSegments(template)));
    return methods?.get(method) ?? methods?.get(method.toUpperCase()) ?? methods?.get('ANY');
  }

  /** TOKEN authorizers only know the concrete path (from methodArn): pick the route API Gateway would. */
  byPath(method: string, path: string): CompiledRoute | undefined {
    const m = method.toUpperCase();
    const normalized = isPlain(path) ? path : '/' + path.replace(/^\/+|\/+$/g, '');
    // a route without variables beats any route with variables (paths first, then methods)
    const exact = this.literal.get(m)?.get(normalized) ?? this.literal.get('ANY')?.get(normalized);
    if (exact) return exact;
    const parts = normalized === '/' ? [] : normalized.slice(1).split('/');
    let best: CompiledRoute | undefined;
    for (const r of this.routes) {
      if (r.method !== m && r.method !== 'ANY') continue;
      if (!matchesPath(r, parts)) continue;
      if (!best || comparePrecedence(r, best) < 0) best = r;
    }
    return best;
  }
}

/** `/a/b`: one leading slash, no trailing or doubled slash, no braces: already normalized. */
function isPlain(path: string): boolean {
  if (path.length === 0 || path.charCodeAt(0) !== 47) return false;
  if (path.length === 1) return true;
  return path.charCodeAt(path.length - 1) !== 47 && path.indexOf('//') < 0 && path.indexOf('{') < 0;
}

export interface ParsedArn {
  /** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/` */
  prefix: string;
  /** From the rest of the ARN when it reads `{METHOD}/{path}`. */
  method?: string;
  /** Concrete request path, `/` for the root resource. */
  path?: string;
}

const validPrefixes = new Map<string, boolean>();

function validPrefix(head: string): boolean {
  let ok = validPrefixes.get(head);
  if (ok === undefined) {
    const parts = head.split(':');
    ok = parts.length === 6 && parts[0] === 'arn' && parts[2] === 'execute-api' && parts.every((p) => p !== '');
    if (validPrefixes.size >= 64) validPrefixes.clear();
    validPrefixes.set(head, ok);
  }
  return ok;
}

function isMethodToken(s: string): boolean {
  if (s.length === 0 || s.length > 16) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (c < 97 || c > 122) return false;
  }
  return true;
}

/** methodArn (REST) / routeArn (HTTP API): `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`. */
export function parseMethodArn(arn: unknown): ParsedArn | undefined {
  if (typeof arn !== 'string') return undefined;
  const s1 = arn.indexOf('/');
  const s2 = s1 < 0 ? -1 : arn.indexOf('/', s1 + 1);
  if (s2 < 0 || s2 === s1 + 1 || !validPrefix(arn.slice(0, s1))) return undefined;
  const prefix = arn.slice(0, s2 + 1);
  const s3 = arn.indexOf('/', s2 + 1);
  const method = s3 < 0 ? arn.slice(s2 + 1) : arn.slice(s2 + 1, s3);
  if (!isMethodToken(method)) return { prefix };
  return { prefix, method: method.toUpperCase(), path: s3 < 0 ? '/' : arn.slice(s3) };
}

/** Exact: is there a request (method + path) that both route templates match? */
export function routesOverlap(a: CompiledRoute, b: CompiledRoute): boolean {
  if (a.method !== b.method && a.method !== 'ANY' && b.method !== 'ANY') return false;
  const A = a.segments;
  const B = b.segments;
  for (let i = 0; ; i++) {
    const endA = i >= A.length;
    const endB = i >= B.length;
    if (endA && endB) return true;
    const greedyA = !endA && A[i].kind === SegKind.Greedy;
    const greedyB = !endB && B[i].kind === SegKind.Greedy;
    // A greedy variable takes one or more whole segments of any content.
    if (greedyA) return !endB;
    if (greedyB) return !endA;
    if (endA || endB) return false;
    if (A[i].kind === SegKind.Literal && B[i].kind === SegKind.Literal && A[i].value !== B[i].value) return false;
  }
}
