/**
 * Where the authorizer's `require` time goes: each heavy dependency bundled alone with the same esbuild
 * settings, required in fresh node processes (median), next to the whole bundle.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { load } from 'js-yaml';
import { REPO_ROOT } from '../../infra/serverless-config';
import { median } from '../support/stats';

/**
 * The authorizer's heavy dependencies, imported as the authorizer imports them (ESM entry points, so esbuild
 * keeps only what is used) and, for the SDK, with the client constructed as the authorizer does at init (and
 * without, to tell loading from constructing). No CloudWatch Logs client: the functions no longer have one.
 */
export const AUTHORIZER_DEPENDENCIES: Record<string, string> = {
  'aws-jwt-verify': `import { JwtVerifier } from 'aws-jwt-verify'; import { SimpleJwksCache } from 'aws-jwt-verify/jwk'; import * as errors from 'aws-jwt-verify/error';
    globalThis.keep = [JwtVerifier, SimpleJwksCache, errors];`,
  '@aws-sdk/client-dynamodb': `import { DynamoDBClient, QueryCommand, BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
    globalThis.keep = [new DynamoDBClient({ region: 'us-east-1' }), QueryCommand, BatchGetItemCommand];`,
  '@aws-sdk/client-dynamodb, no client constructed': `import { DynamoDBClient, QueryCommand, BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
    globalThis.keep = [DynamoDBClient, QueryCommand, BatchGetItemCommand];`,
  '@aws-lambda-powertools logger + metrics': `import { Logger } from '@aws-lambda-powertools/logger'; import { Metrics } from '@aws-lambda-powertools/metrics';
    globalThis.keep = [Logger, Metrics];`,
};

export interface RequireCost {
  name: string;
  bytes: number;
  requireMs: number;
}

function requireOnce(file: string): Promise<number> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['-e', `const t = performance.now(); require(${JSON.stringify(file)}); process.stdout.write('\\nREQUIRE_MS ' + (performance.now() - t))`],
      { env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
      (err, stdout) => {
        const line = stdout.split('\n').find((l) => l.startsWith('REQUIRE_MS '));
        if (err || !line) reject(err ?? new Error(`no timing from ${file}`));
        else resolve(Number(line.slice('REQUIRE_MS '.length)));
      },
    ),
  );
}

export async function requireSplit(workDir: string, samples: number): Promise<RequireCost[]> {
  const settings = (load(readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8')) as { custom: { esbuild: { target?: string; mainFields?: string[] } } }).custom.esbuild;
  const dir = join(workDir, 'require-split');
  mkdirSync(dir, { recursive: true });
  const out: RequireCost[] = [];
  for (const [name, code] of Object.entries(AUTHORIZER_DEPENDENCIES)) {
    const file = join(dir, `${out.length}.js`);
    await build({
      stdin: { contents: code, resolveDir: REPO_ROOT, loader: 'ts' },
      outfile: file,
      bundle: true,
      minify: true,
      target: settings.target ?? 'node22',
      platform: 'node',
      format: 'cjs',
      mainFields: settings.mainFields,
      logLevel: 'silent',
    });
    const times: number[] = [];
    for (let i = 0; i < samples; i++) times.push(await requireOnce(file));
    out.push({ name, bytes: statSync(file).size, requireMs: median(times) });
  }
  return out;
}
