/**
 * The stores' ports: every interface the domain needs of storage, and the errors they raise.
 * DynamoDB adapters live in dynamo/ (one table, lib/stores/keyspace.ts); in-memory ones in the test kit
 * pass the same contract tests (test/stores/contract).
 */
import type { AuthorizationCodeRecord, CodeRedemption, RedeemResult } from '../models/authorization-code';
import type { ClientRecord } from '../models/client';
import type { ConsentRecord } from '../models/consent';
import type { KeyRecord } from '../models/key';
import type { LockoutState } from '../models/lockout';
import type {
  ClientRevocation,
  GrantRevocation,
  RevocationFeedPage,
  RevokeGrantInput,
  RevokeSessionInput,
  SessionRevocation,
  RateWindow,
  RevocationHit,
  RevokeTokenInput,
  RevokeTokenOptions,
  SubjectRevocation,
  TokenFacts,
  TokenRevocation,
} from '../models/revocation';
import type { SessionRecord } from '../models/session';
import type { RefreshFamily, RefreshState } from '../models/refresh-family';
import type { UserRecord } from '../models/user';

/** A conditional write found the record changed, or already there. */
export class ConflictError extends Error {
  constructor(message = 'the record changed or already exists') {
    super(message);
    this.name = 'ConflictError';
  }
}

export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

export interface ClientStore {
  get(clientId: string): Promise<ClientRecord | undefined>;
  /** Fails with ConflictError if the id exists. */
  create(client: ClientRecord): Promise<void>;
  /** Applies `change` to the current record with an optimistic check; returns the new record. */
  update(clientId: string, change: (c: ClientRecord) => ClientRecord): Promise<ClientRecord>;
  list(): Promise<ClientRecord[]>;
}

export interface KeyStore {
  list(): Promise<KeyRecord[]>;
  get(kid: string): Promise<KeyRecord | undefined>;
  create(key: KeyRecord): Promise<void>;
  update(kid: string, change: (k: KeyRecord) => KeyRecord): Promise<KeyRecord>;
}

/** Failed-authentication counts per id (lib/lockout): one record per id, updated atomically. */
export interface LockoutStore {
  /** The live record of the id, or undefined. */
  get(clientId: string, nowMs: number): Promise<LockoutState | undefined>;
  /** Counts one failure; the state after it. */
  recordFailure(clientId: string, opts: { nowMs: number; ttlSeconds: number; knownAbsent?: boolean }): Promise<LockoutState>;
  /** Forgets the id's count. */
  clear(clientId: string, nowMs: number): Promise<void>;
}

/** Revocation records and their feed (lib/revocation reads it into the authorizer's snapshot). */
export interface RevocationStore {
  /**
   * Idempotent: revoking a revoked jti returns the first record and writes nothing. An already-expired token is
   * not stored.
   */
  revokeToken(input: RevokeTokenInput, opts?: RevokeTokenOptions): Promise<TokenRevocation>;
  /** Moves the client's not-before forward (never back); returns the record in force afterwards. */
  revokeClient(clientId: string, opts: { notBefore: number; reason: 'revoked' | 'disabled'; by?: string }): Promise<ClientRevocation>;
  /** Moves the subject's not-before forward (never back); returns the record in force afterwards. */
  revokeSubject(sub: string, opts: { notBefore: number; by?: string }): Promise<SubjectRevocation>;
  /**
   * Kills every access token carrying this `gid` (a refresh family, a code exchange), whatever its iat. Idempotent like
   * revokeToken: a grant already revoked returns the first record and writes nothing.
   */
  revokeGrant(gid: string, input?: RevokeGrantInput): Promise<GrantRevocation>;
  /** Kills every token carrying this `sid` with iat <= notBefore (logout). Moves forward only; the record in force afterwards. */
  revokeSession(sid: string, input: RevokeSessionInput): Promise<SessionRevocation>;
  /** The record that kills this token, or undefined. One consistent BatchGetItem. Throws if the store fails. */
  findForToken(token: TokenFacts): Promise<RevocationHit | undefined>;
  /**
   * Records written after `after` (exclusive) in write order; without `after`, every record that can still be
   * live (the cold-start load). One Query on the `feed` index (more only past 1 MB of results).
   */
  readFeed(after?: string): Promise<RevocationFeedPage>;
}

/** Per-client counters of new revocations (lib/revocation/revoke-rate-limit.ts). */
export interface RevokeRateLimitStore {
  /** Counts one revocation of the client in the window; false (nothing counted) when it already holds `limit`. */
  take(clientId: string, window: RateWindow, limit: number): Promise<boolean>;
}

/**
 * Single use of client assertions (lib/client-auth/private-key-jwt.ts): a jti is claimed with ONE conditional write,
 * so two containers that receive the same assertion cannot both accept it.
 */
export interface AssertionJtiStore {
  /**
   * Remembers the client's jti until `expiresAt` (epoch seconds; absent past it). True when this call recorded it;
   * false (nothing written) when it is already recorded and live: a replay.
   */
  claim(clientId: string, jti: string, opts: { expiresAt: number; nowSeconds: number }): Promise<boolean>;
}

/** Per-client token quota counters (lib/clients/token-quota.ts): one counter per client and fixed window. */
export interface TokenQuotaStore {
  /** Counts one token of the client in the window; false (nothing counted) when the window already holds `limit`. */
  take(clientId: string, window: RateWindow, limit: number): Promise<boolean>;
  /** Tokens counted in the window so far (0 when none). */
  used(clientId: string, window: RateWindow): Promise<number>;
}

/** Users (lib/users): by sub, and by their unique normalized username. */
export interface UserStore {
  get(sub: string): Promise<UserRecord | undefined>;
  /** The user with this normalized username (a username item, then the user: two reads), or undefined. */
  findByUsername(username: string): Promise<UserRecord | undefined>;
  /** Fails with ConflictError when the username (or the sub) is taken: the username item is written first, conditionally. */
  create(user: UserRecord): Promise<void>;
  /** Applies `change` with an optimistic check; the username cannot change. NotFoundError when absent. */
  update(sub: string, change: (u: UserRecord) => UserRecord): Promise<UserRecord>;
  /** Removes the user and frees the username. */
  delete(sub: string): Promise<void>;
  list(): Promise<UserRecord[]>;
}

/** SSO sessions (lib/sessions), by their public id. */
export interface SessionStore {
  /** Fails with ConflictError if the sid exists. Its `expiresAt` is the record's TTL. */
  create(session: SessionRecord): Promise<void>;
  /** The live session (its `expiresAt` as stored now), or undefined. */
  get(sid: string): Promise<SessionRecord | undefined>;
  /** Pushes the idle deadline (the TTL) forward with one conditional write; false once the session is gone. */
  touch(sid: string, expiresAt: number): Promise<boolean>;
  /** Ends the session (logout): the record is removed, so no cookie, code or refresh token can use it again. True when it was there. */
  end(sid: string): Promise<boolean>;
}

/** What an authorization or token request needs about a signed-in browser, read together (one BatchGetItem). */
export interface SignInState {
  session?: SessionRecord;
  user?: UserRecord;
  consent?: ConsentRecord;
}

export interface SignInStateReader {
  /** The session, its user and (when `consentClientId` is given) the user's consent to that client, in one read. */
  read(keys: { sid: string; sub: string; consentClientId?: string }): Promise<SignInState>;
}

/** What a token request presents against a code's bindings. */
export interface PresentedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  resource?: string | null;
}

/** Authorization codes, stored by the SHA-256 of the code (lib/authorization/codes.ts). */
export interface AuthorizationCodeStore {
  /** `codeHash`: hex SHA-256 of the code. Fails with ConflictError if it exists. */
  create(codeHash: string, record: AuthorizationCodeRecord): Promise<void>;
  /**
   * Redeems the code with ONE conditional write when it is live, unredeemed and every binding matches (client,
   * redirect_uri, the S256 challenge of the presented verifier); records which token comes of it. Otherwise nothing
   * is written and a consistent read says why (a replay returns what the first redemption recorded).
   * `presented.resource` (RFC 8707, the token request's `resource`): undefined → not checked; null → the code must be
   * for the default audience (no resource); a string → the code's resource must be exactly it.
   */
  redeem(
    codeHash: string,
    presented: PresentedCode,
    redemption: CodeRedemption & { expiresAt: number },
    nowSeconds: number,
  ): Promise<RedeemResult>;
}

/** Users' consents to third-party clients (per user and client; the scopes accumulate). */
export interface ConsentStore {
  get(sub: string, clientId: string): Promise<ConsentRecord | undefined>;
  /** Adds `scopes` to what the user has allowed the client. Returns the consent after it. */
  grant(sub: string, clientId: string, scopes: string[], nowSeconds: number): Promise<ConsentRecord>;
  list(sub: string): Promise<ConsentRecord[]>;
  /** Forgets the user's consent to one client, or to every client; the number forgotten. */
  revoke(sub: string, clientId?: string): Promise<number>;
}

/** One refresh of a family, decided on what the BatchGetItem read (lib/grants/refresh-token.ts). */
export interface RotateRequest {
  /**
   * `current`: the current token was presented; with rotation it becomes `previous` (its grace window starts now) and
   * the old previous is retired. `previous`: inside its grace window; only the current token is replaced.
   * `keep`: rotation is off; the current token stays current.
   */
  from: 'current' | 'previous' | 'keep';
  presentedHash: string;
  /** The new current hash (`keep`: the presented one). */
  newHash: string;
  nowSeconds: number;
  /** `previous`: the previous token must have become previous after this (epoch seconds): the grace window. */
  graceStartsAfter: number;
  /** `current`: the retired hashes to store (the old previous appended, bounded). */
  retiredHashes: string[];
  /** The family's new TTL. */
  expiresAt: number;
  /** The scope of the access token issued with it. */
  scopes: string[];
}

/** Refresh-token families (lib/refresh): one item per family in the user's partition, only hashes of tokens. */
export interface RefreshFamilyStore {
  /** Fails with ConflictError if the family exists. */
  create(family: RefreshFamily): Promise<void>;
  /** The family, the user, and the grant and session revocation records that could end it: ONE consistent BatchGetItem. */
  read(keys: { sub: string; familyKey: string; gid: string; sid: string }): Promise<RefreshState>;
  /**
   * ONE conditional UpdateItem: applies the refresh only while the family is live, not revoked and in the state the
   * request was decided on (the presented hash still current, or still previous inside the grace window). False when
   * it no longer is (a concurrent refresh, a revoke): nothing written.
   */
  rotate(sub: string, familyKey: string, r: RotateRequest): Promise<boolean>;
  /** ONE conditional write: marks the family revoked; false when it already was (or is absent). */
  revoke(sub: string, familyKey: string, r: { nowSeconds: number; reason: string; by?: string }): Promise<boolean>;
  /** The live family (consistent read), or undefined. */
  get(sub: string, familyKey: string): Promise<RefreshFamily | undefined>;
  /** The user's live families: one Query of their partition. */
  list(sub: string): Promise<RefreshFamily[]>;
}
