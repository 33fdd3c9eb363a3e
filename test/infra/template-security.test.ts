/**
 * Security rules on the packaged template (`serverless package`, offline), for a production stage (prod) and a
 * throw-away one (dev, which also deploys the demo routes and so the HTTP API):
 *  - no DynamoDB, KMS or CloudWatch Logs permission on `*` in any policy;
 *  - the table encrypted, with point-in-time recovery, and deletion protection in production stages;
 *  - KMS key policies give `kms:*` to the account root only;
 *  - every log group KMS-encrypted, with retention;
 *  - access logging on every API Gateway stage, to an encrypted log group with retention, in JSON without credentials;
 *  - throttling on every stage, as custom.portcullis.apiGateway.throttle says.
 * The rules live in ./template-rules.ts; the last tests show that each one fails on the template it is there to stop.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import { accessLogFormatViolations, accessLogging, isAccountRoot, kmsKeyPolicies, logGroups, tableProtection, throttling, wildcardDataResources, type Template } from './template-rules';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const templates: Record<string, Template> = {};
const dirs: string[] = [];

async function pack(stage: string): Promise<Template> {
  const dir = mkdtempSync(join(tmpdir(), `portcullis-rules-${stage}-`));
  dirs.push(dir);
  await run(process.execPath, [join(root, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', stage, '--region', 'eu-west-1', '--package', dir], {
    cwd: root,
    env: { ...process.env, PORTCULLIS_ESBUILD_DIR: `.esbuild-offline/rules-${process.pid}-${stage}`, SLS_TELEMETRY_DISABLED: '1' },
    maxBuffer: 10 * 1024 * 1024,
  });
  return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

beforeAll(async () => {
  templates.prod = await pack('prod');
  templates.dev = await pack('dev');
}, 240_000);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  rmSync(join(root, '.esbuild-offline', `rules-${process.pid}-prod`), { recursive: true, force: true });
  rmSync(join(root, '.esbuild-offline', `rules-${process.pid}-dev`), { recursive: true, force: true });
});

const config = load(readFileSync(join(root, 'serverless.yml'), 'utf8')) as {
  custom: { portcullis: { logRetentionDays: number; apiGateway: { throttle: { rateLimit: number; burstLimit: number } } } };
};
const clone = (t: Template): Template => JSON.parse(JSON.stringify(t)) as Template;
const stages = ['prod', 'dev'] as const;

describe.each(stages)('stage %s', (stage) => {
  const production = stage === 'prod';
  test('no DynamoDB, KMS or Logs permission on "*" (or on every resource of the service) in any policy', () => {
    expect(wildcardDataResources(templates[stage])).toEqual([]);
  });
  test(`the table is encrypted with point-in-time recovery${production ? ' and deletion protection' : ''}`, () => {
    expect(tableProtection(templates[stage], production)).toEqual([]);
  });
  test('KMS key policies: kms:* for the account root only', () => {
    expect(kmsKeyPolicies(templates[stage])).toEqual([]);
  });
  test('access logging on every API Gateway stage: encrypted log group with retention, JSON without credentials', () => {
    expect(accessLogging(templates[stage])).toEqual([]);
  });
  test('throttling on every stage', () => {
    expect(throttling(templates[stage])).toEqual([]);
  });
  test('every log group KMS-encrypted, with retention', () => {
    expect(logGroups(templates[stage])).toEqual([]);
    expect(Object.values(templates[stage].Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup').length).toBeGreaterThanOrEqual(2);
  });
});

test('deletion protection follows custom.stages: on in prod, off in dev (a throw-away stage)', () => {
  expect(templates.prod.Resources.PortcullisTable.Properties!.DeletionProtectionEnabled).toBe(true);
  expect(templates.dev.Resources.PortcullisTable.Properties!.DeletionProtectionEnabled).toBe(false);
});

test('the rules are not vacuous: prod has the REST stage and the signing key, dev the HTTP API stage too', () => {
  const types = (t: Template) => Object.values(t.Resources).map((r) => r.Type);
  expect(types(templates.prod).filter((t) => t === 'AWS::ApiGateway::Stage')).toHaveLength(1);
  expect(types(templates.prod)).not.toContain('AWS::ApiGatewayV2::Stage'); // no demo, no HTTP API in prod
  expect(types(templates.dev).filter((t) => t === 'AWS::ApiGatewayV2::Stage')).toHaveLength(1);
  expect(types(templates.prod).filter((t) => t === 'AWS::KMS::Key').length).toBeGreaterThanOrEqual(2);
  expect(types(templates.prod).filter((t) => t === 'AWS::IAM::Role').length).toBeGreaterThanOrEqual(6);
});

test('the REST stage is a resource of its own, on the deployment osls compiles, named for the stage, throttled as configured', () => {
  const t = templates.prod;
  const [[deploymentId, deployment]] = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::Deployment');
  expect(deployment.Properties!.StageName).toBeUndefined();
  const stage = t.Resources.ApiGatewayStage.Properties!;
  expect(stage.DeploymentId).toEqual({ Ref: deploymentId });
  expect(stage.StageName).toBe('prod');
  const { rateLimit, burstLimit } = config.custom.portcullis.apiGateway.throttle;
  expect(stage.MethodSettings).toEqual([expect.objectContaining({ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit, DataTraceEnabled: false, LoggingLevel: 'OFF' })]);
  expect(templates.dev.Resources.HttpApiStage.Properties!.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit });
});

test('both APIs log to /<service>/<stage>/api-access, encrypted with its own key, kept logRetentionDays; the format names no header', () => {
  const group = templates.prod.Resources.ApiAccessLogGroup.Properties!;
  expect(group.LogGroupName).toBe('/portcullis/prod/api-access');
  expect(group.RetentionInDays).toBe(config.custom.portcullis.logRetentionDays);
  expect(group.KmsKeyId).toEqual({ 'Fn::GetAtt': ['ApiAccessLogKey', 'Arn'] });
  const rest = JSON.parse(templates.prod.Resources.ApiGatewayStage.Properties!.AccessLogSetting.Format) as Record<string, string>;
  const http = JSON.parse(templates.dev.Resources.HttpApiStage.Properties!.AccessLogSettings.Format) as Record<string, string>;
  for (const format of [rest, http]) {
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', sourceIp: '$context.identity.sourceIp' });
    expect(JSON.stringify(format)).not.toMatch(/authorization|token|header|cookie|userAgent|\$input/i);
  }
  expect(templates.dev.Resources.HttpApiStage.Properties!.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': ['ApiAccessLogGroup', 'Arn'] });
});

describe('each rule fails on what it is there to stop', () => {
  const broken = (edit: (t: Template) => void) => {
    const t = clone(templates.prod);
    edit(t);
    return t;
  };
  const tokenStatements = (t: Template) => t.Resources.TokenRole.Properties!.Policies[0].PolicyDocument.Statement as Array<Record<string, unknown>>;
  const sub = (s: string) => ({ 'Fn::Sub': s });

  test('a DynamoDB, KMS or Logs grant on "*", on every key or table, or with a wildcard account', () => {
    const grants: Array<[unknown, unknown, RegExp]> = [
      ['dynamodb:GetItem', '*', /TokenRole\/token: dynamodb:GetItem on "\*"/],
      [['logs:PutLogEvents'], ['*'], /logs:PutLogEvents on "\*"/],
      ['kms:Decrypt', sub('arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*'), /key\/\*: every kms resource of the account, with no resource-tag condition/],
      ['dynamodb:Query', sub('arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*'), /every dynamodb resource/],
      ['logs:CreateLogStream', { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:*:', { Ref: 'AWS::AccountId' }, ':log-group:x']] }, /a wildcard region or account/],
      ['*', '*', /TokenRole\/token: \* on "\*"/],
    ];
    for (const [Action, Resource, message] of grants) {
      const t = broken((x) => tokenStatements(x).push({ Effect: 'Allow', Action, Resource }));
      expect(wildcardDataResources(t).join('\n')).toMatch(message);
    }
    expect(wildcardDataResources(broken((x) => tokenStatements(x).push({ Effect: 'Allow', NotAction: 's3:*', Resource: '*' })))).toEqual([expect.stringContaining('NotAction/NotResource')]);
    // A grant on other services' "*" is not this rule's business (the template test forbids "*" actions).
    expect(wildcardDataResources(broken((x) => tokenStatements(x).push({ Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*' })))).toEqual([]);
  });

  test('a table without encryption, PITR, or (in production) deletion protection', () => {
    const table = (edit: (p: Record<string, any>) => void) => broken((t) => edit(t.Resources.PortcullisTable.Properties!));
    expect(tableProtection(table((p) => delete p.SSESpecification), true)).toEqual(['PortcullisTable: SSESpecification.SSEEnabled is not true']);
    expect(tableProtection(table((p) => (p.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled = false)), true)).toEqual(['PortcullisTable: point-in-time recovery is not enabled']);
    const unprotected = table((p) => (p.DeletionProtectionEnabled = false));
    expect(tableProtection(unprotected, true)).toEqual(['PortcullisTable: DeletionProtectionEnabled is not true in a production stage']);
    expect(tableProtection(unprotected, false)).toEqual([]);
  });

  test('kms:* for a role, a key open to everyone, NotPrincipal; the account root in its usual spellings passes', () => {
    const keyPolicy = (t: Template) => t.Resources.SigningKey.Properties!.KeyPolicy.Statement as Array<Record<string, unknown>>;
    const withStatement = (st: Record<string, unknown>) => kmsKeyPolicies(broken((t) => keyPolicy(t).push({ Effect: 'Allow', Resource: '*', ...st })));
    expect(withStatement({ Sid: 'TooMuch', Principal: { AWS: { 'Fn::GetAtt': ['TokenRole', 'Arn'] } }, Action: 'kms:*' })).toEqual([expect.stringContaining('SigningKey TooMuch: kms:* for')]);
    expect(withStatement({ Sid: 'All', Principal: { AWS: [sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root'), 'arn:aws:iam::123456789012:role/x'] }, Action: ['*'] })).toEqual([expect.stringContaining('not the account root')]);
    expect(withStatement({ Sid: 'Open', Principal: '*', Action: 'kms:Decrypt' })).toEqual(['SigningKey Open: open to every principal without a condition']);
    expect(withStatement({ Sid: 'Not', NotPrincipal: { AWS: 'x' }, Action: 'kms:Decrypt' })).toEqual(['SigningKey Not: Allow with NotAction/NotPrincipal']);
    for (const root of [{ AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root') }, { AWS: { Ref: 'AWS::AccountId' } }, { AWS: 'arn:aws:iam::123456789012:root' }, { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } }]) {
      expect({ root, ok: isAccountRoot(root) }).toEqual({ root, ok: true });
    }
    expect(isAccountRoot({ AWS: 'arn:aws:iam::123456789012:role/root' })).toBe(false);
    expect(isAccountRoot({ AWS: sub('arn:${AWS::Partition}:iam::${AWS::AccountId}:root'), Service: 'logs.amazonaws.com' })).toBe(false);
  });

  test('a stage without access logs, logs to an unencrypted group, a format with credentials, data tracing, a stage the deployment creates', () => {
    const stage = (t: Template) => t.Resources.ApiGatewayStage.Properties!;
    expect(accessLogging(broken((t) => delete stage(t).AccessLogSetting))).toEqual(['ApiGatewayStage: no AccessLogSetting']);
    expect(accessLogging(broken((t) => delete t.Resources.ApiAccessLogGroup.Properties!.KmsKeyId))).toEqual(['ApiGatewayStage: access log group ApiAccessLogGroup is not KMS-encrypted']);
    expect(accessLogging(broken((t) => (stage(t).AccessLogSetting.DestinationArn = 'arn:aws:logs:eu-west-1:123456789012:log-group:elsewhere')))).toEqual([expect.stringContaining('do not go to a log group of this template')]);
    expect(accessLogging(broken((t) => (stage(t).MethodSettings[0].DataTraceEnabled = true)))).toEqual([expect.stringContaining('DataTraceEnabled logs full requests')]);
    expect(accessLogging(broken((t) => delete t.Resources.ApiGatewayStage))).toEqual(['ApiGatewayRestApi: no AWS::ApiGateway::Stage']);
    const deployment = (t: Template) => Object.values(t.Resources).find((r) => r.Type === 'AWS::ApiGateway::Deployment')!;
    expect(accessLogging(broken((t) => (deployment(t).Properties!.StageName = 'prod')))).toEqual([expect.stringContaining('the deployment creates stage "prod"')]);
    expect(accessLogging(broken((t) => delete t.Resources.ApiGatewayStage.Properties!.AccessLogSetting.Format))).toEqual(['ApiGatewayStage: no format']);

    expect(accessLogFormatViolations('requestId: $context.requestId')).toEqual(['the format is not JSON']);
    expect(accessLogFormatViolations(JSON.stringify({ auth: "$input.params('Authorization')" }))).toEqual([expect.stringContaining('is not one $context variable'), expect.stringContaining('may carry a credential')]);
    expect(accessLogFormatViolations(JSON.stringify({ key: '$context.identity.apiKey' }))).toEqual([expect.stringContaining('may carry a credential')]);
    expect(accessLogFormatViolations(JSON.stringify({ claims: '$context.authorizer.claims.sub' }))).toEqual([expect.stringContaining('may carry a credential')]);
    expect(accessLogFormatViolations(JSON.stringify({ requestId: '$context.requestId', api: 'rest' }))).toEqual([]);
  });

  test('a log group without encryption or retention, including one another change adds', () => {
    expect(logGroups(broken((t) => delete t.Resources.ApiAccessLogGroup.Properties!.RetentionInDays))).toEqual(['ApiAccessLogGroup: no retention']);
    const audit = Object.entries(templates.prod.Resources).find(([n, r]) => r.Type === 'AWS::Logs::LogGroup' && n !== 'ApiAccessLogGroup')![0];
    expect(logGroups(broken((t) => delete t.Resources[audit].Properties!.KmsKeyId))).toEqual([`${audit}: not KMS-encrypted`]);
    expect(logGroups(broken((t) => (t.Resources.NewLogGroup = { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/x' } })))).toEqual(['NewLogGroup: not KMS-encrypted', 'NewLogGroup: no retention']);
  });

  test('a stage without throttling for every method, an HTTP API stage without default route throttling', () => {
    expect(throttling(broken((t) => delete t.Resources.ApiGatewayStage.Properties!.MethodSettings[0].ThrottlingRateLimit))).toEqual([expect.stringContaining('ApiGatewayStage: no throttling for every method')]);
    expect(throttling(broken((t) => (t.Resources.ApiGatewayStage.Properties!.MethodSettings[0].ResourcePath = '/oauth2/token')))).toHaveLength(1);
    const dev = clone(templates.dev);
    delete dev.Resources.HttpApiStage.Properties!.DefaultRouteSettings.ThrottlingBurstLimit;
    expect(throttling(dev)).toEqual(['HttpApiStage: no DefaultRouteSettings ThrottlingRateLimit and ThrottlingBurstLimit']);
  });
});
