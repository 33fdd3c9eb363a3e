/**
 * The subset of CloudWatch Logs Insights the fake CloudWatch Logs server answers (StartQuery / GetQueryResults),
 * enough for `audit report`'s queries and strict about anything else (a query outside the subset is refused, so a
 * typo does not pass silently):
 *   filter <cond>          cond: ispresent(f) | f = "s" | f = n | f >= n (>, <, <=) | f in ["a", "b"] | ( … ),
 *                          combined with `and` / `or` (and binds tighter)
 *   fields f [as a], …     keeps those fields (@timestamp included)
 *   stats agg as a, … [by f | bin(1m) as a, …]   agg: count(*) | count_distinct(f) | min(f) | max(f)
 *   sort a asc|desc
 *   limit n
 * Fields are read from the message as JSON (`detail.error` is a nested field); `@timestamp` is the event timestamp,
 * printed like Logs Insights prints it (`2026-01-01 12:00:00.000`).
 */
export type Row = Record<string, unknown>;
type Cond = (row: Row) => boolean;
type Agg = { kind: 'count' | 'count_distinct' | 'min' | 'max'; field?: string; as: string };
type Group = { field?: string; binMs?: number; as: string };
type Command =
  | { kind: 'filter'; cond: Cond }
  | { kind: 'fields'; fields: { field: string; as: string }[] }
  | { kind: 'stats'; aggs: Agg[]; by: Group[] }
  | { kind: 'sort'; field: string; desc: boolean }
  | { kind: 'limit'; n: number };
export type InsightsQuery = Command[];

const FIELD = /^[@A-Za-z_][A-Za-z0-9_.]*$/;

function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && (c === '(' || c === '[')) depth++;
    if (!quoted && (c === ')' || c === ']')) depth--;
    if (!quoted && depth === 0 && text.startsWith(sep, i)) {
      out.push(cur);
      cur = '';
      i += sep.length - 1;
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

function field(name: string): string {
  if (!FIELD.test(name)) throw new Error(`unsupported field "${name}"`);
  return name;
}

function literal(text: string): string | number {
  const t = text.trim();
  if (/^"(?:[^"\\]|\\.)*"$/.test(t)) return JSON.parse(t) as string;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  throw new Error(`unsupported literal ${t}`);
}

function parseCond(text: string): Cond {
  const ors = splitTop(text, ' or ');
  if (ors.length > 1) {
    const parts = ors.map(parseCond);
    return (r) => parts.some((p) => p(r));
  }
  const ands = splitTop(text, ' and ');
  if (ands.length > 1) {
    const parts = ands.map(parseCond);
    return (r) => parts.every((p) => p(r));
  }
  const t = text.trim();
  if (t.startsWith('(') && t.endsWith(')')) return parseCond(t.slice(1, -1));
  let m = /^ispresent\(([^)]+)\)$/.exec(t);
  if (m) {
    const f = field(m[1].trim());
    return (r) => r[f] !== undefined && r[f] !== null;
  }
  m = /^(\S+)\s+in\s+\[(.*)\]$/.exec(t);
  if (m) {
    const f = field(m[1]);
    const values = splitTop(m[2], ',').map(literal);
    return (r) => values.includes(r[f] as string | number);
  }
  m = /^(\S+)\s*(>=|<=|>|<|=)\s*(.+)$/.exec(t);
  if (m) {
    const [f, op, v] = [field(m[1]), m[2], literal(m[3])];
    return (r) => {
      const x = r[f];
      if (op === '=') return x === v;
      if (typeof x !== 'number' || typeof v !== 'number') return false;
      return op === '>=' ? x >= v : op === '<=' ? x <= v : op === '>' ? x > v : x < v;
    };
  }
  throw new Error(`unsupported condition "${t}"`);
}

function parseAs(text: string): { expr: string; as?: string } {
  const m = /^(.*?)\s+as\s+([A-Za-z_][A-Za-z0-9_]*)$/.exec(text.trim());
  return m ? { expr: m[1].trim(), as: m[2] } : { expr: text.trim() };
}

export function parseInsightsQuery(query: string): InsightsQuery {
  const commands: InsightsQuery = [];
  for (const raw of splitTop(query, '|')) {
    const m = /^(\w+)\s+([\s\S]*)$/.exec(raw.trim());
    if (!m) throw new Error(`cannot parse "${raw}"`);
    const [verb, rest] = [m[1], m[2].trim()];
    if (verb === 'filter') commands.push({ kind: 'filter', cond: parseCond(rest) });
    else if (verb === 'fields') {
      commands.push({
        kind: 'fields',
        fields: splitTop(rest, ',').map((p) => {
          const { expr, as } = parseAs(p);
          return { field: field(expr), as: as ?? expr };
        }),
      });
    } else if (verb === 'stats') {
      const [aggText, byText] = splitTop(rest, ' by ');
      const aggs = splitTop(aggText, ',').map((p): Agg => {
        const { expr, as } = parseAs(p);
        const a = /^(count|count_distinct|min|max)\((.*)\)$/.exec(expr);
        if (!a || !as) throw new Error(`unsupported aggregate "${p}" (name it with as)`);
        if (a[1] === 'count') {
          if (a[2] !== '*') throw new Error('count(*) only');
          return { kind: 'count', as };
        }
        return { kind: a[1] as Agg['kind'], field: field(a[2].trim()), as };
      });
      const by = byText
        ? splitTop(byText, ',').map((p): Group => {
            const { expr, as } = parseAs(p);
            const b = /^bin\((\d+)([smh])\)$/.exec(expr);
            if (b) {
              if (!as) throw new Error('name bin() with as');
              return { binMs: Number(b[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[b[2] as 's' | 'm' | 'h'], as };
            }
            return { field: field(expr), as: as ?? expr };
          })
        : [];
      commands.push({ kind: 'stats', aggs, by });
    } else if (verb === 'sort') {
      const s = /^(\S+)(?:\s+(asc|desc))?$/.exec(rest);
      if (!s) throw new Error(`cannot parse sort "${rest}"`);
      commands.push({ kind: 'sort', field: s[1], desc: s[2] === 'desc' });
    } else if (verb === 'limit') {
      if (!/^\d+$/.test(rest)) throw new Error(`cannot parse limit "${rest}"`);
      commands.push({ kind: 'limit', n: Number(rest) });
    } else throw new Error(`unsupported command "${verb}"`);
  }
  return commands;
}

/** Logs Insights' rendering of a timestamp: `2026-01-01 12:00:00.000` (UTC). */
export const insightsTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

function flatten(obj: Record<string, unknown>, prefix = '', out: Row = {}): Row {
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

export function runInsightsQuery(query: InsightsQuery, events: { timestamp: number; message: string }[]): { field: string; value: string }[][] {
  let rows: Row[] = [];
  for (const e of events.slice().sort((a, b) => a.timestamp - b.timestamp)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(e.message);
    } catch {
      parsed = undefined;
    }
    const row: Row = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? flatten(parsed as Record<string, unknown>) : {};
    row['@timestamp'] = e.timestamp;
    row['@message'] = e.message;
    rows.push(row);
  }
  for (const c of query) {
    if (c.kind === 'filter') rows = rows.filter(c.cond);
    else if (c.kind === 'fields') rows = rows.map((r) => Object.fromEntries(c.fields.map((f) => [f.as, r[f.field]])));
    else if (c.kind === 'limit') rows = rows.slice(0, c.n);
    else if (c.kind === 'sort') {
      const sign = c.desc ? -1 : 1;
      rows = rows.slice().sort((a, b) => {
        const x = a[c.field] as number | string;
        const y = b[c.field] as number | string;
        return x === y ? 0 : x === undefined ? 1 : y === undefined ? -1 : x < y ? -sign : sign;
      });
    } else {
      const groups = new Map<string, { key: Row; rows: Row[] }>();
      for (const r of rows) {
        const key: Row = {};
        for (const g of c.by) key[g.as] = g.binMs ? Math.floor(Number(r['@timestamp']) / g.binMs) * g.binMs : r[g.field!];
        const k = JSON.stringify(key);
        if (!groups.has(k)) groups.set(k, { key, rows: [] });
        groups.get(k)!.rows.push(r);
      }
      rows = [...groups.values()].map(({ key, rows: rs }) => {
        const out: Row = { ...key };
        for (const g of c.by) if (g.binMs) out[g.as] = insightsTime(key[g.as] as number);
        for (const a of c.aggs) {
          const values = a.field ? rs.map((r) => r[a.field!]).filter((v) => v !== undefined && v !== null) : [];
          if (a.kind === 'count') out[a.as] = rs.length;
          else if (a.kind === 'count_distinct') out[a.as] = new Set(values).size;
          else {
            const sorted = values.slice().sort((x, y) => (x! < y! ? -1 : x! > y! ? 1 : 0));
            const v = a.kind === 'min' ? sorted[0] : sorted[sorted.length - 1];
            out[a.as] = a.field === '@timestamp' && v !== undefined ? insightsTime(v as number) : v;
          }
        }
        return out;
      });
    }
  }
  return rows.map((r) =>
    Object.entries(r)
      .filter(([k, v]) => v !== undefined && v !== null && k !== '@message')
      .map(([k, v]) => ({ field: k, value: k === '@timestamp' ? insightsTime(v as number) : typeof v === 'string' ? v : JSON.stringify(v) })),
  );
}
