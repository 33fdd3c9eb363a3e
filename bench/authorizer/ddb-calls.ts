/**
 * DynamoDB calls per authorizer decision, counted at the wire (requests dynalite received, by X-Amz-Target).
 * Snapshot mode (the default): decisions keep coming for a while of real time, so the background feed refresh
 * (one Query per refreshMs per container, whatever the traffic) is part of the count. Strict mode: one
 * consistent BatchGetItem per decision.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Decision } from '../../lib/authorizer/decide';
import type { Backends } from '../support/backends';
import { makeKey, TokenPool } from '../support/tokens';
import { claimsFor } from './bench-authorizer';
import { authorizerConfig, buildAuthorizerRig, requestFor, seedRevocations } from './rig';

export interface DdbCallsPlan {
  /** How long snapshot-mode decisions keep coming (ms of real time). */
  snapshotDurationMs: number;
  /** Decisions per ~10 ms tick in snapshot mode. */
  snapshotDecisionsPerTick: number;
  strictDecisions: number;
}

export interface DdbCallFigures {
  snapshot: { decisions: number; calls: Record<string, number>; perDecision: number; refreshMs: number; durationMs: number };
  strict: { decisions: number; calls: Record<string, number>; perDecision: number };
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

async function expectAllowed(d: Decision | Promise<Decision>): Promise<void> {
  const decision = await d;
  if (decision.effect !== 'Allow') throw new Error(`DynamoDB call count: a decision was denied (${decision.reason}); check the rig`);
}

export async function countDdbCalls(backends: Backends, plan: DdbCallsPlan): Promise<DdbCallFigures> {
  const key = makeKey('ES256'); // cheap to mint; the calls do not depend on the algorithm
  const tableName = 'bench-ddb-calls';
  await seedRevocations(authorizerConfig({ backends, mode: 'snapshot', tableName }), { tokens: 20, clients: 2, subjects: 2 });
  // Many distinct tokens (full verification) and a few repeated ones (verified-token cache): both are checked for revocation.
  const pool = new TokenPool(key, claimsFor(), 200);
  const tokenAt = (i: number) => pool.tokens[i % pool.tokens.length];

  const snap = await buildAuthorizerRig({ backends, key, mode: 'snapshot', tableName, audit: 'none' });
  await expectAllowed(snap.authorizer.decide(requestFor(tokenAt(0))));
  await backends.reset();
  let snapDecisions = 0;
  const started = Date.now();
  while (Date.now() - started < plan.snapshotDurationMs) {
    for (let i = 0; i < plan.snapshotDecisionsPerTick; i++) await expectAllowed(snap.authorizer.decide(requestFor(tokenAt(snapDecisions++))));
    await sleep(10);
  }
  const durationMs = Date.now() - started;
  await snap.audit?.flush();
  await sleep(50); // a refresh started by the last decisions reaches the wire
  const snapCalls = await backends.counts();

  const strict = await buildAuthorizerRig({ backends, key, mode: 'strict', tableName, audit: 'none' });
  await expectAllowed(strict.authorizer.decide(requestFor(tokenAt(0))));
  await backends.reset();
  for (let i = 0; i < plan.strictDecisions; i++) await expectAllowed(strict.authorizer.decide(requestFor(tokenAt(i))));
  await strict.audit?.flush();
  const strictCalls = await backends.counts();

  return {
    snapshot: { decisions: snapDecisions, calls: snapCalls, perDecision: total(snapCalls) / snapDecisions, refreshMs: snap.config.revocation.refreshMs, durationMs },
    strict: { decisions: plan.strictDecisions, calls: strictCalls, perDecision: total(strictCalls) / plan.strictDecisions },
  };
}
