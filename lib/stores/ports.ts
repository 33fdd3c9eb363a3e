/**
 * The stores' ports: every interface the domain needs of storage, and the errors they raise.
 * DynamoDB adapters live in dynamo/ (one table, lib/stores/keyspace.ts); in-memory ones in the test kit
 * pass the same contract tests (test/stores/contract).
 */
import type { ClientRecord } from '../models/client';
import type { KeyRecord } from '../models/key';
import type { LockoutState } from '../models/lockout';
import type {
  ClientRevocation,
  RevocationFeedPage,
  RateWindow,
  RevocationHit,
  RevokeTokenInput,
  RevokeTokenOptions,
  SubjectRevocation,
  TokenFacts,
  TokenRevocation,
} from '../models/revocation';

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
