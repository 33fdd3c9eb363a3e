/**
 * Strict revocation mode (PORTCULLIS_REVOCATION_MODE=strict): one consistent lookup per decision, zero staleness.
 * The lookup is ONE BatchGetItem of the token's possible records (jti, client, subject, and its grant and session
 * when it carries `gid` / `sid`), strongly consistent.
 * Any failure answers 'revocation_state_stale' (deny), never null (allow).
 */
import type { RevocationReason, TokenFacts } from '../models/revocation';
import type { RevocationChecker } from './checker';
import type { RevocationStore } from '../stores/ports';

export class StrictRevocationChecker implements RevocationChecker {
  constructor(
    private readonly store: RevocationStore,
    private readonly onError?: (err: unknown) => void,
  ) {}

  async check(token: TokenFacts): Promise<RevocationReason | null> {
    try {
      return (await this.store.findForToken(token))?.reason ?? null;
    } catch (err) {
      try {
        this.onError?.(err);
      } catch {
        // a failing logger must not turn into an allow
      }
      return 'revocation_state_stale';
    }
  }

  /** Nothing to load. */
  async ready(): Promise<boolean> {
    return true;
  }
}
