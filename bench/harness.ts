/**
 * The benchmark harness: runs every part in order and returns one result object (bench/results.ts).
 * `runBench` is what `npm run bench` (bench/run.ts) and test/bench/quick.test.ts call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchAuthorizer } from './authorizer/bench-authorizer';
import { auditBreakdown } from './authorizer/audit-breakdown';
import { countDdbCalls } from './authorizer/ddb-calls';
import { buildBundles } from './cold/bundles';
import { measureColdInit } from './cold/cold-init';
import { requireSplit } from './cold/require-split';
import { startFunctionFixture, PROD_STAGE } from './cold/function-fixture';
import { functionPeakRss, httpDirect, httpLocalStack, type HttpFigures } from './http/http-bench';
import { FULL, QUICK, type Plan } from './plans';
import { runProfiles } from './profile/run-profiles';
import { evaluateGoals, type BenchResults, type Figure, type MeasureKey } from './results';
import { startBackends } from './support/backends';
import { BENCH_LOG_GROUP } from './support/bench-config';
import { loadAverage, machineInfo, versions } from './support/machine';
import { round } from './support/stats';
import { benchToken } from './token/bench-token';
import { benchCodeFlow } from './people/code-flow';

export interface BenchOptions {
  quick: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Where the .cpuprofile files go (full run); default a temporary directory. */
  profileDir?: string;
  /** Override parts of the plan (tests, experiments). */
  plan?: Partial<Plan>;
}

const PROD_LOG_GROUP = `/portcullis/${PROD_STAGE}/audit`;

const r3 = (x: number) => round(x, 3);
const r1 = (x: number) => round(x, 1);

export async function runBench(opts: BenchOptions): Promise<BenchResults> {
  const log = opts.log ?? (() => {});
  const plan: Plan = { ...(opts.quick ? QUICK : FULL), ...opts.plan };
  const started = Date.now();
  const loadBefore = loadAverage();
  const workDir = mkdtempSync(join(tmpdir(), 'portcullis-bench-'));
  const section = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    log(`${name}…`);
    const out = await work();
    log(`${name}: ${((Date.now() - t) / 1000).toFixed(1)} s (load ${loadAverage()[0]})`);
    return out;
  };

  const backends = await startBackends([BENCH_LOG_GROUP, PROD_LOG_GROUP]);
  try {
    const authz = await section('authorizer CPU', () => benchAuthorizer(backends, plan.authorizer));
    const audit = await section('audit cost breakdown', () => auditBreakdown(authz.events, plan.auditBreakdown));
    const ddb = await section('DynamoDB calls per decision', () => countDdbCalls(backends, plan.ddbCalls));
    const token = await section('token endpoint CPU', () => benchToken(backends, plan.token));
    const bundles = await section(`bundles (${plan.bundles})`, () => buildBundles(plan.bundles, workDir));
    const fixture = await startFunctionFixture(backends);
    const { cold, requireCosts, direct, rss, stack, stackError, profiles, people } = await (async () => {
      try {
        const cold = await section('cold starts', () => measureColdInit(bundles, fixture, plan.coldSamples));
        const requireCosts = plan.requireSplitSamples ? await section('require time by dependency', () => requireSplit(workDir, plan.requireSplitSamples)) : [];
        const direct = await section('HTTP, bundles behind node:http', () => httpDirect(bundles, fixture, plan.http));
        const rss = await section('peak RSS per function under load', () => functionPeakRss(bundles, fixture, plan.http));
        const people = await section('code flow (authorize + token, login), bundles behind node:http', () => benchCodeFlow(fixture, workDir, plan.codeFlow));
        let stack: HttpFigures | undefined;
        let stackError: string | undefined;
        if (plan.localStack) {
          // Information only: a local stack that cannot start does not void the run.
          try {
            stack = await section('HTTP, local stack (serverless-offline)', () => httpLocalStack(plan.http));
          } catch (err) {
            stackError = (err as Error).message.split('\n')[0];
            log(`local stack failed: ${stackError}`);
          }
        }
        const profiles = plan.profiles
          ? await section('profiles', () =>
              runProfiles(backends, { dir: opts.profileDir ?? join(workDir, 'profiles'), workDir, fixture, authorizerTable: authz.tableName }),
            )
          : {};
        return { cold, requireCosts, direct, rss, stack, stackError, profiles, people };
      } finally {
        await fixture.close();
      }
    })();
    const http = stack ?? direct;

    const measures: Record<MeasureKey, Figure> = {
      authorizer_decision_ratio: r3(authz.decisionRatio.median),
      aws_jwt_verify_ratio: r3(authz.awsJwtVerifyRatio.median),
      jose_ratio: r3(authz.joseRatio.median),
      authorizer_repeat_token_ratio: r3(authz.repeatRatio.median),
      authorizer_ddb_calls_per_decision: { snapshot: round(ddb.snapshot.perDecision, 4), strict: r3(ddb.strict.perDecision) },
      audit_emit_share: r3(authz.auditShare.median),
      token_issue_ratio: { RS256: r3(token.algs.RS256.issueRatio.median), ES256: r3(token.algs.ES256.issueRatio.median) },
      token_issue_ratio_without_audit: { RS256: r3(token.algs.RS256.issueRatioWithoutAudit.median), ES256: r3(token.algs.ES256.issueRatioWithoutAudit.median) },
      private_key_jwt_issue_ratio: { RS256: r3(token.algs.RS256.privateKeyJwtRatio.median), ES256: r3(token.algs.ES256.privateKeyJwtRatio.median) },
      private_key_jwt_ddb_calls_per_request: r3(token.privateKeyJwtDdb.perRequest),
      refresh_issue_ratio: { RS256: r3(token.algs.RS256.refreshRatio.median), ES256: r3(token.algs.ES256.refreshRatio.median) },
      refresh_ddb_calls: r3(token.refreshDdb.perRequest),
      authorizer_cold_init_ms: r1(cold.authorizer.totalMs),
      token_cold_init_ms: r1(cold.token.totalMs),
      bundle_bytes: {
        authorizer_js: bundles.bundles.authorizer.jsBytes,
        authorizer_zip: bundles.bundles.authorizer.zipBytes,
        token_js: bundles.bundles.token.jsBytes,
        token_zip: bundles.bundles.token.zipBytes,
      },
      http_token_rps: r1(http.token.rps),
      http_authorized_rps: r1(http.authorized.rps),
      http_direct_token_rps: r1(direct.token.rps),
      http_direct_authorized_rps: r1(direct.authorized.rps),
      peak_rss_mib: { authorizer: rss.authorizer.peakMiB, token: rss.token.peakMiB },
      code_flow_ms: r1(people.flowMs),
      code_flow_ddb_calls: { authorize: people.ddbCalls.authorize, token: people.ddbCalls.token },
      login_post_cpu_ms: r1(people.loginCpuMs),
    };

    const rawUs: Record<string, number> = {};
    const wallUs: Record<string, number> = {};
    const perOp = [
      ...Object.entries(authz.perOp).map(([name, v]) => [name === 'raw_verify' ? `raw_verify_${authz.alg}` : name, v] as const),
      ...(['RS256', 'ES256'] as const).flatMap((alg) => Object.entries(token.algs[alg].perOp)),
    ];
    for (const [name, v] of perOp) {
      rawUs[name] = r1(v.cpuUs);
      wallUs[name] = r1(v.wallUs);
    }
    rawUs.audit_entry_build = r1(audit.entryBuildUs);
    rawUs.audit_line_write = r1(audit.lineWriteUs);
    rawUs.audit_line_write_dev_null = r1(audit.devNullWriteUs);
    rawUs.json_stringify_event = r1(audit.jsonStringifyUs);
    rawUs.login_post_cpu = r1(people.loginCpuMs * 1000);
    rawUs.argon2id_verify_wall = r1(people.argon2VerifyMs * 1000);

    return {
      schema: 1,
      generatedAt: new Date().toISOString(),
      mode: opts.quick ? 'quick' : 'full',
      durationS: r1((Date.now() - started) / 1000),
      machine: { ...machineInfo(), loadBefore, loadAfter: loadAverage() },
      versions: versions(),
      measures,
      goals: evaluateGoals(measures),
      rawUs,
      details: {
        plan,
        wall_us: wallUs,
        authorizer: {
          alg: authz.alg,
          spreads: {
            authorizer_decision_ratio: authz.decisionRatio,
            authorizer_repeat_token_ratio: authz.repeatRatio,
            aws_jwt_verify_ratio: authz.awsJwtVerifyRatio,
            jose_ratio: authz.joseRatio,
            decision_without_audit_ratio: authz.noAuditRatio,
            repeat_token_without_audit_ratio: authz.repeatNoAuditRatio,
            audit_emit_share: authz.auditShare,
          },
          audit_share_by_difference: r3(authz.auditShareByDifference),
          decisions: authz.decisions,
          async_decisions: authz.asyncDecisions,
          audit_lines: authz.auditLines,
          internal_errors: authz.errors,
          revocation_snapshot: authz.snapshotSize,
        },
        audit_breakdown: Object.fromEntries(Object.entries(audit).map(([k, v]) => [k, r1(v)])),
        ddb_calls: ddb,
        token: {
          spreads: Object.fromEntries(
            (['RS256', 'ES256'] as const).map((a) => [
              a,
              { with_audit: token.algs[a].issueRatio, without_audit: token.algs[a].issueRatioWithoutAudit, private_key_jwt: token.algs[a].privateKeyJwtRatio, refresh: token.algs[a].refreshRatio },
            ]),
          ),
          requests: token.requests,
          audit_lines: token.auditLines,
          private_key_jwt_ddb_calls: token.privateKeyJwtDdb,
          refresh_ddb_calls: token.refreshDdb,
        },
        cold: { ...cold, require_by_dependency: requireCosts.map((c) => ({ ...c, requireMs: r1(c.requireMs) })) },
        bundles: {
          source: bundles.source,
          build_ms: bundles.buildMs,
          all_zip_bytes: bundles.allZipBytes,
          composition: { authorizer: bundles.composition.authorizer.slice(0, 15), token: bundles.composition.token.slice(0, 15) },
        },
        http: { measured: http.via, local_stack: stack, local_stack_error: stackError, direct },
        peak_rss: rss,
        code_flow: {
          authorize_ms: r1(people.authorizeMs),
          token_ms: r1(people.tokenMs),
          ddb_calls_mean: { authorize: r3(people.ddbCalls.authorizeMean), token: r3(people.ddbCalls.tokenMean) },
          argon2id_verify_ms: r1(people.argon2VerifyMs),
          flows: plan.codeFlow.flows,
          logins: plan.codeFlow.logins,
        },
      },
      profiles,
    };
  } finally {
    await backends.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}
