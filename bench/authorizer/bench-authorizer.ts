/**
 * Authorizer CPU, side by side in one process: raw crypto.verify (the floor), aws-jwt-verify alone, jose alone,
 * the full decision core with a distinct token each time, the same with a repeated token, both again without
 * audit, and the audit sink's emit alone. Every decision is checked to be an Allow: a benchmark of a
 * misconfigured authorizer (denying fast) fails instead of reporting.
 */
import { verify } from 'node:crypto';
import { JwtVerifier } from 'aws-jwt-verify';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { type AuditEvent } from '../../lib/audit/types';
import { Authorizer, type Decision } from '../../lib/authorizer/decide';
import { BENCH_AUDIENCE, BENCH_ISSUER, BENCH_ROUTE, type BackendEndpoints } from '../support/bench-config';
import { interleave, perOp, ratio, type Samples, type Variant } from '../support/measure';
import type { Spread } from '../support/stats';
import { jwksOf, makeKey, mintToken, splitJws, TokenPool, verifyKey, type Alg, type BenchKey, type TokenClaims } from '../support/tokens';
import { BENCH_CLIENT, buildAuthorizerRig, requestFor, seedRevocations, authorizerConfig, type AuthorizerRig } from './rig';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { openAuditPipe } from '../support/audit-pipe';

export interface AuthorizerPlan {
  rounds: number;
  warmupRounds: number;
  /** Untimed operations of each variant first (see InterleaveOptions.warmupOps). */
  warmupOps: number;
  /** Operations per batch (each variant runs this many per round). */
  decisionsPerBatch: number;
  seed: { tokens: number; clients: number; subjects: number };
}

export interface AuthorizerFigures {
  alg: Alg;
  /** The table holding the seeded revocations (reused by the profiles). */
  tableName: string;
  decisionRatio: Spread;
  repeatRatio: Spread;
  awsJwtVerifyRatio: Spread;
  joseRatio: Spread;
  noAuditRatio: Spread;
  repeatNoAuditRatio: Spread;
  auditShare: Spread;
  /** (decision − decision without audit) ÷ decision: a cross-check of auditShare, noisier by nature. */
  auditShareByDifference: number;
  /** Median CPU / wall µs per operation, by variant. */
  perOp: Record<string, { cpuUs: number; wallUs: number }>;
  decisions: number;
  asyncDecisions: number;
  /** Audit lines written to the pipe. */
  auditLines: number;
  errors: number;
  snapshotSize: unknown;
  /** The audit events the core emitted (captured), for the audit breakdown. */
  events: AuditEvent[];
}

const isPromise = (v: unknown): v is Promise<Decision> => typeof (v as { then?: unknown } | null)?.then === 'function';

export const claimsFor = (): TokenClaims => ({
  issuer: BENCH_ISSUER,
  audience: BENCH_AUDIENCE,
  clientId: BENCH_CLIENT,
  scope: BENCH_ROUTE.scope,
  lifetimeSeconds: 3600,
});

/** Runs decisions synchronously (snapshot mode answers from memory); counts any that was not a plain Allow. */
class DecisionLoop {
  decisions = 0;
  asyncDecisions = 0;
  notAllowed: string[] = [];

  constructor(
    private readonly rig: AuthorizerRig,
    private readonly nextToken: () => string,
  ) {}

  run(n: number): void | Promise<void> {
    let pending: Promise<Decision>[] | undefined;
    for (let i = 0; i < n; i++) {
      const d = this.rig.authorizer.decide(requestFor(this.nextToken()));
      this.decisions++;
      if (isPromise(d)) (pending ??= []).push(d);
      else if (d.effect !== 'Allow') this.notAllowed.push(d.reason);
    }
    if (pending) {
      this.asyncDecisions += pending.length;
      return Promise.all(pending).then((ds) => {
        for (const d of ds) if (d.effect !== 'Allow') this.notAllowed.push(d.reason);
      });
    }
  }
}

export async function benchAuthorizer(backends: BackendEndpoints, plan: AuthorizerPlan, alg: Alg = 'RS256'): Promise<AuthorizerFigures> {
  const key: BenchKey = makeKey(alg);
  const tableName = `bench-authz-${alg.toLowerCase()}`;
  await seedRevocations(authorizerConfig({ backends, mode: 'snapshot', tableName }), plan.seed);

  const D = plan.decisionsPerBatch;
  const totalRounds = plan.rounds + plan.warmupRounds;
  const pool = new TokenPool(key, claimsFor(), totalRounds * D + 1);
  const repeated = mintToken(key, claimsFor());

  const pipe = openAuditPipe();
  const main = await buildAuthorizerRig({ backends, key, mode: 'snapshot', tableName, pipe });
  const bare = await buildAuthorizerRig({ backends, key, mode: 'snapshot', tableName, audit: 'none' });
  const audit = main.audit!;

  // Audit events exactly as the core emits them, captured by a separate authorizer (its own token cache).
  const captured = new MemoryAuditSink();
  const capture = new Authorizer(main.config, { audit: captured, revocation: bare.revocation, jwks: jwksOf(key), log: () => {} });
  for (const t of pool.tokens.slice(0, 500)) await capture.decide(requestFor(t));
  const events: AuditEvent[] = captured.events;
  if (events.length === 0 || events.some((e) => e.event !== 'authz.allowed')) throw new Error('authorizer benchmark: the decisions are not allowed; check the rig');

  // The baselines walk the pool cyclically (they keep no per-token state).
  const cyclic = <T>(items: T[]) => {
    let i = 0;
    return () => items[i++ % items.length];
  };
  const jws = pool.tokens.slice(0, 1000).map(splitJws);
  const nextJws = cyclic(jws);
  const nextAny = cyclic(pool.tokens);
  const nextEvent = cyclic(events);
  const publicKey = verifyKey(key);

  const awsVerifier = JwtVerifier.create({ issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE, jwksUri: `${BENCH_ISSUER}/.well-known/jwks.json` });
  awsVerifier.cacheJwks(jwksOf(key) as never);
  const joseKeys = createLocalJWKSet(jwksOf(key) as never);
  const joseOptions = { issuer: BENCH_ISSUER, audience: BENCH_AUDIENCE, algorithms: [alg], typ: 'at+jwt' };
  await jwtVerify(repeated, joseKeys, joseOptions);
  awsVerifier.verifySync(repeated);

  // Warms the distinct-token path (same code, its own token cache) without using up the timed tokens.
  const warmRig: AuthorizerRig = { ...bare, authorizer: new Authorizer(main.config, { audit, revocation: bare.revocation, jwks: jwksOf(key), log: () => {} }) };
  const warming = new DecisionLoop(warmRig, cyclic(pool.tokens));
  const distinct = new DecisionLoop(main, pool.cursor());
  const distinctBare = new DecisionLoop(bare, pool.cursor());
  const repeat = new DecisionLoop(main, () => repeated);
  const repeatBare = new DecisionLoop(bare, () => repeated);
  let rawFailures = 0;

  const variants: Variant[] = [
    {
      name: 'raw_verify',
      ops: D,
      run(n) {
        for (let i = 0; i < n; i++) {
          const { input, signature } = nextJws();
          if (!verify('sha256', input, publicKey, signature)) rawFailures++;
        }
      },
    },
    {
      name: 'aws_jwt_verify',
      ops: D,
      run(n) {
        for (let i = 0; i < n; i++) awsVerifier.verifySync(nextAny());
      },
    },
    {
      name: 'jose',
      ops: Math.max(1, Math.round(D / 2)),
      async run(n) {
        for (let i = 0; i < n; i++) await jwtVerify(nextAny(), joseKeys, joseOptions);
      },
    },
    { name: 'decision', ops: D, run: (n) => distinct.run(n), settle: () => audit.flush(), warm: (n) => warming.run(n) },
    { name: 'decision_no_audit', ops: D, run: (n) => distinctBare.run(n), warm: (n) => warming.run(n) },
    { name: 'decision_repeat_token', ops: D, run: (n) => repeat.run(n), settle: () => audit.flush() },
    { name: 'decision_repeat_token_no_audit', ops: D, run: (n) => repeatBare.run(n) },
    {
      name: 'audit_emit',
      ops: D,
      run(n) {
        for (let i = 0; i < n; i++) audit.emit(nextEvent());
      },
      settle: () => audit.flush(),
    },
  ];

  const samples: Samples = await interleave(variants, { rounds: plan.rounds, warmupRounds: plan.warmupRounds, warmupOps: plan.warmupOps });
  await pipe.close();

  const loops = [warming, distinct, distinctBare, repeat, repeatBare];
  const failures = loops.flatMap((l) => l.notAllowed);
  if (failures.length || rawFailures) {
    throw new Error(`authorizer benchmark: ${failures.length} decisions were not allowed (${[...new Set(failures)].join(', ')}), ${rawFailures} raw verifications failed`);
  }
  const per = Object.fromEntries(variants.map((v) => [v.name, perOp(samples, v.name)]));
  const snapshot = main.revocation as { stats?: () => unknown };
  return {
    alg,
    tableName,
    decisionRatio: ratio(samples, 'decision', 'raw_verify'),
    repeatRatio: ratio(samples, 'decision_repeat_token', 'raw_verify'),
    awsJwtVerifyRatio: ratio(samples, 'aws_jwt_verify', 'raw_verify'),
    joseRatio: ratio(samples, 'jose', 'raw_verify'),
    noAuditRatio: ratio(samples, 'decision_no_audit', 'raw_verify'),
    repeatNoAuditRatio: ratio(samples, 'decision_repeat_token_no_audit', 'raw_verify'),
    auditShare: ratio(samples, 'audit_emit', 'decision'),
    auditShareByDifference: (per.decision.cpuUs - per.decision_no_audit.cpuUs) / per.decision.cpuUs,
    perOp: per,
    decisions: loops.reduce((a, l) => a + l.decisions, 0),
    asyncDecisions: loops.reduce((a, l) => a + l.asyncDecisions, 0),
    auditLines: pipe.lines,
    errors: main.counters.errors + bare.counters.errors,
    snapshotSize: snapshot.stats?.(),
    events,
  };
}
