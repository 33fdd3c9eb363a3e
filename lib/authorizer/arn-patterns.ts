/**
 * Decides questions about sets of execute-api ARN suffixes (`METHOD/path`) exactly, with small NFAs:
 *  - an IAM resource pattern: literal characters, `*` (any run, `/` included) and `?` (one character);
 *  - the requests API Gateway routes to a route: `{param}` is one non-empty segment, `{proxy+}` one or more,
 *    ANY is one method token.
 * existsString(must, mustNot) answers "is there a request matched by every `must` and by no `mustNot`?"
 * by exploring the product of their determinized automata over the characters that matter.
 */
import { SegKind, type CompiledRoute } from './routes';

type Pred = string | 'ANY_CHAR' | 'NON_SLASH';
interface Nfa {
  /** per state: labelled transitions */
  edges: Array<Array<{ on: Pred; to: number }>>;
  /** per state: ε-transitions */
  eps: number[][];
  accept: number;
  chars: Set<string>;
}

class Builder {
  edges: Nfa['edges'] = [[]];
  eps: number[][] = [[]];
  chars = new Set<string>();
  cur = 0;
  private add(): number {
    this.edges.push([]);
    this.eps.push([]);
    return this.edges.length - 1;
  }
  lit(s: string): this {
    for (const c of s) {
      const n = this.add();
      this.edges[this.cur].push({ on: c, to: n });
      this.chars.add(c);
      this.cur = n;
    }
    return this;
  }
  /** one or more of `on` */
  plus(on: Pred): this {
    const n = this.add();
    this.edges[this.cur].push({ on, to: n });
    this.edges[n].push({ on, to: n });
    this.cur = n;
    return this;
  }
  /** zero or more of anything */
  star(): this {
    const n = this.add();
    this.eps[this.cur].push(n);
    this.edges[n].push({ on: 'ANY_CHAR', to: n });
    this.cur = n;
    return this;
  }
  one(): this {
    const n = this.add();
    this.edges[this.cur].push({ on: 'ANY_CHAR', to: n });
    this.cur = n;
    return this;
  }
  done(): Nfa {
    return { edges: this.edges, eps: this.eps, accept: this.cur, chars: this.chars };
  }
}

/** An IAM resource pattern such as `GET/users/*` (after the `…/{stage}/` prefix). */
export function globNfa(glob: string): Nfa {
  const b = new Builder();
  for (const c of glob) {
    if (c === '*') b.star();
    else if (c === '?') b.one();
    else b.lit(c);
  }
  return b.done();
}

/** The `METHOD/path` strings a route's template matches. */
export function routeNfa(route: CompiledRoute): Nfa {
  const b = new Builder();
  if (route.method === 'ANY') b.plus('NON_SLASH');
  else b.lit(route.method);
  if (route.segments.length === 0) b.lit('/');
  for (const s of route.segments) {
    b.lit('/');
    if (s.kind === SegKind.Literal) b.lit(s.value);
    else if (s.kind === SegKind.Param) b.plus('NON_SLASH');
    else b.plus('ANY_CHAR');
  }
  return b.done();
}

const OTHER = '\u0000';
const matches = (on: Pred, c: string) => (on === 'ANY_CHAR' ? true : on === 'NON_SLASH' ? c !== '/' : on === c);

function closure(nfa: Nfa, states: Iterable<number>): number[] {
  const seen = new Set<number>(states);
  const stack = [...seen];
  while (stack.length) for (const n of nfa.eps[stack.pop()!]) if (!seen.has(n)) (seen.add(n), stack.push(n));
  return [...seen].sort((a, b) => a - b);
}

function step(nfa: Nfa, set: number[], c: string): number[] {
  const next = new Set<number>();
  for (const s of set) for (const e of nfa.edges[s]) if (matches(e.on, c)) next.add(e.to);
  return next.size ? closure(nfa, next) : [];
}

/** Upper bound on explored product states; past it the answer is the conservative `true`. */
const MAX_STATES = 50_000;

export function existsString(must: Nfa[], mustNot: Nfa[] = []): boolean {
  const all = [...must, ...mustNot];
  const alphabet = new Set<string>(['/', OTHER]);
  for (const n of all) for (const c of n.chars) alphabet.add(c);
  const start = all.map((n) => closure(n, [0]));
  const key = (t: number[][]) => t.map((s) => s.join(',')).join('|');
  const seen = new Set<string>([key(start)]);
  const queue = [start];
  while (queue.length) {
    const t = queue.shift()!;
    let ok = true;
    for (let i = 0; i < must.length && ok; i++) ok = t[i].includes(must[i].accept);
    for (let i = must.length; i < all.length && ok; i++) ok = !t[i].includes(all[i].accept);
    if (ok) return true;
    for (const c of alphabet) {
      const next = t.map((set, i) => step(all[i], set, c));
      if (next.slice(0, must.length).some((s) => s.length === 0)) continue;
      const k = key(next);
      if (seen.has(k)) continue;
      if (seen.size >= MAX_STATES) return true;
      seen.add(k);
      queue.push(next);
    }
  }
  return false;
}
