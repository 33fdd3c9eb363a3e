/**
 * `serverless package` runs offline (osls) and the generated CloudFormation template shows what we promise:
 * PAY_PER_REQUEST table with TTL and PITR, one least-privilege role per function, bundles per function,
 * log retention, the audit log group, the KMS key, the gateway responses.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..');
type Resource = { Type: string; Properties: Record<string, any>; Condition?: string };
let template: { Resources: Record<string, Resource>; Conditions?: Record<string, unknown>; Outputs?: Record<string, unknown> };
let outDir: string;

async function pack(stage: string, extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), `portcullis-package-${stage}-`));
  await run(process.execPath, [join(root, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', stage, '--region', 'eu-west-1', '--package', dir, ...extra], {
    cwd: root,
    env: { ...process.env, PORTCULLIS_ESBUILD_DIR: `.esbuild-offline/package-${process.pid}-${stage}`, SLS_TELEMETRY_DISABLED: '1' },
    maxBuffer: 10 * 1024 * 1024,
  });
  return dir;
}

beforeAll(async () => {
  outDir = await pack('prod');
  template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 180_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const statements = (role: Resource) => role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement) as Array<{ Action: string | string[]; Resource: unknown }>;

test('DynamoDB table: on-demand, TTL on expiresAt, point-in-time recovery, encrypted, retained', () => {
  const [[, table]] = ofType('AWS::DynamoDB::Table') as Array<[string, Resource & { DeletionPolicy?: string }]>;
  expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
  expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
  expect(table.Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(true);
  expect(table.Properties.SSESpecification.SSEEnabled).toBe(true);
  expect(table.Properties.TableName).toBe('portcullis-prod');
  expect((table as { DeletionPolicy?: string }).DeletionPolicy).toBe('Retain');
});

test('every function has its own role; no "*" action anywhere; DynamoDB and KMS never on "*"', () => {
  const fns = ofType('AWS::Lambda::Function');
  expect(fns.length).toBeGreaterThanOrEqual(6);
  const roles = new Set(fns.map(([, f]) => JSON.stringify(f.Properties.Role)));
  expect(roles.size).toBeGreaterThanOrEqual(fns.length - 1); // the two authorizer entry points share one role
  expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
  for (const [name, role] of ofType('AWS::IAM::Role')) {
    for (const st of statements(role)) {
      const actions = ([] as string[]).concat(st.Action);
      for (const a of actions) expect(`${name}:${a}`).not.toMatch(/:\*$|^[^:]+:[a-z0-9]+:\*$/);
      const resources = ([] as unknown[]).concat(st.Resource);
      if (actions.some((a) => a.startsWith('dynamodb:') || a.startsWith('kms:') || a.startsWith('logs:'))) {
        for (const r of resources) expect(r).not.toBe('*');
      }
    }
  }
});

test('the authorizer may read the table but never write it; the metadata function touches no data', () => {
  const auth = template.Resources.AuthorizerRole;
  const actions = statements(auth).flatMap((s) => ([] as string[]).concat(s.Action));
  expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
  const meta = statements(template.Resources.MetadataRole).flatMap((s) => ([] as string[]).concat(s.Action));
  expect(meta.some((a) => a.startsWith('dynamodb:') || a.startsWith('kms:'))).toBe(false);
});

test('functions are bundled individually with esbuild (one small zip each), on nodejs22.x', () => {
  const zips = readdirSync(outDir).filter((f) => f.endsWith('.zip'));
  expect(zips.length).toBeGreaterThanOrEqual(6);
  for (const z of zips) expect(statSync(join(outDir, z)).size).toBeLessThan(3 * 1024 * 1024);
  for (const [, f] of ofType('AWS::Lambda::Function')) expect(f.Properties.Runtime).toBe('nodejs22.x');
});

test('function log groups have a retention', () => {
  const groups = ofType('AWS::Logs::LogGroup').filter(([, g]) => String(g.Properties.LogGroupName).startsWith('/aws/lambda/'));
  expect(groups.length).toBeGreaterThanOrEqual(6);
  for (const [, g] of groups) expect(g.Properties.RetentionInDays).toBeGreaterThan(0);
});

test('a production stage deploys without the demo routes; the issuer is the https execute-api URL', () => {
  expect(template.Resources.DemoLambdaFunction).toBeUndefined();
  const token = template.Resources.TokenLambdaFunction;
  const issuer = JSON.stringify(token.Properties.Environment.Variables.PORTCULLIS_ISSUER);
  expect(issuer).toContain('https://');
  expect(issuer).toContain('execute-api');
});

test('an http issuer outside the local stage is refused at package time', async () => {
  const err = await pack('staging', ['--param', 'issuer=http://auth.example.com']).then(
    () => undefined,
    (e: { stdout: string; stderr: string }) => e,
  );
  expect(err).toBeDefined();
  expect(`${err!.stdout}${err!.stderr}`).toMatch(/issuer must be an https URL in stage "staging"/);
}, 120_000);

test('REST gateway responses carry the RFC 6750 answers', () => {
  const responses = Object.fromEntries(ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => [r.Properties.ResponseType, r.Properties]));
  expect(responses.UNAUTHORIZED.StatusCode).toBe('401');
  expect(responses.UNAUTHORIZED.ResponseParameters['gatewayresponse.header.WWW-Authenticate']).toMatch(/Bearer realm="portcullis", error="invalid_token"/);
  expect(responses.ACCESS_DENIED.StatusCode).toBe('403');
  expect(responses.ACCESS_DENIED.ResponseParameters['gatewayresponse.header.WWW-Authenticate']).toBe('context.authorizer.wwwAuthenticate');
  expect(responses.AUTHORIZER_FAILURE).toBeDefined();
});

test('audit log group with retention, least-privilege logs permissions on it, and alarms', () => {
  const group = template.Resources.AuditLogGroup;
  expect(group.Properties.LogGroupName).toBe('/portcullis/prod/audit');
  expect(group.Properties.RetentionInDays).toBe(365);
  for (const role of ['TokenRole', 'RevokeRole', 'IntrospectRole', 'AuthorizerRole']) {
    const st = statements(template.Resources[role]).find((s) => JSON.stringify(s.Resource).includes('AuditLogGroup'));
    expect(([] as string[]).concat(st!.Action).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  }
  const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.MetricName);
  expect(alarms).toEqual(expect.arrayContaining(['TokenDenied', 'AuthorizerDeny', 'AuditFallback', 'LateRevocationRecords']));
});

test('KMS signing key: SIGN_VERIFY RSA_2048, key policy lets the token role sign and the JWKS role read; roles limited to tagged keys', () => {
  const key = template.Resources.SigningKey;
  expect(key.Type).toBe('AWS::KMS::Key');
  expect(key.Properties.KeyUsage).toBe('SIGN_VERIFY');
  expect(JSON.stringify(key.Properties.KeySpec)).toContain('PortcullisSigningKeySpec');
  const policy = key.Properties.KeyPolicy.Statement as Array<{ Sid: string; Action: string | string[]; Principal: unknown }>;
  const sid = (s: string) => policy.find((p) => p.Sid === s)!;
  expect(([] as string[]).concat(sid('TokenFunctionSigns').Action).sort()).toEqual(['kms:GetPublicKey', 'kms:Sign']);
  expect(JSON.stringify(sid('TokenFunctionSigns').Principal)).toContain('TokenRole');
  expect(([] as string[]).concat(sid('JwksFunctionReadsPublicKey').Action)).toEqual(['kms:GetPublicKey']);
  expect(template.Resources.SigningKeyAlias.Properties.AliasName).toBe('alias/portcullis-prod-signing');
  const kmsActions = (role: string) =>
    statements(template.Resources[role])
      .filter((s) => ([] as string[]).concat(s.Action).some((a) => a.startsWith('kms:')))
      .map((s) => ({ actions: ([] as string[]).concat(s.Action).sort(), condition: JSON.stringify((s as { Condition?: unknown }).Condition) }));
  expect(kmsActions('TokenRole')).toEqual([{ actions: ['kms:GetPublicKey', 'kms:Sign'], condition: expect.stringContaining('portcullis:signing-key') }]);
  expect(kmsActions('JwksRole')).toEqual([{ actions: ['kms:GetPublicKey'], condition: expect.stringContaining('portcullis:signing-key') }]);
  expect(kmsActions('AuthorizerRole')).toEqual([]);
  expect(kmsActions('MetadataRole')).toEqual([]);
});
