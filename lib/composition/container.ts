/**
 * The composition root: the services a Lambda container (or a CLI, or the local stack) shares, each built once,
 * on first use, from one configuration. lib/composition/<function>.ts wires each function from it; tests build
 * their own from the test kit.
 */
import { createAuditSink, type AuditSinkDeps, type PortcullisAuditSink } from '../audit/create-audit-sink';
import { withMetrics } from '../audit/metrics-from-events';
import type { AuditSink } from '../audit/types';
import { CachedClientLookup } from '../clients/client-cache';
import type { ClientAdmin } from '../clients/client-admin';
import { getConfig } from '../config/load-config';
import type { Config } from '../config/types';
import { systemClock, type Clock } from '../core/clock';
import { createKeyRing, type KeyRing } from '../keys/key-ring';
import type { ClientAuthServices } from '../client-auth/method';
import { TokenQuota } from '../clients/token-quota';
import { createClientAuthServices } from './client-auth';
import { ClientLockout } from '../lockout/lockout';
import { lockoutPolicy } from '../lockout/policy';
import { getMetrics } from '../observability/metrics';
import { RevokeRateLimiter, revokeRateLimitPolicy } from '../revocation/revoke-rate-limit';
import { DynamoClientStore } from '../stores/dynamo/client-store';
import type { DocTable } from '../stores/dynamo/doc-table';
import { DynamoKeyStore } from '../stores/dynamo/key-store';
import { DynamoLockoutStore } from '../stores/dynamo/lockout-store';
import { DynamoRevokeRateLimitStore } from '../stores/dynamo/revoke-rate-limit-store';
import { DynamoTokenQuotaStore } from '../stores/dynamo/token-quota-store';
import type { ClientStore, KeyStore, RevocationStore } from '../stores/ports';
import type { AuthorizationCodeStore, ConsentStore, RefreshFamilyStore, SessionStore, SignInStateReader, UserStore } from '../stores/ports';
import { DynamoRefreshFamilyStore } from '../stores/dynamo/refresh-family-store';
import { DynamoUserStore } from '../stores/dynamo/user-store';
import { DynamoSessionStore } from '../stores/dynamo/session-store';
import { DynamoConsentStore } from '../stores/dynamo/consent-store';
import { DynamoAuthorizationCodeStore } from '../stores/dynamo/authorization-code-store';
import { DynamoSignInStateReader } from '../stores/dynamo/sign-in-state';
import { keyspace } from '../stores/keyspace';
import { Lockout } from '../lockout/lockout';
import { USER_LOCKOUT } from '../users/user-lockout';

import { createClientAdmin } from './client-admin';
import { createRevocationStore } from './revocation';
import { createDocTable } from './table';

export interface Container {
  readonly config: Config;
  readonly clock: Clock;
  table(): DocTable;
  clientStore(): ClientStore;
  keyStore(): KeyStore;
  revocationStore(): RevocationStore;
  /** Client records cached per container (config.clientCacheTtlMs). */
  clientLookup(): CachedClientLookup;
  keyRing(): KeyRing;
  /** The audit sink, counting EMF metrics from the events it carries. */
  audit(): PortcullisAuditSink;
  /** Brute-force lockout of client authentication, shared by the token, revoke and introspect endpoints. */
  lockout(): ClientLockout;
  /** Per-client rate limit of new revocations at the revoke endpoint. */
  revokeRateLimit(): RevokeRateLimiter;
  clientAdmin(actor: string): ClientAdmin;
  /** What client authentication needs besides the record (private_key_jwt: client keys, used jtis), shared by token, revoke and introspect. */
  clientAuth(): ClientAuthServices;
  /** Per-client token quotas at the token endpoint. */
  tokenQuota(): TokenQuota;
  /**
   * People: users, SSO sessions, codes, consents, the one-read sign-in state, and the login page's lockout. (The
   * user admin, which hashes passwords, is built by lib/composition/user-admin.ts: only the CLIs, the login function
   * and the token function — for the password grant, loaded on first use — carry the native Argon2 module.)
   */
  userStore(): UserStore;
  sessionStore(): SessionStore;
  consentStore(): ConsentStore;
  codeStore(): AuthorizationCodeStore;
  signInState(): SignInStateReader;
  /** Refresh-token families (lib/refresh). */
  refreshFamilyStore(): RefreshFamilyStore;
  /** Brute-force lockout of sign-ins, per username (its own records; same policy as client authentication). */
  userLockout(): Lockout;
}

export interface ContainerOptions {
  /** An existing table (CLIs, the local stack); default: one built from the configuration. */
  table?: DocTable;
  clock?: Clock;
  audit?: AuditSinkDeps;
  /** A ready audit sink instead of the configured one (the admin CLI's for a deployed stage). */
  auditSink?: AuditSink;
  /** Derive EMF metrics from the audit events (default true; the CLIs, whose stdout is their output, turn it off). */
  metrics?: boolean;
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

export function createContainer(config: Config, opts: ContainerOptions = {}): Container {
  const clock = opts.clock ?? systemClock;
  const table = once(() => opts.table ?? createDocTable(config, clock));
  const audit = once(() => {
    const sink: PortcullisAuditSink = opts.auditSink ? { emit: (e) => opts.auditSink!.emit(e), flush: () => opts.auditSink!.flush(), maybeFlush: () => opts.auditSink!.flush() } : createAuditSink(config, { clock, ...opts.audit });
    return opts.metrics === false ? sink : withMetrics(sink, getMetrics(config));
  });
  const c: Container = {
    config,
    clock,
    table,
    clientStore: once(() => new DynamoClientStore(table())),
    keyStore: once(() => new DynamoKeyStore(table())),
    revocationStore: once(() => createRevocationStore(config, { table: table(), clock })),
    clientLookup: once(() => new CachedClientLookup(c.clientStore(), config.clientCacheTtlMs)),
    keyRing: once(() => createKeyRing(config, { keyStore: c.keyStore(), clock })),
    audit,
    lockout: once(() => new ClientLockout(new DynamoLockoutStore(table()), { policy: lockoutPolicy(config), cacheTtlMs: config.clientCacheTtlMs, audit: audit(), clock })),
    revokeRateLimit: once(() => new RevokeRateLimiter(new DynamoRevokeRateLimitStore(table()), { policy: revokeRateLimitPolicy(config), clock })),
    clientAdmin: (actor) => createClientAdmin(config, table(), audit(), actor, clock),
    clientAuth: once(() => createClientAuthServices(config, { table: table(), clock })),
    tokenQuota: once(() => new TokenQuota(new DynamoTokenQuotaStore(table()), { clock })),
    userStore: once(() => new DynamoUserStore(table())),
    sessionStore: once(() => new DynamoSessionStore(table())),
    consentStore: once(() => new DynamoConsentStore(table())),
    codeStore: once(() => new DynamoAuthorizationCodeStore(table())),
    signInState: once(() => new DynamoSignInStateReader(table())),
    refreshFamilyStore: once(() => new DynamoRefreshFamilyStore(table())),
    userLockout: once(
      () =>
        new Lockout(new DynamoLockoutStore(table(), keyspace.userLockout), {
          policy: lockoutPolicy(config),
          cacheTtlMs: config.clientCacheTtlMs,
          audit: audit(),
          clock,
          kind: USER_LOCKOUT,
        }),
    ),
  };
  return c;
}

let lambda: Container | undefined;
/** The container of this Lambda execution environment (its configuration read from the environment once). */
export const lambdaContainer = (): Container => (lambda ??= createContainer(getConfig()));
