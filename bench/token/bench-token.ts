/**
 * Token endpoint CPU, side by side: raw crypto.sign of a token-sized signing input (the floor) against
 * handleTokenRequest (form, client authentication, scope, mint, sign with the file key, the audit line written
 * before the answer), with the audit (production) and without it, for RS256 and ES256, and with private_key_jwt
 * client authentication instead of a secret (an ES256 client assertion: its precheck, signature and jti write;
 * private-key-jwt.ts), and refresh-token requests along a rotation chain (refresh.ts), whose DynamoDB calls per
 * request are counted at the wire. Every response is checked to be a 200.
 */
import { sign } from 'node:crypto';
import { handleTokenRequest, type TokenEndpointDeps } from '../../lib/endpoints/token';
import type { HttpRequest } from '../../lib/http/request';
import type { BackendEndpoints } from '../support/bench-config';
import { interleave, perOp, ratio, type Variant } from '../support/measure';
import type { Spread } from '../support/stats';
import type { Alg } from '../support/tokens';
import { buildTokenRig, type TokenRig } from './rig';
import { openAuditPipe } from '../support/audit-pipe';
import { buildPrivateKeyJwtPath, type PrivateKeyJwtPath } from './private-key-jwt';
import { buildRefreshPath, type RefreshPath } from './refresh';

export interface TokenPlan {
  rounds: number;
  warmupRounds: number;
  /** Untimed requests (and signatures) of each variant first. */
  warmupOps: number;
  /** Requests per batch for RS256 (ES256 batches are scaled to take about as long). */
  rs256PerBatch: number;
  es256PerBatch: number;
}

export interface TokenAlgFigures {
  /** Token core requests/s ÷ raw signatures/s (= raw sign CPU ÷ request CPU). */
  issueRatio: Spread;
  /** The same without the audit sink. */
  issueRatioWithoutAudit: Spread;
  /** Token requests/s with private_key_jwt client authentication (audit on) ÷ raw signatures/s. */
  privateKeyJwtRatio: Spread;
  /** grant_type=refresh_token requests/s (a rotation chain, audit on) ÷ raw signatures/s. */
  refreshRatio: Spread;
  perOp: Record<string, { cpuUs: number; wallUs: number }>;
}

export interface TokenFigures {
  algs: Record<Alg, TokenAlgFigures>;
  requests: number;
  /** Audit lines written to the pipe. */
  auditLines: number;
  /** DynamoDB requests of steady-state private_key_jwt token requests, counted at the wire, by action. */
  privateKeyJwtDdb: { requests: number; perRequest: number; calls: Record<string, number> };
  /** DynamoDB requests of steady-state refreshes, counted at the wire, by action. */
  refreshDdb: { requests: number; perRequest: number; calls: Record<string, number> };
}

/** Refreshes along a rotation chain: each request exchanges the token the previous one returned. */
class RefreshLoop {
  requests = 0;
  failures: number[] = [];
  constructor(private readonly path: RefreshPath) {}
  async run(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const status = await this.path.refresh();
      this.requests++;
      if (status !== 200) this.failures.push(status);
    }
  }
}

/** Token requests with private_key_jwt; each consumes one assertion prepared beforehand. */
class AssertionLoop {
  requests = 0;
  failures: number[] = [];
  constructor(private readonly path: PrivateKeyJwtPath) {}
  async run(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const status = await this.path.issue();
      this.requests++;
      if (status !== 200) this.failures.push(status);
    }
  }
}

class IssueLoop {
  requests = 0;
  failures: number[] = [];

  constructor(
    private readonly req: HttpRequest,
    private readonly deps: TokenEndpointDeps,
  ) {}

  async run(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const res = await handleTokenRequest(this.req, this.deps);
      this.requests++;
      if (res.statusCode !== 200) this.failures.push(res.statusCode);
    }
  }
}

/** A signing input the size of a real access token's. */
async function realisticSigningInput(rig: TokenRig): Promise<Buffer> {
  const res = await handleTokenRequest(rig.request, rig.depsWithoutAudit);
  if (res.statusCode !== 200) throw new Error(`token benchmark: the token endpoint answered ${res.statusCode}: ${res.body}`);
  const token = (JSON.parse(res.body) as { access_token: string }).access_token;
  return Buffer.from(token.slice(0, token.lastIndexOf('.')));
}

export async function benchToken(backends: BackendEndpoints, plan: TokenPlan): Promise<TokenFigures> {
  const algs: Alg[] = ['RS256', 'ES256'];
  const pipe = openAuditPipe();
  const rigs = await Promise.all(algs.map((alg) => buildTokenRig(backends, alg, pipe)));
  const paths: PrivateKeyJwtPath[] = [];
  const refreshPaths: RefreshPath[] = [];
  try {
    const variants: Variant[] = [];
    const loops: Array<IssueLoop | AssertionLoop | RefreshLoop> = [];
    for (const rig of rigs) {
      const ops = rig.alg === 'RS256' ? plan.rs256PerBatch : plan.es256PerBatch;
      const input = await realisticSigningInput(rig);
      const key = rig.alg === 'ES256' ? { key: rig.privateKey, dsaEncoding: 'ieee-p1363' as const } : rig.privateKey;
      const withAudit = new IssueLoop(rig.request, rig.deps);
      const withoutAudit = new IssueLoop(rig.request, rig.depsWithoutAudit);
      const path = await buildPrivateKeyJwtPath(rig, backends);
      paths.push(path);
      await path.prepare(plan.warmupOps + (plan.warmupRounds + plan.rounds) * ops);
      const assertions = new AssertionLoop(path);
      const refreshPath = await buildRefreshPath(rig, backends);
      refreshPaths.push(refreshPath);
      const refreshes = new RefreshLoop(refreshPath);
      loops.push(withAudit, withoutAudit, assertions, refreshes);
      variants.push(
        {
          name: `raw_sign_${rig.alg}`,
          ops,
          run(n) {
            for (let i = 0; i < n; i++) sign('sha256', input, key);
          },
        },
        { name: `token_core_${rig.alg}`, ops, run: (n) => withAudit.run(n) },
        { name: `token_core_no_audit_${rig.alg}`, ops, run: (n) => withoutAudit.run(n) },
        { name: `token_core_private_key_jwt_${rig.alg}`, ops, run: (n) => assertions.run(n) },
        { name: `token_core_refresh_${rig.alg}`, ops, run: (n) => refreshes.run(n) },
      );
    }
    const samples = await interleave(variants, { rounds: plan.rounds, warmupRounds: plan.warmupRounds, warmupOps: plan.warmupOps });
    const failures = loops.flatMap((l) => l.failures);
    if (failures.length) throw new Error(`token benchmark: ${failures.length} requests failed (status ${[...new Set(failures)].join(', ')})`);

    const figures = {} as Record<Alg, TokenAlgFigures>;
    for (const alg of algs) {
      const names = [`raw_sign_${alg}`, `token_core_${alg}`, `token_core_no_audit_${alg}`, `token_core_private_key_jwt_${alg}`, `token_core_refresh_${alg}`];
      figures[alg] = {
        issueRatio: ratio(samples, `raw_sign_${alg}`, `token_core_${alg}`),
        issueRatioWithoutAudit: ratio(samples, `raw_sign_${alg}`, `token_core_no_audit_${alg}`),
        privateKeyJwtRatio: ratio(samples, `raw_sign_${alg}`, `token_core_private_key_jwt_${alg}`),
        refreshRatio: ratio(samples, `raw_sign_${alg}`, `token_core_refresh_${alg}`),
        perOp: Object.fromEntries(names.map((n) => [n, perOp(samples, n)])),
      };
    }
    const privateKeyJwtDdb = await paths[0].countCalls(20);
    const refreshDdb = await refreshPaths[0].countCalls(20);
    return {
      algs: figures,
      requests: loops.reduce((a, l) => a + l.requests, 0) + privateKeyJwtDdb.requests + refreshDdb.requests,
      auditLines: pipe.lines,
      privateKeyJwtDdb,
      refreshDdb,
    };
  } finally {
    await Promise.all([...paths, ...refreshPaths].map((p) => p.close()));
    for (const rig of rigs) rig.close();
    await pipe.close();
  }
}
