/** What the authorizer (and introspection) asks of revocation on every decision. */
import type { RevocationReason, TokenFacts } from '../models/revocation';

/**
 * Used by the authorizer and introspection on every decision.
 * Never throws: on internal failure it answers 'revocation_state_stale' (deny), never null (allow).
 * Snapshot mode answers synchronously from memory; strict mode does one consistent lookup.
 */
export interface RevocationChecker {
  check(token: TokenFacts): RevocationReason | null | Promise<RevocationReason | null>;
  /**
   * Optional warm-up (snapshot mode: the cold-start load). Call it during Lambda init so the first
   * decision is answered from memory; resolves true once the state is loaded, false if it failed. Never rejects.
   */
  ready?(): Promise<boolean>;
}

/** Until revocation is wired, nothing is revoked. */
export const noRevocation: RevocationChecker = { check: () => null };
