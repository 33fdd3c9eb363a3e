/**
 * Resolves the `${…}` variables of serverless.yml as osls (the Serverless Framework v3 fork) does, for the
 * sources whose value is known outside a deployment: `sls:stage`, `opt:stage`, `opt:region`, `self:…`,
 * `param:…` (given params, then serverless.yml `params.<stage>`, then `params.default`), `env:…`, and literal
 * fallbacks (`'text'`, `"text"`, numbers, true/false). The first source of a `${a, b, 'c'}` list that has a
 * value wins; addresses may nest variables (`${self:custom.stages.${sls:stage}.signer, …}`).
 *
 * Anything else (`file()`, `ssm:`, `cf:`, `s3:`, `aws:`, `sls:instanceId`, a param without value or fallback)
 * is refused with an UnresolvableVariableError naming where it is: its value is known only to the machine
 * that deploys, and a guess would give the CLIs another configuration than the functions.
 */

export class UnresolvableVariableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnresolvableVariableError';
  }
}

export interface VariableContext {
  stage: string;
  /** `opt:region`; absent: the variable's fallback. */
  region?: string;
  /** `--param name=value`, as given to serverless. */
  params?: Record<string, string>;
  /** For `env:` (the caller passes process.env or what the deploying shell would have). */
  env?: Record<string, string | undefined>;
}

const MAX_DEPTH = 20;
const KNOWN = 'sls:stage, opt:stage, opt:region, self:, param:, env: and literal fallbacks';

type Doc = Record<string, unknown>;

/** Index of the `}` closing the `${` at `start`, or -1. Quotes inside a variable are skipped. */
function closingBrace(s: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if ((c === "'" || c === '"') && depth > 0) quote = c;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** `a, ${b, c}, 'd,e'` → ['a', '${b, c}', "'d,e'"]. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(from, i).trim());
      from = i + 1;
    }
  }
  parts.push(s.slice(from).trim());
  return parts;
}

export class ServerlessVariables {
  constructor(
    private readonly doc: Doc,
    private readonly ctx: VariableContext,
  ) {}

  /** The value at a dot path of serverless.yml (`provider.environment`), every variable in it resolved; undefined if absent. */
  get(path: string): unknown {
    return this.resolveDeep(this.lookup(path), path, 0);
  }

  private lookup(path: string): unknown {
    let v: unknown = this.doc;
    for (const key of path.split('.').filter(Boolean)) {
      if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
      v = (v as Doc)[key];
    }
    return v;
  }

  private resolveDeep(value: unknown, where: string, depth: number): unknown {
    if (depth > MAX_DEPTH) throw new UnresolvableVariableError(`${where}: variables nest too deep (a cycle?)`);
    if (typeof value === 'string') return this.resolveString(value, where, depth);
    if (Array.isArray(value)) return value.map((v, i) => this.resolveDeep(v, `${where}[${i}]`, depth));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolveDeep(v, `${where}.${k}`, depth)]));
    }
    return value;
  }

  /** A whole-value variable keeps the type of what it resolves to; variables inside text are joined as text. */
  private resolveString(s: string, where: string, depth: number): unknown {
    const first = s.indexOf('${');
    if (first < 0) return s;
    if (first === 0 && closingBrace(s, 0) === s.length - 1) return this.expression(s.slice(2, -1), where, depth);
    let out = '';
    let i = 0;
    while (i < s.length) {
      const at = s.indexOf('${', i);
      if (at < 0) {
        out += s.slice(i);
        break;
      }
      const end = closingBrace(s, at);
      if (end < 0) throw new UnresolvableVariableError(`${where}: unterminated variable in "${s}"`);
      const v = this.expression(s.slice(at + 2, end), where, depth);
      if (v !== null && typeof v === 'object') throw new UnresolvableVariableError(`${where}: "${s.slice(at, end + 1)}" is not text and cannot be joined into "${s}"`);
      out += s.slice(i, at) + String(v);
      i = end + 1;
    }
    return out;
  }

  /** `a, b, 'c'`: the first that has a value. */
  private expression(inner: string, where: string, depth: number): unknown {
    for (const part of splitTopLevel(inner)) {
      const v = this.operand(part, where, depth + 1);
      if (v !== undefined && v !== null) return v;
    }
    throw new UnresolvableVariableError(`${where}: "\${${inner}}" has no value here and no fallback (pass it as --param name=value if it is a param)`);
  }

  private operand(part: string, where: string, depth: number): unknown {
    const quoted = /^'([^']*)'$/.exec(part) ?? /^"([^"]*)"$/.exec(part);
    if (quoted) return quoted[1];
    if (/^-?\d+(\.\d+)?$/.test(part)) return Number(part);
    if (part === 'true' || part === 'false') return part === 'true';
    if (part.startsWith('${') && closingBrace(part, 0) === part.length - 1) return this.resolveString(part, where, depth);
    const ref = String(this.resolveString(part, where, depth)); // nested variables in the address
    const m = /^([A-Za-z][\w-]*):(.*)$/.exec(ref);
    if (!m) throw new UnresolvableVariableError(`${where}: cannot resolve "\${${part}}" outside a deployment (only ${KNOWN} are known here)`);
    const [, source, address] = m;
    switch (source) {
      case 'sls':
        if (address === 'stage') return this.ctx.stage;
        break;
      case 'opt':
        if (address === 'stage') return this.ctx.stage;
        if (address === 'region') return this.ctx.region;
        return undefined; // an option that was not given
      case 'self':
        return this.resolveDeep(this.lookup(address), address || 'self', depth);
      case 'param': {
        const params = this.lookup('params') as Record<string, Record<string, unknown>> | undefined;
        const v = this.ctx.params?.[address] ?? params?.[this.ctx.stage]?.[address] ?? params?.default?.[address];
        return this.resolveDeep(v, `params.${address}`, depth);
      }
      case 'env':
        return this.ctx.env?.[address];
    }
    throw new UnresolvableVariableError(`${where}: cannot resolve "\${${part}}" outside a deployment (only ${KNOWN} are known here)`);
  }
}
