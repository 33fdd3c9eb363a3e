/**
 * infra/serverless-variables.ts: serverless.yml variables resolved as `serverless deploy` resolves them, for the
 * sources known outside a deployment; anything else refused with a message naming where it is.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { deployedStageConfig, CliError } from '../../infra/cli/context';
import { functionEnvironment, REPO_ROOT } from '../../infra/serverless-config';
import { ServerlessVariables, UnresolvableVariableError } from '../../infra/serverless-variables';
import { cli, lastJson } from '../../testkit/cli';

const doc = load(`
service: svc
params:
  default: { tier: basic }
  prod: { tier: gold }
provider:
  stage: \${opt:stage, 'dev'}
custom:
  stages:
    prod: { signer: kms, timeout: 6 }
    default: { signer: file, timeout: 30 }
  n: 3600
  ref: \${self:custom.n}
  loopA: \${self:custom.loopB}
  loopB: \${self:custom.loopA}
values:
  audience: \${param:audience, 'https://api.default'}
  signer: \${self:custom.stages.\${sls:stage}.signer, self:custom.stages.default.signer}
  timeout: \${self:custom.stages.\${sls:stage}.timeout, self:custom.stages.default.timeout}
  alias: alias/\${self:service}-\${sls:stage}-signing
  region: \${opt:region, 'us-east-1'}
  endpoint: \${env:ENDPOINT, ''}
  tier: \${param:tier}
  number: \${self:custom.ref}
  numberFallback: \${param:cache, 45}
  quoted: \${env:NOPE, "a, b"}
  nested: \${env:NOPE, \${self:custom.n}}
bad:
  ssm: \${ssm:/portcullis/secret}
  ssmFirst: \${ssm:/x, 'fallback'}
  file: \${file(./x.yml):value}
  param: \${param:nothing}
  cycle: \${self:custom.loopA}
  joinObject: x-\${self:custom.stages}
`) as Record<string, unknown>;

const vars = (stage: string, extra: { params?: Record<string, string>; env?: Record<string, string>; region?: string } = {}) =>
  new ServerlessVariables(doc, { stage, ...extra });

test('stage, self (with nested addresses), params, options, env and literal fallbacks', () => {
  expect(vars('prod').get('values')).toEqual({
    audience: 'https://api.default',
    signer: 'kms',
    timeout: 6,
    alias: 'alias/svc-prod-signing',
    region: 'us-east-1',
    endpoint: '',
    tier: 'gold',
    number: 3600,
    numberFallback: 45,
    quoted: 'a, b',
    nested: 3600,
  });
  const dev = vars('dev', { params: { audience: 'https://api.example', cache: '60' }, env: { ENDPOINT: 'http://127.0.0.1:8000' }, region: 'eu-west-1' }).get('values') as Record<string, unknown>;
  expect(dev).toMatchObject({ audience: 'https://api.example', signer: 'file', timeout: 30, region: 'eu-west-1', endpoint: 'http://127.0.0.1:8000', tier: 'basic', numberFallback: '60' });
  expect(vars('prod').get('missing.path')).toBeUndefined();
});

test.each([
  ['ssm', /bad\.ssm: cannot resolve "\$\{ssm:\/portcullis\/secret\}" outside a deployment/],
  ['ssmFirst', /bad\.ssmFirst: cannot resolve "\$\{ssm:\/x\}"/],
  ['file', /bad\.file: cannot resolve "\$\{file\(\.\/x\.yml\):value\}"/],
  ['param', /bad\.param: "\$\{param:nothing\}" has no value here and no fallback \(pass it as --param/],
  ['cycle', /nest too deep/],
  ['joinObject', /is not text/],
])('refused, never guessed: %s', (name, message) => {
  expect(() => vars('prod').get(`bad.${name}`)).toThrow(UnresolvableVariableError);
  expect(() => vars('prod').get(`bad.${name}`)).toThrow(message);
});

describe('a serverless.yml whose environment the CLI cannot know', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-vars-'));
  const file = join(dir, 'serverless.yml');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the admin CLI refuses it clearly instead of computing another configuration', () => {
    const yml = readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8');
    writeFileSync(file, yml.replace('    PORTCULLIS_STAGE: ${sls:stage}\n', "    PORTCULLIS_STAGE: ${sls:stage}\n    PORTCULLIS_CLIENT_CACHE_TTL_MS: ${ssm:/portcullis/client-cache-ttl}\n"));
    expect(() => functionEnvironment('prod', { file, env: {} })).toThrow(/provider\.environment\.PORTCULLIS_CLIENT_CACHE_TTL_MS: cannot resolve/);
    let err: unknown;
    try {
      deployedStageConfig({ stage: 'prod', region: 'eu-west-1', serverlessFile: file });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(/^serverless\.yml: provider\.environment\.PORTCULLIS_CLIENT_CACHE_TTL_MS: cannot resolve "\$\{ssm:/);
  });

  test('a configuration the plugin refuses at package time is a configuration error for the CLI too', () => {
    const yml = readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8');
    writeFileSync(file, yml.replace('    routes: {}\n', "    routes:\n      GET /orders: orders:read\n"));
    expect(() => deployedStageConfig({ stage: 'prod', region: 'eu-west-1', serverlessFile: file })).toThrow(/route "GET \/orders" requires scope "orders:read"/);
  });
});

describe('admin CLI --param (as given to serverless deploy)', () => {
  const state = mkdtempSync(join(tmpdir(), 'portcullis-vars-cli-'));
  afterAll(() => rmSync(state, { recursive: true, force: true }));

  test('reaches the computed configuration: an http issuer is refused as the plugin refuses it at package time', async () => {
    const r = await cli('admin', ['doctor', '--stage', 'staging', '--region', 'eu-west-1', '--param', 'issuer=http://auth.example.com', '--json'], state);
    expect(r.code).toBe(1);
    expect(lastJson(r.stdout).findings).toEqual([expect.objectContaining({ id: 'config.invalid', message: expect.stringMatching(/issuer must be an https URL in stage "staging"/) })]);
  }, 60_000);

  test('a malformed --param is a usage error', async () => {
    const r = await cli('admin', ['keys', 'list', '--stage', 'prod', '--region', 'eu-west-1', '--param', 'audience'], state);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--param must look like name=value (got "audience")');
  }, 60_000);
});
