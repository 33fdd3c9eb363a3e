/**
 * An authorizer wired as functions/authorizer.ts wires it in a container: the decision core, the revocation
 * checker of the configured mode over DynamoDB (dynalite), and the functions' audit sink writing each line to a
 * pipe drained by another process (Lambda's stdout). Only the JWKS is injected instead of fetched.
 */
import { createAuditSink, type PortcullisAuditSink } from '../../lib/audit/create-audit-sink';
import type { AuditSink } from '../../lib/audit/types';
import { Authorizer, type AuthzRequest } from '../../lib/authorizer/decide';
import type { Config } from '../../lib/config/types';
import { createRevocationChecker, createRevocationStore } from '../../lib/composition/revocation';
import { createDocTable } from '../../lib/composition/table';
import { BENCH_ARN, BENCH_ROUTE, benchConfig, createTable, type BackendEndpoints } from '../support/bench-config';
import { jwksOf, type BenchKey } from '../support/tokens';
import type { RevocationChecker } from '../../lib/revocation/checker';
import type { AuditPipe } from '../support/audit-pipe';

export const BENCH_CLIENT = 'pc_benchclient';

/** What the REQUEST authorizer's event adapter hands the core for `GET /demo/data`. */
export const requestFor = (token: string): AuthzRequest => ({
  authorization: `Bearer ${token}`,
  arn: BENCH_ARN,
  method: BENCH_ROUTE.method,
  resource: BENCH_ROUTE.path,
  path: BENCH_ROUTE.path,
  sourceIp: '203.0.113.10',
  userAgent: 'portcullis-bench/1',
  requestId: 'bench-request',
});

export interface Counters {
  /** Revocation refresh failures and other internal errors logged (should stay 0). */
  errors: number;
}

export interface AuthorizerRig {
  config: Config;
  authorizer: Authorizer;
  /** undefined when the rig runs with a no-op sink. */
  audit?: PortcullisAuditSink;
  revocation: RevocationChecker;
  counters: Counters;
}

export type AuditChoice = 'stdout' | 'none';

export interface RigOptions {
  backends: BackendEndpoints;
  key: BenchKey;
  mode: 'snapshot' | 'strict';
  tableName: string;
  audit?: AuditChoice;
  /** Where the audit lines go (required with audit 'stdout'). */
  pipe?: AuditPipe;
}

const NO_AUDIT: AuditSink = { emit: () => {}, flush: async () => {} };
const missingPipe = () => {
  throw new Error('bench: the audit sink needs a pipe');
};

export function authorizerConfig(opts: Pick<RigOptions, 'backends' | 'mode' | 'tableName'>): Config {
  return benchConfig(opts.backends, { PORTCULLIS_TABLE: opts.tableName, PORTCULLIS_REVOCATION_MODE: opts.mode });
}

/**
 * Creates the table and writes revocations of other tokens, clients and subjects into it, so the
 * snapshot holds something and strict lookups read real items. None concerns the benchmark's tokens.
 */
export async function seedRevocations(config: Config, count: { tokens: number; clients: number; subjects: number }): Promise<void> {
  await createTable(config);
  const store = createRevocationStore(config, { table: createDocTable(config) });
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < count.tokens; i++) await store.revokeToken({ jti: `revoked-jti-${i}`, client_id: `pc_other${i % 7}`, sub: `pc_other${i % 7}`, exp: now + 3600, by: 'bench' });
  for (let i = 0; i < count.clients; i++) await store.revokeClient(`pc_gone${i}`, { notBefore: now, reason: 'revoked', by: 'bench' });
  for (let i = 0; i < count.subjects; i++) await store.revokeSubject(`subject-gone-${i}`, { notBefore: now, by: 'bench' });
}

export async function buildAuthorizerRig(opts: RigOptions): Promise<AuthorizerRig> {
  const config = authorizerConfig(opts);
  const counters: Counters = { errors: 0 };
  const audit =
    (opts.audit ?? 'stdout') === 'stdout'
      ? createAuditSink(config, {
          stdout: opts.pipe?.write ?? missingPipe,
          functionName: 'portcullis-bench-authorizer',
        })
      : undefined;
  const revocation = createRevocationChecker(config, { table: createDocTable(config), onError: () => counters.errors++ });
  if (revocation.ready && !(await revocation.ready())) throw new Error('the revocation snapshot could not be loaded from dynalite');
  const authorizer = new Authorizer(config, {
    audit: audit ?? NO_AUDIT,
    revocation,
    jwks: jwksOf(opts.key),
    log: () => counters.errors++,
  });
  return { config, authorizer, audit, revocation, counters };
}
