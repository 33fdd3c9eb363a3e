/**
 * Choosing the "not before" epoch of a client or subject revocation.
 *
 * JWT `iat` has one-second granularity, so a token minted earlier in the revoke's second and one minted
 * later in that same second carry the same iat and cannot be told apart. Portcullis takes the safe side:
 * a not-before record kills every token with `iat <= notBefore`, and `revoke --client/--sub` uses the
 * current second. Tokens minted in the same second as the revoke therefore die too (a client that
 * fetches a token within that second gets one that fails; the next second's token works).
 */
import type { Clock } from '../core/clock';
import { epochSeconds } from '../core/clock';

/** `revoke --client ID`, `revoke --sub SUB`: every token issued up to and including the current second. */
export const notBeforeNow = (clock: Clock): number => epochSeconds(clock);

/**
 * Disabling a client: token-endpoint containers may keep the client's old `active` record in their cache for
 * up to `clientCacheTtlMs`, and can authenticate it that long after the disable. Those tokens die too: their `iat`
 * is the authentication time (lib/client-auth/authenticate.ts), however long signing takes after it.
 */
export const notBeforeForDisable = (clock: Clock, clientCacheTtlMs: number): number =>
  epochSeconds(clock) + Math.ceil(clientCacheTtlMs / 1000);
