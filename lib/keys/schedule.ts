/**
 * Key states derived from timestamps, so rotation needs no scheduler.
 *
 * Every key has an activation time (KeyRecord.activatedAt, possibly in the future; createdAt if
 * unset). Ordered by activation, each key signs from its activation until the next key's
 * activation; then it is `previous` (still published) until
 *   retiresAt = successor activation + retireAfterSeconds(timings)
 * and `retired` (unpublished) after. A key whose activation is in the future is `next`:
 * published, not yet signing. A record stored with state `retired` (`keys retire`) is retired
 * at once; if it never activated it is left out of the order entirely.
 *
 * The stored `state` is only what was written at creation; the effective state is this one.
 */
import { retireAfterSeconds, type KeyTimings } from './timings';
import type { KeyRecord, KeyState } from '../models/key';

export interface ScheduledKey {
  record: KeyRecord;
  state: KeyState;
  /** Epoch seconds: when it signs first (in the future for a `next` key). */
  activatesAt: number;
  /** When its successor takes over (may be in the future while a rotation is pending). */
  deactivatesAt?: number;
  /** When it leaves the JWKS. */
  retiresAt?: number;
  /** In the JWKS: next, active and previous keys. */
  published: boolean;
}

const activationOf = (r: KeyRecord): number => r.activatedAt ?? r.createdAt;

const neverActivated = (r: KeyRecord): boolean =>
  r.state === 'retired' && r.retiredAt !== undefined && r.retiredAt <= activationOf(r);

export class KeySchedule {
  /** Keys that sign at some time, in activation order. */
  private readonly chain: KeyRecord[];
  private readonly withdrawn: KeyRecord[];
  private readonly retireAfter: number;

  constructor(records: KeyRecord[], timings: KeyTimings) {
    this.retireAfter = retireAfterSeconds(timings);
    this.chain = records
      .filter((r) => !neverActivated(r))
      .sort((a, b) => activationOf(a) - activationOf(b) || a.createdAt - b.createdAt || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0));
    this.withdrawn = records.filter(neverActivated);
  }

  get size(): number {
    return this.chain.length + this.withdrawn.length;
  }

  /** The key that signs at `nowSeconds`: the last one activated (cheap: no allocation). */
  activeAt(nowSeconds: number): KeyRecord | undefined {
    for (let i = this.chain.length - 1; i >= 0; i--) {
      const r = this.chain[i];
      if (activationOf(r) <= nowSeconds) return r.state === 'retired' ? undefined : r;
    }
    return undefined;
  }

  /** Every key with its effective state and dates at `nowSeconds`, newest activation first. */
  at(nowSeconds: number): ScheduledKey[] {
    const out: ScheduledKey[] = this.chain.map((record, i) => {
      const activatesAt = activationOf(record);
      const successor = this.chain[i + 1];
      const deactivatesAt = successor ? activationOf(successor) : undefined;
      let retiresAt = deactivatesAt === undefined ? undefined : deactivatesAt + this.retireAfter;
      let state: KeyState;
      if (record.state === 'retired') {
        state = 'retired';
        retiresAt = record.retiredAt ?? retiresAt;
      } else if (activatesAt > nowSeconds) state = 'next';
      else if (deactivatesAt === undefined || deactivatesAt > nowSeconds) state = 'active';
      else if (nowSeconds < retiresAt!) state = 'previous';
      else state = 'retired';
      return { record, state, activatesAt, deactivatesAt, retiresAt, published: state !== 'retired' };
    });
    for (const record of this.withdrawn) {
      out.push({ record, state: 'retired', activatesAt: activationOf(record), retiresAt: record.retiredAt, published: false });
    }
    return out.sort((a, b) => b.activatesAt - a.activatesAt);
  }
}
