/**
 * The audit scrubber: the only way an event reaches a sink. It keeps the known schema
 * fields (v1) and nothing else, caps every string, and replaces any string that looks like
 * a credential (lib/core/secret-shapes.ts) by "[redacted]".
 *
 * It runs on every authorizer decision, so strings are checked in one pass over their
 * characters (no backtracking regular expressions) and events are serialized directly.
 */
import { ESCAPE, inspect, PLAIN, REDACTED, SECRET } from '../core/secret-shapes';
import type { AuditEvent } from './types';

export { looksSecret, REDACTED } from '../core/secret-shapes';

/** Longest string kept in a field; longer ones are cut and end with "…". */
export const MAX_STRING_CHARS = 256;
/** A value longer than this is not inspected but redacted whole. */
const MAX_INSPECTED_CHARS = 4096;
const MAX_LIST_ITEMS = 50;
const MAX_DETAIL_ENTRIES = 16;
const DETAIL_KEY = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A safe, capped string, or undefined when the value is not a scalar. */
export function scrubString(value: unknown, max = MAX_STRING_CHARS): string | undefined {
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'number' || typeof value === 'boolean') s = String(value);
  else return undefined;
  if (s.length > MAX_INSPECTED_CHARS || inspect(s) === SECRET) return REDACTED;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** scrubString, already quoted as a JSON string. */
function scrubQuoted(value: unknown, max: number): string | undefined {
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'number' || typeof value === 'boolean') s = String(value);
  else return undefined;
  if (s.length > MAX_INSPECTED_CHARS) return QUOTED_REDACTED;
  const r = inspect(s);
  if (r === SECRET) return QUOTED_REDACTED;
  if (s.length > max) return JSON.stringify(`${s.slice(0, max - 1)}…`);
  return r === ESCAPE ? JSON.stringify(s) : `"${s}"`;
}
const QUOTED_REDACTED = JSON.stringify(REDACTED);

function scrubList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: string[] = [];
  for (let i = 0; i < value.length && out.length < MAX_LIST_ITEMS; i++) {
    const s = scrubString(value[i], 128);
    if (s !== undefined) out.push(s);
  }
  return out;
}

function scrubNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 1000) / 1000 || 0 : undefined;
}

function scrubDetail(value: unknown): Record<string, string | number | boolean> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string | number | boolean> = {};
  let n = 0;
  for (const key of Object.keys(value)) {
    if (n >= MAX_DETAIL_ENTRIES) break;
    if (!DETAIL_KEY.test(key)) continue;
    const v = (value as Record<string, unknown>)[key];
    const kept = typeof v === 'boolean' ? v : typeof v === 'number' ? scrubNumber(v) : scrubString(v);
    if (kept === undefined) continue;
    out[key] = kept;
    n++;
  }
  return n ? out : undefined;
}

/** A valid caller-supplied `time` (ISO 8601 with ms, UTC), else undefined. */
export function scrubTime(value: unknown): string | undefined {
  return typeof value === 'string' && ISO_MS.test(value) && !Number.isNaN(Date.parse(value)) ? value : undefined;
}

type Kind = 'string' | 'list' | 'number' | 'detail';
/** The optional schema fields after `event` and `outcome`, in schema order, with their caps. */
const FIELDS: readonly [name: string, kind: Kind, max: number][] = [
  ['reason', 'string', 64],
  ['client_id', 'string', 128],
  ['sub', 'string', MAX_STRING_CHARS],
  ['jti', 'string', 128],
  ['scopes_requested', 'list', 0],
  ['scopes_granted', 'list', 0],
  ['route', 'string', MAX_STRING_CHARS],
  ['source_ip', 'string', 64],
  ['user_agent', 'string', MAX_STRING_CHARS],
  ['request_id', 'string', 128],
  ['latency_ms', 'number', 0],
  ['actor', 'string', MAX_STRING_CHARS],
  ['detail', 'detail', 0],
];

function scrubField(kind: Kind, value: unknown, max: number): unknown {
  switch (kind) {
    case 'string':
      return scrubString(value, max);
    case 'list':
      return scrubList(value);
    case 'number':
      return scrubNumber(value);
    default:
      return scrubDetail(value);
  }
}

const asRecord = (event: unknown): Record<string, unknown> => (event !== null && typeof event === 'object' ? event : {}) as Record<string, unknown>;

/**
 * The schema fields of `event`, scrubbed, in schema order; everything else is dropped.
 * `time`, `stage`, `function`, `schema_version` and `event_id` are set by the emitter.
 */
export function scrubEvent(event: AuditEvent): Omit<AuditEvent, 'time' | 'stage' | 'function' | 'schema_version' | 'event_id'> {
  const e = asRecord(event);
  const out: Record<string, unknown> = { event: scrubString(e.event, 64) ?? 'unknown', outcome: scrubString(e.outcome, 16) ?? 'unknown' };
  for (const [name, kind, max] of FIELDS) {
    const raw = e[name];
    if (raw === undefined) continue;
    const v = scrubField(kind, raw, max);
    if (v !== undefined) out[name] = v;
  }
  return out as unknown as ReturnType<typeof scrubEvent>;
}

/** A JSON string literal for `s`. */
export const quote = (s: string): string => (inspect(s) === PLAIN ? `"${s}"` : JSON.stringify(s));

/**
 * Per-field memo of the last string seen and its quoted output: on the authorizer path the
 * same client, route, user agent and address repeat, and a string compare is cheaper than a scan.
 */
class StringFieldMemo {
  private raw: unknown = undefined;
  private out = '';
  constructor(
    private readonly prefix: string,
    private readonly max: number,
  ) {}

  /** `,"name":"value"`, or '' when the field is absent or not a scalar. */
  render(value: unknown): string {
    if (value === undefined) return '';
    if (typeof value === 'string' && value === this.raw) return this.out;
    const q = scrubQuoted(value, this.max);
    const out = q === undefined ? '' : this.prefix + q;
    if (typeof value === 'string') {
      this.raw = value;
      this.out = out;
    }
    return out;
  }
}

const m = (name: string, max: number) => new StringFieldMemo(`,"${name}":`, max);
const EVENT = m('event', 64);
const OUTCOME = m('outcome', 16);
const REASON = m('reason', 64);
const CLIENT_ID = m('client_id', 128);
const SUB = m('sub', MAX_STRING_CHARS);
const JTI = m('jti', 128);
const ROUTE = m('route', MAX_STRING_CHARS);
const SOURCE_IP = m('source_ip', 64);
const USER_AGENT = m('user_agent', MAX_STRING_CHARS);
const REQUEST_ID = m('request_id', 128);
const ACTOR = m('actor', MAX_STRING_CHARS);

/** A list field, memoized by array identity: callers may not mutate an array once emitted (the authorizer's are frozen). */
class ListFieldMemo {
  private raw: unknown = undefined;
  private out = '';
  constructor(private readonly prefix: string) {}

  render(value: unknown): string {
    if (value === undefined) return '';
    if (value === this.raw && Object.isFrozen(value)) return this.out;
    const list = scrubList(value);
    let out = '';
    if (list !== undefined) {
      out = `${this.prefix}[`;
      for (let i = 0; i < list.length; i++) out += (i ? ',' : '') + quote(list[i]);
      out += ']';
    }
    this.raw = value;
    this.out = out;
    return out;
  }
}
const SCOPES_REQUESTED = new ListFieldMemo(',"scopes_requested":');
const SCOPES_GRANTED = new ListFieldMemo(',"scopes_granted":');

/**
 * `head` + `"time":…,<scrubbed schema fields>` + `tail`: with the default head, exactly JSON.stringify of
 * `{ time, ...scrubEvent(event) }` without its closing brace, then `tail`; built in one go
 * (this runs on every authorizer decision). The emitter's head is `{"level":"INFO",`.
 */
export function serializeScrubbed(event: AuditEvent, time: string, tail: string, head = '{'): string {
  const e = asRecord(event) as Partial<Record<keyof AuditEvent, unknown>>;
  let json = `${head}"time":"${time}"`;
  json += EVENT.render(e.event) || ',"event":"unknown"';
  json += OUTCOME.render(e.outcome) || ',"outcome":"unknown"';
  json += REASON.render(e.reason);
  json += CLIENT_ID.render(e.client_id);
  json += SUB.render(e.sub);
  json += JTI.render(e.jti);
  json += SCOPES_REQUESTED.render(e.scopes_requested);
  json += SCOPES_GRANTED.render(e.scopes_granted);
  json += ROUTE.render(e.route);
  json += SOURCE_IP.render(e.source_ip);
  json += USER_AGENT.render(e.user_agent);
  json += REQUEST_ID.render(e.request_id);
  const latency = e.latency_ms === undefined ? undefined : scrubNumber(e.latency_ms);
  if (latency !== undefined) json += `,"latency_ms":${latency}`;
  json += ACTOR.render(e.actor);
  if (e.detail !== undefined) {
    const detail = scrubDetail(e.detail);
    if (detail !== undefined) json += `,"detail":${JSON.stringify(detail)}`;
  }
  return json + tail;
}
