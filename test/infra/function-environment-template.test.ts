/**
 * One source of configuration: what the admin CLI computes for a deployed stage is what `serverless package` puts
 * into the functions, provider.environment tunables and function-level environment included. A copy of
 * serverless.yml with `PORTCULLIS_CLIENT_CACHE_TTL_MS: '60000'` (and key-cache tunables) is packaged offline;
 * the CLI's configuration (resolveTarget --stage) must agree with the template, so `clients disable` revokes the
 * containers' whole client-cache window and `keys rotate` computes its timings from the deployed values.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { keyTimings, publishLeadSeconds } from '../../lib/keys/timings';
import { notBeforeForDisable } from '../../lib/revocation/not-before';
import { resolveTarget } from '../../infra/cli/context';
import { functionEnvironment, REPO_ROOT } from '../../infra/serverless-config';
import { FrozenClock } from '../../testkit/frozen-clock';

const run = promisify(execFile);
const STAGE = 'prod';
const REGION = 'eu-west-1';
const PARAMS = { audience: 'https://api.example.test' };
const copy = join(REPO_ROOT, `serverless.envtest-${process.pid}.yml`);
const esbuildDir = `.esbuild-offline/envtest-${process.pid}`;
const packEnv = { ...process.env, PORTCULLIS_ESBUILD_DIR: esbuildDir, SLS_TELEMETRY_DISABLED: '1' };
let outDir: string;
let variables: Record<string, Record<string, unknown>>;

function edit(text: string, anchor: string, insert: string): string {
  expect(text).toContain(anchor);
  return text.replace(anchor, `${anchor}${insert}`);
}

beforeAll(async () => {
  let yml = readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8');
  yml = edit(yml, '    PORTCULLIS_STAGE: ${sls:stage}\n', "    PORTCULLIS_CLIENT_CACHE_TTL_MS: '60000'\n    PORTCULLIS_KEY_CACHE_SECONDS: ${param:keyCacheSeconds, 45}\n");
  yml = edit(yml, '  token:\n    handler: functions/token.handler\n', "    environment:\n      PORTCULLIS_KEY_MAX_STALENESS_SECONDS: '90'\n");
  writeFileSync(copy, yml);
  outDir = mkdtempSync(join(tmpdir(), 'portcullis-envtest-'));
  const params = Object.entries(PARAMS).flatMap(([k, v]) => ['--param', `${k}=${v}`]);
  await run(process.execPath, [join(REPO_ROOT, 'node_modules/osls/bin/serverless.js'), 'package', '--config', copy.slice(REPO_ROOT.length + 1), '--stage', STAGE, '--region', REGION, ...params, '--package', outDir], {
    cwd: REPO_ROOT,
    env: packEnv,
    maxBuffer: 10 * 1024 * 1024,
  });
  const template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: { FunctionName: string; Environment?: { Variables: Record<string, unknown> } } }>;
  };
  variables = {};
  for (const r of Object.values(template.Resources)) {
    if (r.Type === 'AWS::Lambda::Function') variables[r.Properties.FunctionName.replace(`portcullis-${STAGE}-`, '')] = r.Properties.Environment?.Variables ?? {};
  }
}, 240_000);
afterAll(() => {
  rmSync(copy, { force: true });
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  rmSync(join(REPO_ROOT, esbuildDir), { recursive: true, force: true });
});

test('the admin CLI for a deployed stage runs with the packaged functions\' tunables: disable margin and key timings follow', async () => {
  const deployed = variables.token;
  expect(deployed.PORTCULLIS_CLIENT_CACHE_TTL_MS).toBe('60000');
  const target = await resolveTarget({ stage: STAGE, region: REGION, params: PARAMS, serverlessFile: copy });
  try {
    const { config } = target;
    expect(config.clientCacheTtlMs).toBe(Number(deployed.PORTCULLIS_CLIENT_CACHE_TTL_MS));
    expect(config.keys?.cacheSeconds).toBe(Number(deployed.PORTCULLIS_KEY_CACHE_SECONDS));
    expect(config.keys?.maxStalenessSeconds).toBe(Number(deployed.PORTCULLIS_KEY_MAX_STALENESS_SECONDS));
    expect(config.audience).toBe(deployed.PORTCULLIS_AUDIENCE);
    // `clients disable` revokes with a not-before covering the containers' 60 s client cache, not the default 5 s.
    const clock = new FrozenClock(Date.UTC(2026, 5, 1, 12));
    expect(notBeforeForDisable(clock, config.clientCacheTtlMs)).toBe(clock.now() / 1000 + 60);
    // `keys rotate`: publish lead = key-list staleness (90 s, the token function's) + JWKS cache (300 s).
    expect(publishLeadSeconds(keyTimings(config))).toBe(90 + 300);
  } finally {
    target.close();
  }
});

test('every packaged function\'s environment is the one functionEnvironment computes (the issuer aside: an execute-api URL)', () => {
  expect(Object.keys(variables).sort()).toEqual(['authorize', 'authorizer', 'authorizerHttpApi', 'consent', 'introspect', 'jwks', 'login', 'logout', 'metadata', 'openidConfiguration', 'revoke', 'token', 'userinfo']);
  for (const [fn, vars] of Object.entries(variables)) {
    const { PORTCULLIS_ISSUER: issuer, ...rest } = vars;
    expect(JSON.stringify(issuer)).toContain('execute-api');
    const deployed = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, String(v)]));
    expect({ fn, env: functionEnvironment(STAGE, { file: copy, function: fn, params: PARAMS, region: REGION, env: packEnv }) }).toEqual({ fn, env: deployed });
  }
  expect(variables.token.PORTCULLIS_KEY_MAX_STALENESS_SECONDS).toBe('90');
  expect(variables.jwks.PORTCULLIS_KEY_MAX_STALENESS_SECONDS).toBeUndefined();
});
