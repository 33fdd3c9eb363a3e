/**
 * Turns an emitted event into the line a sink writes: scrubbed (scrub.ts), stamped with level, time, stage,
 * function, schema version and a unique event id, serialized once. Schema 2: `{"level":"INFO","time":…,…}` (or
 * `"level":"WARN"` for an event that asks for it).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock';
import { quote, scrubString, scrubTime, serializeScrubbed } from './scrub';
import { AUDIT_LEVEL, AUDIT_SCHEMA_VERSION, type AuditEvent } from './types';

/** One serialized event. */
export interface AuditEntry {
  /** Epoch milliseconds of `time`. */
  timestamp: number;
  /** The event as one line of JSON (no newline). */
  message: string;
}

let cachedMinute = Number.NaN;
let cachedPrefix = '';
/** `new Date(ms).toISOString()` for years 0–9999, with the date part cached per minute. */
export function isoTime(ms: number): string {
  const minute = Math.floor(ms / 60_000);
  if (minute !== cachedMinute) {
    const iso = new Date(minute * 60_000).toISOString();
    if (iso.length !== 24) return new Date(ms).toISOString();
    cachedMinute = minute;
    cachedPrefix = iso.slice(0, 17);
  }
  const rest = ms - minute * 60_000;
  const sec = Math.floor(rest / 1000);
  const milli = Math.floor(rest - sec * 1000);
  return `${cachedPrefix}${sec < 10 ? '0' : ''}${sec}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
}

/** What every audit line starts with: the level Lambda's log filter reads. */
export const AUDIT_LINE_HEAD = `{"level":"${AUDIT_LEVEL}",`;
/** The head of an event that asked for `level: 'WARN'` (AuditEvent.level). */
export const AUDIT_WARN_LINE_HEAD = '{"level":"WARN",';
const headOf = (event: AuditEvent): string => (event !== null && typeof event === 'object' && event.level === 'WARN' ? AUDIT_WARN_LINE_HEAD : AUDIT_LINE_HEAD);

export class AuditEntryBuilder {
  /** `,"stage":…,"function":…,"schema_version":2,"event_id":"<container>-` */
  private readonly tail: string;
  private seq = 0;

  constructor(
    stage: string,
    functionName: string,
    private readonly clock: Clock,
  ) {
    const idPrefix = randomBytes(6).toString('hex');
    this.tail =
      `,"stage":${quote(scrubString(stage, 64) ?? 'unknown')},"function":${quote(scrubString(functionName, 128) ?? 'unknown')}` +
      `,"schema_version":${AUDIT_SCHEMA_VERSION},"event_id":"${idPrefix}-`;
  }

  build(event: AuditEvent): AuditEntry {
    const given = event !== null && typeof event === 'object' && event.time !== undefined ? scrubTime(event.time) : undefined;
    const timestamp = given ? Date.parse(given) : this.clock.now();
    return { timestamp, message: serializeScrubbed(event, given ?? isoTime(timestamp), `${this.tail}${++this.seq}"}`, headOf(event)) };
  }

  /** Used when an event could not even be built: the fact is kept (an event happened here), its content is not. */
  unbuildable(): AuditEntry {
    const timestamp = this.clock.now();
    return {
      timestamp,
      message: `${AUDIT_LINE_HEAD}"time":"${isoTime(timestamp)}","event":"unknown","outcome":"failure","reason":"unserializable_event"${this.tail}${++this.seq}"}`,
    };
  }
}
