/** In-memory SignInStateReader over the in-memory session, user and consent stores. */
import type { SignInState, SignInStateReader } from '../../lib/stores/ports';
import type { MemoryConsentStore } from './consent-store';
import type { MemorySessionStore } from './session-store';
import type { MemoryUserStore } from './user-store';

export class MemorySignInStateReader implements SignInStateReader {
  reads = 0;
  constructor(private readonly stores: { sessions: MemorySessionStore; users: MemoryUserStore; consents: MemoryConsentStore }) {}

  async read(keys: { sid: string; sub: string; consentClientId?: string }): Promise<SignInState> {
    this.reads++;
    const [session, user, consent] = await Promise.all([
      this.stores.sessions.get(keys.sid),
      this.stores.users.get(keys.sub),
      keys.consentClientId === undefined ? undefined : this.stores.consents.get(keys.sub, keys.consentClientId),
    ]);
    return { session, user, consent };
  }
}
