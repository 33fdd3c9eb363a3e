/**
 * Users in the shared table.
 *   user#<sub>          / user      the record (doc JSON)
 *   username#<name>     / username  { sub }: written FIRST with a conditional put, so a username is taken once
 *   users               / <sub>     the list of subs (`users list`, admin only)
 * Single-item conditional writes only (no transactions): a create that fails after the username item removes it
 * again; a crash in between leaves a username item that names no user, which reads as absent (and `users create`
 * reports the name as taken: delete it with `users delete` of the same name).
 */
import type { UserRecord } from '../../models/user';
import { keyspace, sortKeys } from '../keyspace';
import { ConflictError, NotFoundError, type UserStore } from '../ports';
import { deleteItem } from './item-ops';
import type { DocTable } from './doc-table';

const PK = keyspace.user;
const SK = sortKeys.user;
const NAME_PK = keyspace.username;
const NAME_SK = sortKeys.username;
const INDEX_PK = keyspace.userIndex;

interface UsernameLink {
  sub: string;
}

/** No user has this sub (a real one is `usr_` + base64url): read for an unknown username, see findByUsername. */
const NO_SUCH_SUB = 'usr_!unknown';

export class DynamoUserStore implements UserStore {
  constructor(private readonly table: DocTable) {}

  async get(sub: string): Promise<UserRecord | undefined> {
    return (await this.table.get<UserRecord>(PK(sub), SK))?.doc;
  }

  /**
   * Two consistent reads whatever the answer: for an unknown username the second one reads a user that does not exist,
   * so the sign-in form's timing does not tell whether a username exists (the password check already costs the same).
   */
  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const link = await this.table.get<UsernameLink>(NAME_PK(username), NAME_SK);
    const user = await this.get(link?.doc.sub ?? NO_SUCH_SUB);
    return link && user?.username === username ? user : undefined;
  }

  async create(user: UserRecord): Promise<void> {
    try {
      await this.table.put<UsernameLink>(NAME_PK(user.username), NAME_SK, { sub: user.sub }, 1, { ifAbsent: true });
    } catch (err) {
      if (err instanceof ConflictError) throw new ConflictError(`the username "${user.username}" is taken`);
      throw err;
    }
    try {
      await this.table.put(PK(user.sub), SK, user, 1, { ifAbsent: true });
    } catch (err) {
      await deleteItem(this.table, NAME_PK(user.username), NAME_SK).catch(() => undefined);
      throw err;
    }
    await this.table.put(INDEX_PK, user.sub, { sub: user.sub }, 1);
  }

  update(sub: string, change: (u: UserRecord) => UserRecord): Promise<UserRecord> {
    return this.table.update<UserRecord>(PK(sub), SK, `user ${sub}`, (u) => {
      const next = change(u);
      if (next.username !== u.username || next.sub !== u.sub) throw new Error('a user\'s sub and username cannot change');
      return next;
    });
  }

  async delete(sub: string): Promise<void> {
    const user = await this.get(sub);
    if (!user) throw new NotFoundError(`user ${sub}`);
    await deleteItem(this.table, PK(sub), SK);
    const link = await this.table.get<UsernameLink>(NAME_PK(user.username), NAME_SK);
    if (link?.doc.sub === sub) await deleteItem(this.table, NAME_PK(user.username), NAME_SK);
    await deleteItem(this.table, INDEX_PK, sub);
  }

  async list(): Promise<UserRecord[]> {
    const subs = await this.table.queryPartition<{ sub: string }>(INDEX_PK);
    const users = await Promise.all(subs.map((i) => this.get(i.doc.sub)));
    return users.filter((u): u is UserRecord => u !== undefined);
  }
}
