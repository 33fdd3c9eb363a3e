/** In-memory SessionStore (same contract as DynamoDB's): a record past its `expiresAt` is absent. */
import type { Clock } from '../../lib/core/clock';
import { epochSeconds } from '../../lib/core/clock';
import type { SessionRecord } from '../../lib/models/session';
import { ConflictError, type SessionStore } from '../../lib/stores/ports';

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, SessionRecord>();
  constructor(private readonly clock: Clock) {}

  private live(sid: string): SessionRecord | undefined {
    const s = this.sessions.get(sid);
    return s && s.expiresAt > epochSeconds(this.clock) ? s : undefined;
  }

  async create(session: SessionRecord): Promise<void> {
    if (this.live(session.sid)) throw new ConflictError();
    this.sessions.set(session.sid, structuredClone(session));
  }

  async get(sid: string): Promise<SessionRecord | undefined> {
    const s = this.live(sid);
    return s && structuredClone(s);
  }

  async touch(sid: string, expiresAt: number): Promise<boolean> {
    const s = this.live(sid);
    if (!s) return false;
    s.expiresAt = expiresAt;
    return true;
  }

  async end(sid: string): Promise<boolean> {
    const live = this.live(sid) !== undefined;
    this.sessions.delete(sid);
    return live;
  }
}
