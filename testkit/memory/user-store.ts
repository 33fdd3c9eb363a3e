/** In-memory UserStore: passes the same contract tests as the DynamoDB one (test/stores). */
import type { UserRecord } from '../../lib/models/user';
import { ConflictError, NotFoundError, type UserStore } from '../../lib/stores/ports';

export class MemoryUserStore implements UserStore {
  private readonly users = new Map<string, UserRecord>();
  private readonly names = new Map<string, string>();

  async get(sub: string): Promise<UserRecord | undefined> {
    const u = this.users.get(sub);
    return u && structuredClone(u);
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const sub = this.names.get(username);
    return sub === undefined ? undefined : this.get(sub);
  }

  async create(user: UserRecord): Promise<void> {
    if (this.names.has(user.username)) throw new ConflictError(`the username "${user.username}" is taken`);
    if (this.users.has(user.sub)) throw new ConflictError();
    this.names.set(user.username, user.sub);
    this.users.set(user.sub, structuredClone(user));
  }

  async update(sub: string, change: (u: UserRecord) => UserRecord): Promise<UserRecord> {
    const u = this.users.get(sub);
    if (!u) throw new NotFoundError(`user ${sub}`);
    const next = change(structuredClone(u));
    if (next.username !== u.username || next.sub !== u.sub) throw new Error("a user's sub and username cannot change");
    this.users.set(sub, structuredClone(next));
    return next;
  }

  async delete(sub: string): Promise<void> {
    const u = this.users.get(sub);
    if (!u) throw new NotFoundError(`user ${sub}`);
    this.users.delete(sub);
    if (this.names.get(u.username) === sub) this.names.delete(u.username);
  }

  async list(): Promise<UserRecord[]> {
    return [...this.users.values()].map((u) => structuredClone(u));
  }
}
