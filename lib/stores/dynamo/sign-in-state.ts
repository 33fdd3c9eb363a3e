/**
 * The authorization and token endpoints' one read of a signed-in browser: its session, its user and (for a
 * third-party client) the user's consent, in ONE consistent BatchGetItem. The cookie names both the session and
 * the user (lib/sessions/session-cookie.ts), which is what makes one call enough.
 */
import type { ConsentRecord } from '../../models/consent';
import type { SessionRecord } from '../../models/session';
import type { UserRecord } from '../../models/user';
import { keyspace, sortKeys } from '../keyspace';
import type { SignInState, SignInStateReader } from '../ports';
import { consentKey } from './consent-store';
import type { DocTable, StoredDoc } from './doc-table';
import { sessionFrom, sessionKey } from './session-store';

export class DynamoSignInStateReader implements SignInStateReader {
  constructor(private readonly table: DocTable) {}

  async read(keys: { sid: string; sub: string; consentClientId?: string }): Promise<SignInState> {
    const wanted: Array<{ pk: string; sk: string }> = [sessionKey(keys.sid), { pk: keyspace.user(keys.sub), sk: sortKeys.user }];
    if (keys.consentClientId !== undefined) wanted.push(consentKey(keys.sub, keys.consentClientId));
    const [session, user, consent] = await this.table.batchGet<unknown>(wanted);
    return {
      session: sessionFrom(session as StoredDoc<SessionRecord> | undefined),
      user: (user as StoredDoc<UserRecord> | undefined)?.doc,
      consent: (consent as StoredDoc<ConsentRecord> | undefined)?.doc,
    };
  }
}
