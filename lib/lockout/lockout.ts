/**
 * Brute-force protection of one kind of credential: client authentication (token, revoke and introspect
 * endpoints; CLIENT_LOCKOUT) and users' sign-ins (the login page; lib/users/user-lockout.ts). Each kind has its
 * own instance and its own records: the same policy and arithmetic (policy.ts), the same state shape,
 * one DynamoDB record per presented id (lib/stores/dynamo/lockout-store.ts, a key prefix per kind), so a lock
 * holds across containers. Below, "client id" stands for the id of either kind.
 *
 *   gate(id)       before the secret is looked at: a locked id is refused (429) without a secret check.
 *   failed(id)     after an unknown id or a wrong secret: the failure is counted (one atomic write);
 *                  past the free attempts it starts a lock: `client.locked_out` is audited and this
 *                  request already gets 429.
 *   succeeded(id)  after a good secret: the count is forgotten (a store write only when this container
 *                  knows of failures).
 *
 * Steady state costs no store call per request: what this container read or wrote about an id is
 * trusted for `cacheTtlMs` (the client cache TTL); an id it knows nothing about, or knew only as
 * clean longer ago than that, is read once (in parallel with the client record, so no added latency).
 * A lock set by another container is therefore enforced here within `cacheTtlMs`, or at this
 * container's first failure for that id, whichever comes first. A lock this container knows of is
 * enforced until it ends, with no store call at all.
 *
 * Fail closed: when the state cannot be read or a failure cannot be counted, the request fails with
 * 503 temporarily_unavailable (the caller wraps the promises with guardDependency).
 */
import { createHash } from 'node:crypto';
import type { AuditEvent, AuditEventName, AuditSink } from '../audit/types';
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import { OAuthError } from '../core/errors';
import type { LockoutState } from '../models/lockout';
import type { LockoutStore } from '../stores/ports';
import { lockedUntil, lockoutSeconds, retryAfterSeconds, type LockoutPolicy } from './policy';

/** What differs between the kinds of lockout: the audit event that starts a lock, and the answer during one. */
export interface LockoutKind {
  event: Extract<AuditEventName, 'client.locked_out' | 'user.locked'>;
  /** The audit fields that name the locked id (beyond the caller's context). */
  subject: (id: string) => Partial<AuditEvent>;
  /** The error of a request refused during a lock (429 with Retry-After). */
  lockedError: (retryAfterSeconds: number) => OAuthError;
}

export interface LockoutOptions {
  policy: LockoutPolicy;
  /** How long what this container knows of an id is trusted without a read (config.clientCacheTtlMs). */
  cacheTtlMs: number;
  clock?: Clock;
  /** Receives the kind's lock event (`client.locked_out` by default). */
  audit?: AuditSink;
  /** Ids remembered per container (oldest forgotten first). */
  maxEntries?: number;
  /** Default: client authentication (CLIENT_LOCKOUT). */
  kind?: LockoutKind;
}

export type ClientLockoutOptions = LockoutOptions;

/**
 * The reasons (lib/client-auth) that count as a guess: the secret was checked and did not match, or a client
 * assertion was not signed by the client's key, or was replayed.
 */
export const COUNTED_FAILURES: ReadonlySet<string> = new Set([
  'unknown_client',
  'bad_secret',
  'assertion_bad_signature',
  'assertion_unknown_kid',
  'assertion_alg_mismatch',
  'assertion_replayed',
]);

export const LOCKED_OUT_REASON = 'locked_out';

/**
 * The answer during a lock: `invalid_client` (the RFC 6749 §5.2 code for failed client authentication)
 * with status 429 and Retry-After (RFC 6585 §4). No WWW-Authenticate: this is not a challenge to retry now.
 */
export function lockedOutError(retryAfter: number): OAuthError {
  return new OAuthError('invalid_client', 'Too many failed client authentications; retry after the Retry-After delay', {
    status: 429,
    headers: { 'Retry-After': String(retryAfter) },
    reason: LOCKED_OUT_REASON,
  });
}

/** Client authentication: `client.locked_out` naming the client id, and 429 `invalid_client`. */
export const CLIENT_LOCKOUT: LockoutKind = {
  event: 'client.locked_out',
  subject: (clientId) => ({ client_id: clientId.slice(0, 128) }),
  lockedError: lockedOutError,
};

interface Entry {
  state: LockoutState | undefined;
  /** When it was read or written (ms). */
  at: number;
  /** Order in which the store call that produced it started: a slow read never overwrites a later write. */
  seq: number;
}

/** Long ids (up to the body cap) are remembered by their hash, so memory stays bounded. */
const memoryKey = (clientId: string) => (clientId.length <= 200 ? clientId : `sha256:${createHash('sha256').update(clientId, 'utf8').digest('hex')}`);

export class Lockout {
  private readonly entries = new Map<string, Entry>();
  private readonly reads = new Map<string, Promise<void>>();
  private readonly clears = new Map<string, Promise<void>>();
  private readonly clock: Clock;
  private readonly maxEntries: number;
  private readonly kind: LockoutKind;
  private seq = 0;

  constructor(
    private readonly store: LockoutStore,
    private readonly opts: LockoutOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.kind = opts.kind ?? CLIENT_LOCKOUT;
  }

  /**
   * Before the secret check. Returns undefined when nothing needs waiting for (steady state),
   * throws the 429 error at once for a lock this container knows of, or returns a promise
   * (a store read) that rejects with it.
   */
  gate(clientId: string): Promise<void> | undefined {
    const id = memoryKey(clientId);
    const now = this.clock.now();
    const e = this.entries.get(id);
    if (e) {
      this.refuseIfLocked(e.state, now);
      if (now - e.at < this.opts.cacheTtlMs) return undefined;
    }
    let read = this.reads.get(id);
    if (!read) {
      const at = now;
      const seq = ++this.seq;
      read = this.store.get(id, at).then((state) => this.remember(id, state, at, seq));
      this.reads.set(id, read);
      void read.then(
        () => this.reads.delete(id),
        () => this.reads.delete(id),
      );
    }
    return read.then(() => this.refuseIfLocked(this.entries.get(id)?.state, this.clock.now()));
  }

  /**
   * After a counted failure (COUNTED_FAILURES). Resolves when the id is not locked by it;
   * rejects with the 429 error when this failure starts a lock, or with the store's error.
   */
  async failed(clientId: string, info: { reason?: string; context?: Partial<AuditEvent> } = {}): Promise<void> {
    const id = memoryKey(clientId);
    const now = this.clock.now();
    const known = this.entries.get(id);
    const knownAbsent = known !== undefined && known.state === undefined && now - known.at < this.opts.cacheTtlMs;
    const seq = ++this.seq;
    const state = await this.store.recordFailure(id, { nowMs: now, ttlSeconds: this.opts.policy.forgetAfterSeconds, knownAbsent });
    this.remember(id, state, now, seq);
    const seconds = lockoutSeconds(state.failures, this.opts.policy);
    if (seconds === 0) return;
    const until = lockedUntil(state, this.opts.policy);
    this.opts.audit?.emit({
      ...info.context,
      event: this.kind.event,
      outcome: 'failure',
      reason: 'too_many_failures',
      ...this.kind.subject(clientId),
      detail: {
        ...info.context?.detail,
        failures: state.failures,
        lockout_seconds: seconds,
        locked_until: new Date(until).toISOString(),
        ...(info.reason ? { last_failure: info.reason } : {}),
      },
    });
    throw this.kind.lockedError(retryAfterSeconds(until, now));
  }

  /**
   * After a successful authentication: forgets a count this container knows of. Undefined in the
   * steady state (nothing known); otherwise a promise that never rejects (a failed reset is retried
   * at the next success).
   */
  succeeded(clientId: string): Promise<void> | undefined {
    const id = memoryKey(clientId);
    if (!this.entries.get(id)?.state) return undefined;
    let clear = this.clears.get(id);
    if (!clear) {
      const seq = ++this.seq;
      clear = this.store.clear(id, this.clock.now()).then(
        () => this.remember(id, undefined, this.clock.now(), seq),
        () => undefined,
      );
      this.clears.set(id, clear);
      void clear.then(() => this.clears.delete(id));
    }
    return clear;
  }

  private refuseIfLocked(state: LockoutState | undefined, now: number): void {
    const until = lockedUntil(state, this.opts.policy);
    if (until > now) throw this.kind.lockedError(retryAfterSeconds(until, now));
  }

  private remember(id: string, state: LockoutState | undefined, at: number, seq: number): void {
    const prev = this.entries.get(id);
    if (prev && prev.seq > seq) return; // a store call started later already told us more
    this.entries.delete(id);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(id, { state, at, seq });
  }
}

/** The client-authentication lockout (the name the token, revoke and introspect endpoints know it by). */
export const ClientLockout = Lockout;
export type ClientLockout = Lockout;
