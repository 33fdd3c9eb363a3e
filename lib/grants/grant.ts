/**
 * A grant type of the token endpoint (RFC 6749 §4): one file per grant, listed in registry.ts. The endpoint
 * authenticates the client, finds the grant, checks that the client may use it, and calls `handle`; the grant
 * says what to issue, and the endpoint mints, answers and audits.
 */
import type { Clock } from '../core/clock';
import type { Config } from '../config/types';
import type { ClientCredentials } from '../client-auth/method';
import type { FormParams } from '../http/form';
import type { ClientRecord, GrantType } from '../models/client';
import type { MintInput } from '../tokens/access-token';
import type { IdTokenInput } from '../tokens/id-token';
import type { AuditSink } from '../audit/types';
import type { IdGenerator } from '../core/ids';
import type { AuthorizationCodeStore, RefreshFamilyStore, RevocationStore, SignInStateReader, UserStore } from '../stores/ports';
import type { Lockout } from '../lockout/lockout';
import type { SignIn } from '../users/lazy-sign-in';
import type { AuditEvent } from '../audit/types';

export interface GrantRequest {
  params: FormParams;
  /** The authenticated client. */
  client: ClientRecord;
  credentials: ClientCredentials;
  /** The request's time basis, fixed when the client was authenticated. */
  clock: Clock;
}

/** What every grant may use; grants that need stores (codes, users, refresh families) add theirs. */
export interface GrantServices {
  config: Config;
  /** The authorization code grant: codes, the user and session behind them, revocation of a replayed code's token. */
  codes?: AuthorizationCodeStore;
  signInState?: SignInStateReader;
  revocations?: RevocationStore;
  /** Refresh-token families: started by the code exchange, rotated by the refresh token grant. */
  refreshFamilies?: RefreshFamilyStore;
  /** For events a grant itself emits (`code.reused`); the endpoint audits the outcome. */
  audit?: AuditSink;
  ids?: IdGenerator;
  /** The password grant: the users, the per-username lockout the login page uses, and its check (lib/users/lazy-sign-in.ts). */
  users?: UserStore;
  userLockout?: Lockout;
  signIn?: SignIn;
}

/** What a grant decided to issue. */
export interface GrantOutcome {
  accessToken: MintInput;
  /** A refresh token to return with it (RFC 6749 §5.1). */
  refreshToken?: string;
  /** OpenID Connect: the id_token to issue with it (the grant covers `openid`); minted after the access token (at_hash). */
  idToken?: IdTokenInput;
  /** Small, non-secret facts for the audit event (`detail`). */
  auditDetail?: Record<string, string | number | boolean>;
}

export interface Grant {
  /** The `grant_type` value (an absolute URI for extension grants). */
  readonly grantType: GrantType;
  /** The request parameters it reads, besides grant_type and client authentication. */
  readonly parameters: readonly string[];
  /** Whether this deployment offers it (metadata lists only these; others answer unsupported_grant_type). Default: yes. */
  enabled?(config: Config): boolean;
  handle(req: GrantRequest, services: GrantServices): Promise<GrantOutcome> | GrantOutcome;
  /**
   * What every audit event of a request naming this grant carries, enabled or not, success or failure (the password
   * grant: WARN, `detail.grant_type`, and only declared scope names in `scopes_requested`).
   */
  requestAudit?(params: FormParams, config: Config): Pick<AuditEvent, 'level' | 'scopes_requested' | 'detail'>;
}
