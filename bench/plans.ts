/** How much each part of the harness does: the full run (minutes at most) and the quick run (seconds). */
import type { AuthorizerPlan } from './authorizer/bench-authorizer';
import type { AuditBreakdownPlan } from './authorizer/audit-breakdown';
import type { DdbCallsPlan } from './authorizer/ddb-calls';
import type { HttpPlan } from './http/http-bench';
import type { TokenPlan } from './token/bench-token';
import type { CodeFlowPlan } from './people/code-flow';

export interface Plan {
  authorizer: AuthorizerPlan;
  auditBreakdown: AuditBreakdownPlan;
  ddbCalls: DdbCallsPlan;
  token: TokenPlan;
  /** `package`: serverless package (the deployable zips); `esbuild`: the same esbuild settings, no zips. */
  bundles: 'package' | 'esbuild';
  coldSamples: number;
  /** Fresh processes per dependency for the require-time split of the authorizer bundle (0: skip). */
  requireSplitSamples: number;
  http: HttpPlan;
  /** Measure HTTP through the local stack (serverless-offline) too, not only the bare-server figures. */
  localStack: boolean;
  /** CPU profiles of the measured workloads (bench/results/*.cpuprofile) and their summaries. */
  profiles: boolean;
  /** The authorization code flow (people): flows and sign-ins measured. */
  codeFlow: CodeFlowPlan;
}

export const FULL: Plan = {
  authorizer: { rounds: 20, warmupRounds: 2, warmupOps: 3000, decisionsPerBatch: 1000, seed: { tokens: 300, clients: 20, subjects: 5 } },
  auditBreakdown: { rounds: 10, warmupOps: 100 },
  ddbCalls: { snapshotDurationMs: 2500, snapshotDecisionsPerTick: 20, strictDecisions: 300 },
  token: { rounds: 15, warmupRounds: 2, warmupOps: 200, rs256PerBatch: 12, es256PerBatch: 48 },
  bundles: 'package',
  coldSamples: 15,
  requireSplitSamples: 7,
  http: { durationS: 5, connections: 10 },
  localStack: true,
  profiles: true,
  codeFlow: { flows: 200, logins: 20 },
};

export const QUICK: Plan = {
  authorizer: { rounds: 4, warmupRounds: 1, warmupOps: 100, decisionsPerBatch: 40, seed: { tokens: 20, clients: 2, subjects: 2 } },
  auditBreakdown: { rounds: 2, warmupOps: 4 },
  ddbCalls: { snapshotDurationMs: 300, snapshotDecisionsPerTick: 10, strictDecisions: 30 },
  token: { rounds: 3, warmupRounds: 1, warmupOps: 8, rs256PerBatch: 4, es256PerBatch: 12 },
  bundles: 'esbuild',
  coldSamples: 2,
  requireSplitSamples: 1,
  http: { durationS: 1, connections: 4 },
  localStack: false,
  profiles: false,
  codeFlow: { flows: 10, logins: 3 },
};
