/**
 * SSO sessions in the shared table: session#<sid> / session, the record as doc JSON (the cookie's secret only as
 * its SHA-256), TTL `expiresAt` = the idle deadline capped by the absolute one, moved forward by `touch` with one
 * conditional UpdateItem, removed by `end` (logout) with one conditional DeleteItem. Past its TTL a session is absent (dynalite never deletes; DynamoDB deletes lazily).
 */
import type { SessionRecord } from '../../models/session';
import { keyspace, sortKeys } from '../keyspace';
import type { SessionStore } from '../ports';
import { deleteLiveItem, moveExpiry } from './item-ops';
import type { DocTable, StoredDoc } from './doc-table';

const PK = keyspace.session;
const SK = sortKeys.session;

/** The record with its TTL as stored now (the doc's copy is the one written at creation). */
export const sessionFrom = (item: StoredDoc<SessionRecord> | undefined): SessionRecord | undefined =>
  item ? { ...item.doc, expiresAt: item.expiresAt ?? item.doc.expiresAt } : undefined;

export const sessionKey = (sid: string) => ({ pk: PK(sid), sk: SK });

export class DynamoSessionStore implements SessionStore {
  constructor(private readonly table: DocTable) {}

  async create(session: SessionRecord): Promise<void> {
    await this.table.put(PK(session.sid), SK, session, 1, { ifAbsent: true, expiresAt: session.expiresAt });
  }

  async get(sid: string): Promise<SessionRecord | undefined> {
    return sessionFrom(await this.table.get<SessionRecord>(PK(sid), SK));
  }

  touch(sid: string, expiresAt: number): Promise<boolean> {
    return moveExpiry(this.table, PK(sid), SK, expiresAt);
  }

  /** One conditional DeleteItem (logout). */
  end(sid: string): Promise<boolean> {
    return deleteLiveItem(this.table, PK(sid), SK);
  }
}
