/**
 * Consents in the shared table: consent#<sub> / <client id>, doc JSON. One partition per user, so a consent is
 * one GetItem (or one key of the authorization request's BatchGetItem) and `users revoke-consent` one Query.
 */
import type { ConsentRecord } from '../../models/consent';
import { keyspace } from '../keyspace';
import { ConflictError, NotFoundError, type ConsentStore } from '../ports';
import { deleteItem } from './item-ops';
import type { DocTable } from './doc-table';

const PK = keyspace.consents;

export const consentKey = (sub: string, clientId: string) => ({ pk: PK(sub), sk: clientId });

export class DynamoConsentStore implements ConsentStore {
  constructor(private readonly table: DocTable) {}

  async get(sub: string, clientId: string): Promise<ConsentRecord | undefined> {
    return (await this.table.get<ConsentRecord>(PK(sub), clientId))?.doc;
  }

  async grant(sub: string, clientId: string, scopes: string[], nowSeconds: number): Promise<ConsentRecord> {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await this.table.update<ConsentRecord>(PK(sub), clientId, `consent of ${sub} to ${clientId}`, (c) => ({
          ...c,
          scopes: [...new Set([...c.scopes, ...scopes])],
          updatedAt: nowSeconds,
        }));
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
      const fresh: ConsentRecord = { sub, clientId, scopes: [...new Set(scopes)], grantedAt: nowSeconds, updatedAt: nowSeconds };
      try {
        await this.table.put(PK(sub), clientId, fresh, 1, { ifAbsent: true });
        return fresh;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err; // granted meanwhile: add to it
      }
    }
    throw new ConflictError(`the consent of ${sub} to ${clientId} is being changed concurrently`);
  }

  async list(sub: string): Promise<ConsentRecord[]> {
    return (await this.table.queryPartition<ConsentRecord>(PK(sub))).map((i) => i.doc);
  }

  async revoke(sub: string, clientId?: string): Promise<number> {
    const targets = clientId !== undefined ? (await this.get(sub, clientId)) ? [clientId] : [] : (await this.list(sub)).map((c) => c.clientId);
    for (const c of targets) await deleteItem(this.table, PK(sub), c);
    return targets.length;
  }
}
