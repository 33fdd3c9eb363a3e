/**
 * The keys of the shared table (layout: dynamo/doc-table.ts) and how long each kind of item lives, in one place. Each function's IAM role
 * (infra/serverless/iam.yml) reaches only the partitions it uses, by these patterns on
 * `dynamodb:LeadingKeys`; test/infra/template.test.ts checks the roles against them and
 * test/infra/iam-key-usage.test.ts checks every request the functions really make.
 */
import { createHash } from 'node:crypto';

/** Ids over this many UTF-8 bytes get a hashed lockout key, so any presented id fits a DynamoDB key. */
const MAX_RAW_LOCKOUT_ID_BYTES = 200;

export const keyspace = {
  /** One client record (sk `client`). */
  client: (clientId: string) => `client#${clientId}`,
  /** Every client id (sk = the id), for `clients list`: admin only. */
  clientIndex: 'clients',
  /** Signing keys (sk = kid). */
  keys: 'keys',
  /** Brute-force lockout state of a presented client id (sk `lockout`); long ids by their SHA-256 (hex). */
  lockout: (clientId: string) =>
    Buffer.byteLength(clientId, 'utf8') <= MAX_RAW_LOCKOUT_ID_BYTES
      ? `lockout#${clientId}`
      : `lockout-h#${createHash('sha256').update(clientId, 'utf8').digest('hex')}`,
  /** Revocation records (sk `revocation`). */
  revokedToken: (jti: string) => `revocation#token#${jti}`,
  revokedClient: (clientId: string) => `revocation#client#${clientId}`,
  revokedSubject: (sub: string) => `revocation#subject#${sub}`,
  /** A revoked grant (refresh family, code exchange) by its public id (lib/refresh/grant-id.ts). */
  revokedGrant: (gid: string) => `revocation#grant#${gid}`,
  /** An ended sign-in session's not-before (logout), by its public id. */
  revokedSession: (sid: string) => `revocation#session#${sid}`,
  /** The revocation feed's hybrid logical clock (sk `head`). */
  revocationFeedHead: 'revocation#feed',
  /** Per-client revoke rate limit: one counter per client and fixed window (sk `revoke-rate`). */
  revokeRate: (clientId: string, windowIndex: number) => `revoke-rate#${clientId}#${windowIndex}`,
  /** gsi1pk of every revocation record: the one partition of the `feed` index. */
  revocationFeed: 'revocations',
  /**
   * A client assertion's jti, remembered while the assertion could be replayed (sk `assertion-jti`): one item per
   * client and jti, keyed by the SHA-256 (hex) of both, so any jti a client picks fits a key and none is stored.
   */
  assertionJti: (clientId: string, jti: string) => `assertion-jti#${createHash('sha256').update(JSON.stringify([clientId, jti]), 'utf8').digest('hex')}`,
  /** Per-client token quota: one counter per client and fixed window (sk `token-quota`). */
  tokenQuota: (clientId: string, windowIndex: number) => `token-quota#${clientId}#${windowIndex}`,
  /** One user record by its sub (sk `user`). */
  user: (sub: string) => `user#${sub}`,
  /** A normalized username → its sub (sk `username`): written first, conditionally, so usernames are unique. */
  username: (username: string) => `username#${username}`,
  /** Every user's sub (sk = the sub), for `users list`: admin only. */
  userIndex: 'users',
  /** One SSO session by its public id (sk `session`); the cookie's secret only as a hash inside. */
  session: (sid: string) => `session#${sid}`,
  /** One authorization code by the SHA-256 (hex) of the code (sk `code`). */
  authorizationCode: (codeHash: string) => `code#${codeHash}`,
  /** A user's consents (sk = the client id): one GetItem per client, one Query for all of them. */
  consents: (sub: string) => `consent#${sub}`,
  /**
   * Brute-force lockout state of a presented (normalized) username (sk `lockout`). A prefix of its own, so a
   * client id can never name a user's record and the client-facing roles cannot reach users' records.
   */
  userLockout: (username: string) => `lockout-user#${username}`,
} as const;

/** The sort key of each kind of item (one item per partition, but for `clients` and `keys`, listed by id). */
export const sortKeys = {
  client: 'client',
  lockout: 'lockout',
  /** The same for every revocation record, so a token's possible records (jti, client, subject, grant, session) are one BatchGetItem. */
  revocation: 'revocation',
  revocationFeedHead: 'head',
  revokeRate: 'revoke-rate',
  assertionJti: 'assertion-jti',
  tokenQuota: 'token-quota',
  user: 'user',
  username: 'username',
  session: 'session',
  authorizationCode: 'code',
} as const;

/**
 * How long each kind of record lives (its `expiresAt` TTL, epoch seconds). Past it the record is absent:
 * every read treats it so (dynalite never deletes, DynamoDB deletes lazily).
 */
export const retention = {
  /** A revoked token: until no verifier accepts it any more. */
  revokedToken: (exp: number, clockSkewSeconds: number) => exp + clockSkewSeconds,
  /** A client or subject not-before: until every token it can kill has expired. */
  notBefore: (notBefore: number, maxTokenLifetimeSeconds: number, clockSkewSeconds: number) => notBefore + maxTokenLifetimeSeconds + clockSkewSeconds,
  /** A revoked grant: until every token it minted (up to the revoke) has expired. */
  revokedGrant: (revokedAt: number, maxTokenLifetimeSeconds: number, clockSkewSeconds: number) => revokedAt + maxTokenLifetimeSeconds + clockSkewSeconds,
  /** Furthest into the future a not-before may be set, so every record stays inside the feed's cold-start horizon. */
  maxNotBeforeAheadSeconds: 300,
  /** A client assertion's jti: until the assertion itself is refused as expired (exp + skew), so a replay is always caught. */
  assertionJti: (exp: number, clockSkewSeconds: number) => exp + clockSkewSeconds,
  /** An SSO session: until its idle deadline (pushed forward as it is used) or its absolute end, whichever is first. */
  session: (usedAt: number, idleTimeoutSeconds: number, absoluteExpiresAt: number) => Math.min(usedAt + idleTimeoutSeconds, absoluteExpiresAt),
  /** An unredeemed code: until it expires. */
  unredeemedCode: (codeExpiresAt: number) => codeExpiresAt,
  /** A redeemed code: as long as the token issued from it lives, so a replay can still revoke it (RFC 6749 §4.1.2). */
  redeemedCode: (codeExpiresAt: number, tokenExp: number, clockSkewSeconds: number) => Math.max(codeExpiresAt, tokenExp + clockSkewSeconds),
} as const;

/** Each partition as an IAM `StringLike` pattern on `dynamodb:LeadingKeys` (the `feed` index's partition last). */
export const PARTITIONS = {
  client: 'client#*',
  clientIndex: 'clients',
  keys: 'keys',
  lockout: 'lockout#*',
  lockoutHashed: 'lockout-h#*',
  revokedToken: 'revocation#token#*',
  revokedClient: 'revocation#client#*',
  revokedSubject: 'revocation#subject#*',
  revokedGrant: 'revocation#grant#*',
  revokedSession: 'revocation#session#*',
  revocationFeedHead: 'revocation#feed',
  revokeRate: 'revoke-rate#*',
  assertionJti: 'assertion-jti#*',
  tokenQuota: 'token-quota#*',
  user: 'user#*',
  username: 'username#*',
  userIndex: 'users',
  session: 'session#*',
  authorizationCode: 'code#*',
  consents: 'consent#*',
  userLockout: 'lockout-user#*',
  revocationFeed: 'revocations',
} as const;
