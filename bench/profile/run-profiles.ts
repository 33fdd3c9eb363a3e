/**
 * Where the time goes: V8 CPU profiles of the measured workloads, written as .cpuprofile files (open them in
 * Chrome DevTools or VS Code) and summarized by owner and function for BENCHMARKS.md.
 *  - hot paths (authorizer decision, audit emit, token core RS256/ES256): the sampling profiler around the
 *    loop only (node:inspector, the profiler behind `node --cpu-prof`);
 *  - cold start of the authorizer: `node --cpu-prof` on a fresh process loading an unminified build of the
 *    same bundle (module boundaries of the bundle give each function its package).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../infra/serverless-config';
import { Authorizer } from '../../lib/authorizer/decide';
import { handleTokenRequest } from '../../lib/endpoints/token';
import { claimsFor } from '../authorizer/bench-authorizer';
import { buildAuthorizerRig, requestFor } from '../authorizer/rig';
import { esbuildFunction } from '../cold/bundles';
import type { FunctionFixture } from '../cold/function-fixture';
import { bundleOwnerResolver } from '../report/bundle-map';
import { summarizeProfile, type CpuProfile, type ProfileSummary } from '../report/profile-summary';
import type { BackendEndpoints } from '../support/bench-config';
import { profile } from '../support/profiler';
import { jwksOf, makeKey, TokenPool } from '../support/tokens';
import { buildTokenRig } from '../token/rig';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import { openAuditPipe } from '../support/audit-pipe';

export interface ProfileOptions {
  /** Where the .cpuprofile files go. */
  dir: string;
  /** Scratch space (the unminified bundle). */
  workDir: string;
  fixture: FunctionFixture;
  /** The authorizer table the CPU benchmark seeded (its revocations make the snapshot). */
  authorizerTable: string;
}

async function hotPaths(backends: BackendEndpoints, opts: ProfileOptions): Promise<Record<string, CpuProfile>> {
  const out: Record<string, CpuProfile> = {};
  const key = makeKey('RS256');
  const pipe = openAuditPipe();
  const rig = await buildAuthorizerRig({ backends, key, mode: 'snapshot', tableName: opts.authorizerTable, pipe });
  const pool = new TokenPool(key, claimsFor(), 1500);
  const captured = new MemoryAuditSink();
  const capture = new Authorizer(rig.config, { audit: captured, revocation: rig.revocation, jwks: jwksOf(key), log: () => {} });
  for (const t of pool.tokens.slice(0, 300)) await capture.decide(requestFor(t));
  for (const t of pool.tokens.slice(0, 200)) await rig.authorizer.decide(requestFor(t)); // warm
  const audit = rig.audit!;
  out.authorizer_decision = await profile(async () => {
    for (const t of pool.tokens.slice(200)) await rig.authorizer.decide(requestFor(t));
  });
  const repeated = pool.tokens[0];
  out.authorizer_repeat_token = await profile(async () => {
    for (let i = 0; i < 20_000; i++) await rig.authorizer.decide(requestFor(repeated));
  });
  out.audit_emit = await profile(async () => {
    for (let round = 0; round < 20; round++) for (const e of captured.events.slice(0, 200)) audit.emit(e);
  });
  for (const [alg, requests] of [
    ['RS256', 300],
    ['ES256', 1000],
  ] as const) {
    const t = await buildTokenRig(backends, alg, pipe);
    try {
      for (let i = 0; i < 50; i++) await handleTokenRequest(t.request, t.deps);
      out[`token_core_${alg}`] = await profile(async () => {
        for (let i = 0; i < requests; i++) await handleTokenRequest(t.request, t.deps);
      });
      if (alg === 'ES256') {
        for (let i = 0; i < 200; i++) await handleTokenRequest(t.request, t.depsWithoutAudit);
        out.token_core_no_audit_ES256 = await profile(async () => {
          for (let i = 0; i < 3000; i++) await handleTokenRequest(t.request, t.depsWithoutAudit);
        });
      }
    } finally {
      t.close();
    }
  }
  await pipe.close();
  return out;
}

/** `node --cpu-prof` over one cold start of an unminified authorizer bundle. */
async function coldStart(opts: ProfileOptions): Promise<{ profile: CpuProfile; bundle: string }> {
  const bundle = join(opts.workDir, 'unminified', 'authorizer.js');
  await esbuildFunction('authorizer', bundle, { minify: false });
  const profDir = join(opts.workDir, 'cold-profile');
  mkdirSync(profDir, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-interval', '100', join(__dirname, '..', 'cold', 'cold-driver.cjs')], {
      env: {
        PATH: process.env.PATH ?? '',
        ...opts.fixture.env,
        AWS_LAMBDA_FUNCTION_NAME: 'portcullis-prod-authorizer',
        BENCH_BUNDLE: bundle,
        BENCH_HANDLER: 'request',
        BENCH_EVENT: JSON.stringify(opts.fixture.authorizerEvent()),
        BENCH_EXPECT: 'allow',
      },
      stdio: 'ignore',
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`profiled cold start exited with ${code}`))));
  });
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('node --cpu-prof wrote no profile');
  return { profile: JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile, bundle };
}

export async function runProfiles(backends: BackendEndpoints, opts: ProfileOptions): Promise<Record<string, ProfileSummary>> {
  mkdirSync(opts.dir, { recursive: true });
  const summaries: Record<string, ProfileSummary> = {};
  for (const [name, p] of Object.entries(await hotPaths(backends, opts))) {
    writeFileSync(join(opts.dir, `${name}.cpuprofile`), JSON.stringify(p));
    summaries[name] = summarizeProfile(p, REPO_ROOT);
  }
  const cold = await coldStart(opts);
  writeFileSync(join(opts.dir, 'authorizer_cold_start.cpuprofile'), JSON.stringify(cold.profile));
  summaries.authorizer_cold_start = summarizeProfile(cold.profile, REPO_ROOT, 12, bundleOwnerResolver(cold.bundle, pathToFileURL(cold.bundle).href));
  return summaries;
}
