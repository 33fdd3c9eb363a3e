import { PUT_MAX_EVENTS, rejectedEntries, splitIntoBatches } from '../../lib/audit/batches';
import type { AuditEntry } from '../../lib/audit/entry';

const entry = (timestamp: number, message = '{}'): AuditEntry => ({ timestamp, message });

describe('PutLogEvents batches', () => {
  test('at most 10,000 events per batch', () => {
    const entries = Array.from({ length: PUT_MAX_EVENTS + 1 }, (_, i) => entry(i));
    const { batches } = splitIntoBatches(entries);
    expect(batches.map((b) => b.length)).toEqual([10_000, 1]);
  });

  test('at most 1,048,576 bytes per batch, counting 26 bytes per event and UTF-8 bytes of the message', () => {
    const msg = 'é'.repeat(1000); // 2000 bytes
    const perEvent = 2000 + 26;
    const fit = Math.floor(1_048_576 / perEvent);
    const { batches } = splitIntoBatches(Array.from({ length: fit + 1 }, (_, i) => entry(i, msg)));
    expect(batches.map((b) => b.length)).toEqual([fit, 1]);
  });

  test('sorted by time, stable for equal times, and never spanning more than 24 hours', () => {
    const day = 24 * 3600 * 1000;
    const { batches } = splitIntoBatches([entry(5, 'b'), entry(1, 'a'), entry(5, 'c'), entry(1 + day + 1, 'd')]);
    expect(batches.map((b) => b.map((e) => e.message))).toEqual([['a', 'b', 'c'], ['d']]);
  });

  test('rejectedLogEventsInfo selects the too old, expired and too new events', () => {
    const batch = Array.from({ length: 8 }, (_, i) => entry(i, String(i)));
    expect(rejectedEntries(batch, undefined)).toEqual([]);
    expect(rejectedEntries(batch, { tooOldLogEventEndIndex: 1, expiredLogEventEndIndex: 2, tooNewLogEventStartIndex: 6 }).map((e) => e.message)).toEqual(['0', '1', '2', '6', '7']);
  });
});
