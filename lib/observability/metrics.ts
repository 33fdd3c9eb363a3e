/**
 * Operational metrics as CloudWatch EMF through Powertools Metrics, namespace `Portcullis`,
 * dimensions `service` and `stage` (+ `reason` for denials).
 *
 * The counting helpers only bump in-memory counters (hot-path cheap); `flush()` writes them
 * once per invocation: one EMF line for the plain metrics, one per distinct reason. Nothing is
 * written when nothing was counted. Serializing EMF costs about 10 µs, a third of an authorizer
 * decision, so the authorizer calls `maybeFlush()` instead: it writes at most once per
 * `maxIntervalMs` (default 1 s) per container, so a container that is killed loses at most the
 * counts of its last second (the audit events themselves are never lost that way: they are written
 * before each answer). Per-client figures are not metrics (one custom metric per client would not
 * scale): Contributor Insights rules on the audit log group rank clients (infra/serverless/audit.yml).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { looksSecret } from '../core/secret-shapes';
import { systemClock, type Clock } from '../core/clock';
import type { Config } from '../config/types';

export const METRICS_NAMESPACE = 'Portcullis';

export const METRIC = {
  TokensIssued: 'TokensIssued',
  TokenDenied: 'TokenDenied',
  Revocations: 'Revocations',
  AuthorizerAllow: 'AuthorizerAllow',
  AuthorizerDeny: 'AuthorizerDeny',
  AuthorizerLatency: 'AuthorizerLatency',
  LateRevocationRecords: 'LateRevocationRecords',
  /** Every denial (token endpoint and authorizer): the denial rate the anomaly alarm watches. */
  Denials: 'Denials',
  /** Failed client authentications at any endpoint (invalid_client, locked out included). */
  ClientAuthFailures: 'ClientAuthFailures',
  /** Failed user logins (login.failed). */
  LoginFailures: 'LoginFailures',
  /** A client or a user locked out after repeated failures. */
  Lockouts: 'Lockouts',
  /** Any decision that ended in an internal error (fail closed). */
  InternalErrors: 'InternalErrors',
  /** A superseded refresh token presented after the grace window: its family was revoked (refresh.reused). */
  RefreshTokenReuse: 'RefreshTokenReuse',
} as const;

export interface PortcullisMetrics {
  tokenIssued(): void;
  tokenDenied(reason: string): void;
  revoked(count?: number): void;
  authorizerAllow(): void;
  authorizerDeny(reason: string): void;
  /** Decision latency of the authorizer, milliseconds. */
  authorizerLatency(ms: number): void;
  denial(): void;
  clientAuthFailed(): void;
  loginFailed(): void;
  lockout(): void;
  internalError(): void;
  /** A refresh token reused after the grace window (its family revoked). */
  refreshReused(): void;
  /** A revocation record the feed index delivered later than the snapshot's overlap (applied by a full re-read). */
  lateRevocationRecord(): void;
  /** Writes the counted metrics (EMF on stdout); call once at the end of every invocation. */
  flush(): void;
  /** The authorizer's flush: writes only if the last write is maxIntervalMs old. */
  maybeFlush(): void;
}

export interface MetricsDeps {
  /** Where EMF lines go; default stdout (Lambda turns them into metrics). */
  write?: (line: string) => void;
  clock?: Clock;
  /** maybeFlush() writes at most this often (default 1000 ms). */
  maxIntervalMs?: number;
}

const REASON = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Dimension values are reason codes; anything else (or anything secret-looking) is `other`. */
const reasonValue = (reason: string): string => (typeof reason === 'string' && REASON.test(reason) && !looksSecret(reason) ? reason : 'other');
/**
 * Powertools publishes by itself (to its own console) at 100 values of one metric, and EMF takes
 * at most 100 values a line: AuthorizerLatency keeps a uniform sample (reservoir) of 99 values per
 * write. Its percentiles and average are right; count decisions with AuthorizerAllow/Deny.
 */
const LATENCY_SAMPLE = 99;

/** Powertools Metrics, with its disabled switch (POWERTOOLS_METRICS_DISABLED, POWERTOOLS_DEV) readable. */
class PowertoolsMetrics extends Metrics {
  get off(): boolean {
    return this.isDisabled();
  }
}

class EmfMetrics implements PortcullisMetrics {
  private readonly pt: PowertoolsMetrics;
  private readonly write: (line: string) => void;
  private readonly clock: Clock;
  private readonly maxIntervalMs: number;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private counts: Record<string, number> = {};
  private reasoned = new Map<string, Record<string, number>>();
  private latencies: number[] = [];
  private latencySeen = 0;
  private dirty = false;

  constructor(config: Pick<Config, 'service' | 'stage'>, deps: MetricsDeps) {
    this.pt = new PowertoolsMetrics({ namespace: METRICS_NAMESPACE, serviceName: config.service, defaultDimensions: { stage: config.stage } });
    this.write = deps.write ?? ((line) => void process.stdout.write(`${line}\n`));
    this.clock = deps.clock ?? systemClock;
    this.maxIntervalMs = deps.maxIntervalMs ?? 1000;
  }

  tokenIssued(): void {
    this.add(METRIC.TokensIssued, 1);
  }
  tokenDenied(reason: string): void {
    this.addReasoned(METRIC.TokenDenied, reason);
  }
  revoked(count = 1): void {
    this.add(METRIC.Revocations, count);
  }
  authorizerAllow(): void {
    this.add(METRIC.AuthorizerAllow, 1);
  }
  authorizerDeny(reason: string): void {
    this.addReasoned(METRIC.AuthorizerDeny, reason);
  }
  lateRevocationRecord(): void {
    this.add(METRIC.LateRevocationRecords, 1);
  }
  authorizerLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const v = Math.round(ms * 1000) / 1000;
    const seen = ++this.latencySeen;
    if (this.latencies.length < LATENCY_SAMPLE) this.latencies.push(v);
    else {
      const j = Math.floor(Math.random() * seen);
      if (j < LATENCY_SAMPLE) this.latencies[j] = v;
    }
    this.dirty = true;
  }

  denial(): void {
    this.add(METRIC.Denials, 1);
  }
  clientAuthFailed(): void {
    this.add(METRIC.ClientAuthFailures, 1);
  }
  loginFailed(): void {
    this.add(METRIC.LoginFailures, 1);
  }
  lockout(): void {
    this.add(METRIC.Lockouts, 1);
  }
  internalError(): void {
    this.add(METRIC.InternalErrors, 1);
  }
  refreshReused(): void {
    this.add(METRIC.RefreshTokenReuse, 1);
  }

  maybeFlush(): void {
    if (this.dirty && this.clock.now() - this.lastFlushAt >= this.maxIntervalMs) this.flush();
  }

  flush(): void {
    if (!this.dirty) return;
    this.lastFlushAt = this.clock.now();
    const counts = this.counts;
    const reasoned = this.reasoned;
    const latencies = this.latencies;
    this.counts = {};
    this.reasoned = new Map();
    this.latencies = [];
    this.latencySeen = 0;
    this.dirty = false;
    try {
      const names = Object.keys(counts);
      if (names.length || latencies.length) {
        for (const name of names) this.pt.addMetric(name, MetricUnit.Count, counts[name]);
        for (const ms of latencies) this.pt.addMetric(METRIC.AuthorizerLatency, MetricUnit.Milliseconds, ms);
        this.publish();
      }
      for (const [reason, byName] of reasoned) {
        this.pt.addDimension('reason', reason);
        for (const name of Object.keys(byName)) this.pt.addMetric(name, MetricUnit.Count, byName[name]);
        this.publish();
      }
    } catch {
      // never let metrics break the caller
    }
  }

  private add(name: string, n: number): void {
    this.counts[name] = (this.counts[name] ?? 0) + n;
    this.dirty = true;
  }

  private addReasoned(name: string, reason: string): void {
    const key = reasonValue(reason);
    let byName = this.reasoned.get(key);
    if (!byName) this.reasoned.set(key, (byName = {}));
    byName[name] = (byName[name] ?? 0) + 1;
    this.dirty = true;
  }

  /** One EMF line with what is stored, then a clean slate (default dimensions stay). */
  private publish(): void {
    try {
      if (this.pt.hasStoredMetrics() && !this.pt.off) this.write(JSON.stringify(this.pt.serializeMetrics()));
    } finally {
      this.pt.clearMetrics();
      this.pt.clearDimensions();
    }
  }
}

export function createMetrics(config: Pick<Config, 'service' | 'stage'>, deps: MetricsDeps = {}): PortcullisMetrics {
  return new EmfMetrics(config, deps);
}

let shared: PortcullisMetrics | undefined;
/** The metrics of this container (one per process). */
export function getMetrics(config: Pick<Config, 'service' | 'stage'>): PortcullisMetrics {
  return (shared ??= createMetrics(config));
}
