/** The load run's invariant checker catches each kind of broken promise (so a passing load test means something). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLoadInvariants, type LoadRecord, type LoadReport } from '../../testkit/load/run-load';

const T0 = Date.UTC(2026, 0, 1);
const BOUND = 2_000;

function report(records: Array<Partial<LoadRecord> & Pick<LoadRecord, 'kind' | 'status'>>, extra: Partial<LoadReport> = {}): LoadReport {
  return {
    startedAt: T0,
    endedAt: T0 + 10_000,
    records: records.map((r) => ({ start: T0 + 100, end: T0 + 150, clientId: 'c1', ...r })),
    issued: [
      { token: 'a.b.c', jti: 'j1', clientId: 'c1' },
      { token: 'd.e.f', jti: 'j2', clientId: 'c1' },
    ],
    revokedAt: new Map([['j1', T0 + 1_000]]),
    rps: 10,
    ...extra,
  };
}

const clean = () =>
  report([
    { kind: 'issue', status: 200, jti: 'j1' },
    { kind: 'issue', status: 200, jti: 'j2' },
    { kind: 'authorize', status: 200, jti: 'j1', start: T0 + 500 },
    { kind: 'revoke', status: 200, jti: 'j1', start: T0 + 900, end: T0 + 1_000 },
    { kind: 'authorize', status: 200, jti: 'j1', start: T0 + 1_500 }, // inside the bound: allowed is fine
    { kind: 'authorize', status: 401, jti: 'j1', start: T0 + 3_000 },
  ]);

test('a clean run passes', () => {
  expect(checkLoadInvariants(clean(), { revocationBoundMs: BOUND })).toEqual([]);
});

test('a duplicate token or jti is caught', () => {
  const r = clean();
  r.issued.push({ ...r.issued[0] });
  expect(checkLoadInvariants(r, { revocationBoundMs: BOUND })).toEqual(['a token was issued twice', 'a jti was issued twice']);
});

test('a 5xx or a connection failure is caught', () => {
  const r = clean();
  r.records.push({ ...r.records[0], status: 503 }, { ...r.records[0], kind: 'authorize', status: 0 });
  expect(checkLoadInvariants(r, { revocationBoundMs: BOUND })).toHaveLength(2);
});

test('an allow past the revocation bound is caught', () => {
  const r = clean();
  r.records.push({ kind: 'authorize', status: 200, jti: 'j1', start: T0 + 1_000 + BOUND, end: T0 + 3_100, clientId: 'c1' });
  expect(checkLoadInvariants(r, { revocationBoundMs: BOUND })).toEqual([`a revoked token was allowed ${BOUND} ms after its revoke returned 200 (bound ${BOUND} ms)`]);
});

test('audit events that do not match the requests are caught, and so is an allow the audit saw past the bound', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pc-load-inv-'));
  const file = join(dir, 'audit.log');
  const at = (ms: number) => new Date(T0 + ms).toISOString();
  const lines = [
    { event: 'client.created', time: at(-5_000) }, // before the run: not counted
    { event: 'token.issued', time: at(120), jti: 'j1' },
    { event: 'token.issued', time: at(130), jti: 'j2' },
    { event: 'authz.allowed', time: at(510), jti: 'j1' },
    { event: 'token.revoked', time: at(950), jti: 'j1' },
    { event: 'authz.allowed', time: at(1_510), jti: 'j1' },
    { event: 'authz.denied', time: at(3_010), jti: 'j1' },
  ];
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  expect(checkLoadInvariants(clean(), { revocationBoundMs: BOUND, auditFile: file })).toEqual([]);

  writeFileSync(file, [...lines.slice(0, 6), { event: 'authz.allowed', time: at(3_010), jti: 'j1' }].map((l) => JSON.stringify(l)).join('\n') + '\n');
  expect(checkLoadInvariants(clean(), { revocationBoundMs: BOUND, auditFile: file })).toEqual([
    'audit: 3 authz.allowed events for 2 requests',
    'audit: 0 authz.denied events for 1 requests',
    `audit: authz.allowed for a revoked token ${2_010} ms after its revoke`,
  ]);
});
