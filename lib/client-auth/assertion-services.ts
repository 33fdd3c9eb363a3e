/** What verifying a `private_key_jwt` assertion needs besides the client record (built in lib/composition). */
import type { AssertionJtiStore } from '../stores/ports';
import type { AssertionAudience } from './assertion-claims';
import type { ClientKeySource } from './client-keys';

export interface ClientAssertionServices extends AssertionAudience {
  /** Tolerance on exp / nbf / iat (config.clockSkewSeconds). */
  clockSkewSeconds: number;
  keys: ClientKeySource;
  /** Used jtis: one conditional write per accepted assertion. */
  jtis: AssertionJtiStore;
}
