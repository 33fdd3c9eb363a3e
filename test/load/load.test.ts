/**
 * A small load run in `npm test` (a few seconds, loopback only) against the real local stack
 * (serverless-offline + dynalite + the local gateway): concurrent issue + authorize + revoke for a fixed time,
 * then the invariants (testkit/load/run-load.ts): every issued token distinct; no 5xx; after a revoke returned 200
 * and the staleness bound passed, no decision allowed that token; the audit trail has one event per request.
 * The benchmark runs the same `runLoad` for longer.
 */
import { join } from 'node:path';
import { startTestStack, type TestStack } from '../../testkit/stack';
import { checkLoadInvariants, runLoad, type LoadReport } from '../../testkit/load/run-load';

// Short revocation bounds for the stack, so the "after the bound" invariant is exercised within the run.
const REFRESH_MS = 250;
const MAX_STALENESS_MS = 1_500;
/** A decision starting this long after a revoke's 200 must deny: the staleness bound, plus clock slack between processes. */
const BOUND_MS = MAX_STALENESS_MS + 500;
const DURATION_MS = 5_000;

let stack: TestStack;
let report: LoadReport;
let problems: string[];

beforeAll(async () => {
  stack = await startTestStack({
    PORTCULLIS_REVOCATION_REFRESH_MS: String(REFRESH_MS),
    PORTCULLIS_REVOCATION_MAX_STALENESS_MS: String(MAX_STALENESS_MS),
  });
  const clients = await Promise.all([stack.createClient(), stack.createClient(), stack.createClient()]);
  report = await runLoad({ url: stack.url, clients, durationMs: DURATION_MS, scope: 'read:data', settleMs: BOUND_MS });
  problems = checkLoadInvariants(report, { revocationBoundMs: BOUND_MS, auditFile: join(stack.stateDir, 'audit.log') });
}, 180_000);
afterAll(() => stack?.stop());

const of = (kind: string, settle = false) => report.records.filter((r) => r.kind === kind && Boolean(r.settle) === settle);

test('the run did real concurrent work of every kind, including decisions on revoked tokens past the bound', () => {
  expect(of('issue').length).toBeGreaterThanOrEqual(20);
  expect(of('authorize').length).toBeGreaterThanOrEqual(40);
  expect(report.revokedAt.size).toBeGreaterThanOrEqual(5);
  expect(of('authorize').filter((r) => r.status === 200).length).toBeGreaterThan(0);
  // Revoked tokens were used after their bound during the run and once more in the settle phase: the invariant had something to check.
  const pastBound = report.records.filter((r) => r.kind === 'authorize' && r.jti && report.revokedAt.has(r.jti) && r.start >= report.revokedAt.get(r.jti)! + BOUND_MS);
  expect(pastBound.length).toBeGreaterThanOrEqual(report.revokedAt.size);
});

test('invariants: distinct tokens, no 5xx, no allow past the revocation bound, audit events match requests', () => {
  expect(problems).toEqual([]);
});

test('every revoked token is refused once the bound has passed (settle phase)', () => {
  const settle = of('authorize', true);
  expect(settle.length).toBe(report.revokedAt.size);
  expect(settle.every((r) => r.status === 401)).toBe(true);
});
