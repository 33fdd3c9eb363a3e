/**
 * Cold start of the bundled authorizer and token functions: `require` of the artifact plus the first
 * decision / token, in fresh node processes (one per sample, the two functions alternating), median of the
 * samples. Node's own start-up (before the bundle is required) is reported apart.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { median } from '../support/stats';
import type { Bundles, FunctionName } from './bundles';
import type { FunctionFixture } from './function-fixture';

export interface ColdSample {
  bootMs: number;
  requireMs: number;
  firstCallMs: number;
  totalMs: number;
  /** CPU time of require + first call (less sensitive to other processes than totalMs). */
  cpuMs: number;
}

export interface ColdFigures {
  samples: number;
  /** Median require + first call, ms. */
  totalMs: number;
  requireMs: number;
  firstCallMs: number;
  cpuMs: number;
  /** Node start-up before the bundle is required (not counted in totalMs). */
  bootMs: number;
}

interface DriverLine extends ColdSample {
  ok: boolean;
  error?: string;
  status?: number;
}

const DRIVER = join(__dirname, 'cold-driver.cjs');

function coldStart(entry: string, handler: string, event: unknown, expect: 'allow' | '200', env: Record<string, string>): Promise<DriverLine> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DRIVER], {
      // Only what a Lambda function gets: its environment (no NODE_OPTIONS, no loaders of this process).
      env: { PATH: process.env.PATH ?? '', ...env, BENCH_BUNDLE: entry, BENCH_HANDLER: handler, BENCH_EVENT: JSON.stringify(event), BENCH_EXPECT: expect },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', () => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (!line) return reject(new Error(`cold start of ${entry} printed no result:\n${(err || out).slice(-2000)}`));
      resolve(JSON.parse(line.slice('BENCH_RESULT '.length)) as DriverLine);
    });
  });
}

const summarize = (s: ColdSample[]): ColdFigures => ({
  samples: s.length,
  totalMs: median(s.map((x) => x.totalMs)),
  requireMs: median(s.map((x) => x.requireMs)),
  firstCallMs: median(s.map((x) => x.firstCallMs)),
  cpuMs: median(s.map((x) => x.cpuMs)),
  bootMs: median(s.map((x) => x.bootMs)),
});

export async function measureColdInit(bundles: Bundles, fixture: FunctionFixture, samplesPerFunction: number): Promise<Record<FunctionName, ColdFigures>> {
  const runs: Record<FunctionName, () => Promise<DriverLine>> = {
    authorizer: () =>
      coldStart(bundles.bundles.authorizer.entry, 'request', fixture.authorizerEvent(), 'allow', { ...fixture.env, AWS_LAMBDA_FUNCTION_NAME: 'portcullis-prod-authorizer' }),
    token: () => coldStart(bundles.bundles.token.entry, 'handler', fixture.tokenEvent(), '200', { ...fixture.env, AWS_LAMBDA_FUNCTION_NAME: 'portcullis-prod-token' }),
  };
  const samples: Record<FunctionName, ColdSample[]> = { authorizer: [], token: [] };
  // One untimed start of each first: the OS file cache, as on a warm Lambda host.
  for (let i = -1; i < samplesPerFunction; i++) {
    for (const fn of (i % 2 === 0 ? ['authorizer', 'token'] : ['token', 'authorizer']) as FunctionName[]) {
      const line = await runs[fn]();
      if (!line.ok) throw new Error(`cold start of the ${fn} bundle did not answer as expected: ${line.error ?? `status ${line.status}`}`);
      if (i >= 0) samples[fn].push(line);
    }
  }
  return { authorizer: summarize(samples.authorizer), token: summarize(samples.token) };
}
