/**
 * `serverless package` runs offline (osls) and the generated CloudFormation template shows what we promise:
 * PAY_PER_REQUEST table with TTL and PITR, one least-privilege role per function, bundles per function,
 * every function logging to the audit log group (encrypted, retained, masked), alarms and dashboard, the KMS key,
 * the gateway responses.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PARTITIONS as P } from '../../lib/stores/keyspace';
import { dynamoGrants, stringLike, type PolicyStatement } from '../../testkit/iam-policy';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
type Resource = { Type: string; Properties: Record<string, any>; Condition?: string };
let template: { Resources: Record<string, Resource>; Conditions?: Record<string, unknown>; Outputs?: Record<string, unknown> };
let outDir: string;

async function pack(stage: string, extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), `portcullis-package-${stage}-`));
  await run(process.execPath, [join(root, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', stage, '--region', 'eu-west-1', '--package', dir, ...extra], {
    cwd: root,
    env: { ...process.env, PORTCULLIS_ESBUILD_DIR: `.esbuild-offline/package-${process.pid}-${stage}`, SLS_TELEMETRY_DISABLED: '1' },
    maxBuffer: 10 * 1024 * 1024,
    // A failing esbuild or npm step can leave `serverless package` hanging.
    timeout: 240_000,
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
  expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:Query']);
  for (const role of ['MetadataRole', 'OpenidConfigurationRole']) {
    const meta = statements(template.Resources[role]).flatMap((s) => ([] as string[]).concat(s.Action));
    expect({ role, touchesData: meta.some((a) => a.startsWith('dynamodb:') || a.startsWith('kms:')) }).toEqual({ role, touchesData: false });
  }
});

test('functions are bundled individually with esbuild (one small zip each), on nodejs22.x', () => {
  const zips = readdirSync(outDir).filter((f) => f.endsWith('.zip'));
  expect(zips.length).toBeGreaterThanOrEqual(6);
  for (const z of zips) expect(statSync(join(outDir, z)).size).toBeLessThan(3 * 1024 * 1024);
  for (const [, f] of ofType('AWS::Lambda::Function')) expect(f.Properties.Runtime).toBe('nodejs22.x');
});

test('every function logs to the audit log group in JSON (Lambda LoggingConfig), after the group exists; no per-function log group', () => {
  const fns = ofType('AWS::Lambda::Function');
  expect(fns.length).toBeGreaterThanOrEqual(7);
  for (const [name, f] of fns) {
    expect({ name, logging: f.Properties.LoggingConfig }).toEqual({
      name,
      logging: { LogFormat: 'JSON', LogGroup: '/portcullis/prod/audit', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' },
    });
    expect({ name, dependsOn: (f as Resource & { DependsOn?: string[] }).DependsOn }).toEqual({ name, dependsOn: expect.arrayContaining(['AuditLogGroup']) });
  }
  // The audit group, and API Gateway's access log group (infra/serverless/api-gateway.yml): no /aws/lambda group.
  expect(ofType('AWS::Logs::LogGroup').map(([name]) => name).sort()).toEqual(['ApiAccessLogGroup', 'AuditLogGroup']);
});

test('every log group is encrypted with KMS and has a retention; the audit group masks anything token-shaped', () => {
  const groups = ofType('AWS::Logs::LogGroup');
  expect(groups.length).toBeGreaterThanOrEqual(1);
  for (const [name, g] of groups) {
    expect({ name, retention: g.Properties.RetentionInDays }).toEqual({ name, retention: expect.any(Number) });
    expect(g.Properties.RetentionInDays).toBeGreaterThan(0);
    // Either branch names a key: the operator's (kmsKeyArn) or the stack's own; never AWS::NoValue.
    const key = JSON.stringify(g.Properties.KmsKeyId);
    expect({ name, key }).toEqual({ name, key: expect.stringMatching(/AuditLogKey|ApiAccessLogKey|arn:aws/) });
    expect(key).not.toContain('AWS::NoValue');
  }
  const audit = template.Resources.AuditLogGroup;
  expect(audit.Properties.KmsKeyId).toEqual({ 'Fn::If': ['AuditLogKeyGiven', '', { 'Fn::GetAtt': ['AuditLogKey', 'Arn'] }] });
  expect(template.Resources.AuditLogKey).toMatchObject({ Type: 'AWS::KMS::Key', Condition: 'AuditLogKeyCreated', Properties: { EnableKeyRotation: true } });
  const dpp = audit.Properties.DataProtectionPolicy;
  expect(dpp.Version).toBe('2021-06-01');
  expect(dpp.Statement.map((st: { Operation: Record<string, unknown> }) => Object.keys(st.Operation)[0]).sort()).toEqual(['Audit', 'Deidentify']);
  expect(dpp.Configuration.CustomDataIdentifier.map((d: { Name: string }) => d.Name).sort()).toEqual(['CompactJws', 'HttpCredential', 'OpaqueSecret']);
});

test('no role can write to any log group but the audit log group, nor create one', () => {
  const auditArn = JSON.stringify({ 'Fn::GetAtt': ['AuditLogGroup', 'Arn'] });
  const roles = ofType('AWS::IAM::Role');
  expect(roles.length).toBeGreaterThanOrEqual(6);
  for (const [name, role] of roles) {
    const logs = statements(role).filter((st) => ([] as string[]).concat(st.Action).some((a) => a.startsWith('logs:')));
    expect({ name, statements: logs.length }).toEqual({ name, statements: 1 });
    expect(([] as string[]).concat(logs[0].Action).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect({ name, resources: ([] as unknown[]).concat(logs[0].Resource).map((r) => JSON.stringify(r)) }).toEqual({ name, resources: [auditArn] });
    expect((logs[0] as { Effect?: string }).Effect).toBe('Allow');
  }
});

test('anomaly-detection alarms (token issuance, denials), static alarms (internal errors, lockout bursts) and the security dashboard exist', () => {
  const alarms = Object.fromEntries(ofType('AWS::CloudWatch::Alarm'));
  for (const name of ['TokenIssuanceAnomalyAlarm', 'DenialAnomalyAlarm']) {
    const a = alarms[name].Properties;
    expect(a.Metrics.map((m: { Expression?: string }) => m.Expression).filter(Boolean)).toEqual([expect.stringMatching(/^ANOMALY_DETECTION_BAND\(m1, 3\)$/)]);
  }
  expect(alarms.InternalErrorsAlarm.Properties).toMatchObject({ MetricName: 'InternalErrors', Threshold: 1 });
  expect(alarms.LockoutBurstAlarm.Properties).toMatchObject({ MetricName: 'Lockouts', Threshold: 5 });
  const dashboard = template.Resources.SecurityDashboard;
  expect(dashboard.Type).toBe('AWS::CloudWatch::Dashboard');
  const body = JSON.parse(String(dashboard.Properties.DashboardBody['Fn::Sub']).replace(/\$\{AWS::Region\}/g, 'eu-west-1'));
  expect(body.widgets.length).toBeGreaterThanOrEqual(8);
  expect(JSON.stringify(body)).toContain('"TokensIssued","service","portcullis","stage","prod"');
  for (const rule of ofType('AWS::CloudWatch::InsightRule')) expect(JSON.parse(rule[1].Properties.RuleBody).LogGroupNames).toEqual(['/portcullis/prod/audit']);
});

test('a production stage deploys without the demo routes; the issuer is the https execute-api URL', () => {
  expect(template.Resources.DemoLambdaFunction).toBeUndefined();
  expect(template.Resources.DemoAppLambdaFunction).toBeUndefined();
  const token = template.Resources.TokenLambdaFunction;
  const issuer = JSON.stringify(token.Properties.Environment.Variables.PORTCULLIS_ISSUER);
  expect(issuer).toContain('https://');
  expect(issuer).toContain('execute-api');
});

test('the authorizer functions know the result cache TTL their answers are cached with (custom.portcullis.authorizerCacheSeconds)', () => {
  for (const fn of ['AuthorizerLambdaFunction', 'AuthorizerHttpApiLambdaFunction']) {
    expect(String(template.Resources[fn].Properties.Environment.Variables.PORTCULLIS_AUTHORIZER_CACHE_SECONDS)).toBe('0');
  }
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
  for (const role of ['TokenRole', 'RevokeRole', 'IntrospectRole', 'AuthorizerRole', 'JwksRole', 'MetadataRole', 'OpenidConfigurationRole', 'UserinfoRole', 'LogoutRole']) {
    const st = statements(template.Resources[role]).find((s) => JSON.stringify(s.Resource).includes('AuditLogGroup'));
    expect(([] as string[]).concat(st!.Action).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
  }
  const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.MetricName);
  expect(alarms).toEqual(expect.arrayContaining(['TokenDenied', 'AuthorizerDeny', 'LateRevocationRecords', 'InternalErrors', 'Lockouts']));
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
  expect(kmsActions('OpenidConfigurationRole')).toEqual([]);
  // userinfo and logout verify our tokens (an access token, an id_token_hint): public keys only, never Sign.
  for (const role of ['UserinfoRole', 'LogoutRole']) {
    expect({ role, kms: kmsActions(role) }).toEqual({ role, kms: [{ actions: ['kms:GetPublicKey'], condition: expect.stringContaining('portcullis:signing-key') }] });
  }
});

/** Per role: `Action` (table) or `Action index/feed` → the partitions (LeadingKeys patterns) it may name. */
function dynamoAccess(role: string): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const g of dynamoGrants(statements(template.Resources[role]) as unknown as PolicyStatement[])) {
    expect({ role, patterns: g.patterns, otherConditions: g.otherConditions }).toEqual({ role, patterns: expect.any(Array), otherConditions: [] });
    for (const a of g.actions) {
      for (const t of g.targets) for (const p of g.patterns!) (out[t === 'table' ? a : `${a} ${t}`] ??= new Set()).add(p);
    }
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

test('DynamoDB: every role names exactly the partitions it needs, per action (dynamodb:LeadingKeys); no function writes clients or keys; the JWKS role only reads keys', () => {
  const sorted = (...p: string[]) => [...p].sort();
  const lockout = [P.lockout, P.lockoutHashed];
  const revocations = sorted(P.revokedToken, P.revokedClient, P.revokedSubject, P.revokedGrant, P.revokedSession);
  const expected: Record<string, Record<string, string[]>> = {
    // The password grant: the login page's reads (username link, user) and its per-username lockout.
    TokenRole: {
      GetItem: sorted(P.client, ...lockout, P.authorizationCode, P.username, P.user, P.userLockout),
      Query: [P.keys],
      PutItem: sorted(...lockout, P.assertionJti, P.revokedGrant, P.revocationFeedHead, P.refreshFamilies, P.userLockout),
      UpdateItem: sorted(...lockout, P.tokenQuota, P.authorizationCode, P.refreshFamilies, P.userLockout),
      BatchGetItem: sorted(P.session, P.user, P.revokedGrant, P.revocationFeedHead, P.refreshFamilies, P.revokedSession),
    },
    RevokeRole: {
      GetItem: sorted(P.client, ...lockout, P.refreshFamilies),
      BatchGetItem: sorted(P.revokedToken, P.revocationFeedHead, P.revokedGrant),
      Query: [P.keys],
      PutItem: sorted(...lockout, P.revokedToken, P.revocationFeedHead, P.assertionJti, P.revokedGrant),
      UpdateItem: sorted(...lockout, P.revokeRate, P.refreshFamilies),
    },
    IntrospectRole: {
      GetItem: sorted(P.client, ...lockout),
      Query: [P.keys],
      BatchGetItem: sorted(...revocations, P.refreshFamilies, P.user),
      PutItem: sorted(...lockout, P.assertionJti),
      UpdateItem: sorted(...lockout),
    },
    JwksRole: { Query: [P.keys] },
    AuthorizerRole: { BatchGetItem: revocations, 'Query index/feed': [P.revocationFeed] },
    MetadataRole: {},
    OpenidConfigurationRole: {},
    UserinfoRole: { Query: [P.keys], BatchGetItem: revocations, GetItem: [P.user] },
    LogoutRole: {
      Query: [P.keys],
      GetItem: sorted(P.client, P.session, P.revokedSession, P.revocationFeedHead),
      BatchGetItem: sorted(P.session, P.user),
      PutItem: sorted(P.revokedSession, P.revocationFeedHead),
      DeleteItem: [P.session],
    },
    DemoRole: {},
    DemoAppRole: {},
    AuthorizeRole: {
      GetItem: [P.client],
      BatchGetItem: sorted(P.session, P.user, P.consents),
      UpdateItem: [P.session],
      PutItem: [P.authorizationCode],
    },
    LoginRole: {
      GetItem: sorted(P.client, P.username, P.user, P.consents, P.userLockout),
      PutItem: sorted(P.userLockout, P.session, P.authorizationCode),
      UpdateItem: [P.userLockout],
    },
    ConsentRole: {
      GetItem: sorted(P.client, P.consents),
      BatchGetItem: sorted(P.session, P.user, P.consents),
      PutItem: sorted(P.consents, P.authorizationCode),
    },
  };
  const roles = ofType('AWS::IAM::Role').map(([name]) => name);
  expect(roles.sort()).toEqual(Object.keys(expected).filter((r) => !r.startsWith('Demo') || roles.includes(r)).sort());
  for (const role of roles) expect({ role, access: dynamoAccess(role) }).toEqual({ role, access: expected[role] });

  // Spelled out: no role may write a client record, the client list, a signing key, a user, a username or the user
  // list, whatever the patterns say (users are written by the admin CLI only; the login function cannot change one).
  const writes = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];
  for (const role of roles) {
    const access = dynamoAccess(role);
    for (const action of writes) {
      for (const pk of ['client#abc', 'clients', 'keys', 'user#usr_x', 'username#alice', 'users']) {
        expect({ role, action, pk, allowed: (access[action] ?? []).some((p) => stringLike(p, pk)) }).toEqual({ role, action, pk, allowed: false });
      }
    }
    // ForAllValues holds for a request that names no key: an action without keys (Scan) would escape the patterns.
    expect(Object.keys(access).filter((a) => /^(Scan|PartiQL|ExecuteStatement|BatchExecuteStatement)/.test(a))).toEqual([]);
  }
});

test('both authorizer functions (REST and HTTP API) have the same Lambda alarms', () => {
  const lambdaAlarms = (fn: string) =>
    ofType('AWS::CloudWatch::Alarm')
      .filter(([, a]) => JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fn } }]))
      .map(([, a]) => `${a.Properties.Namespace} ${a.Properties.MetricName} ${a.Properties.ComparisonOperator} ${a.Properties.Threshold}`)
      .sort();
  expect(template.Resources.AuthorizerHttpApiLambdaFunction).toBeDefined();
  expect(lambdaAlarms('AuthorizerLambdaFunction')).toEqual(['AWS/Lambda Throttles GreaterThanOrEqualToThreshold 1']);
  expect(lambdaAlarms('AuthorizerHttpApiLambdaFunction')).toEqual(lambdaAlarms('AuthorizerLambdaFunction'));
});

test('the login and token functions (the password grant) carry the Argon2 binary for Lambda arm64, and only they; the functions run on arm64', () => {
  const { zipEntries, elfMachine } = require('../../infra/lambda-zip') as typeof import('../../infra/lambda-zip');
  for (const [, f] of ofType('AWS::Lambda::Function')) expect(f.Properties.Architectures).toEqual(['arm64']);
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const pinned = lock.packages['node_modules/@node-rs/argon2'].version;
  expect(pinned).toBe('2.2.1');
  const WITH_ARGON2 = ['login.zip', 'token.zip'];
  for (const name of WITH_ARGON2) {
    const zip = zipEntries(join(outDir, name));
    const natives = [...zip.values()].filter((e) => e.name.endsWith('.node'));
    expect({ name, natives: natives.map((e) => e.name) }).toEqual({ name, natives: ['node_modules/@node-rs/argon2-linux-arm64-gnu/argon2.linux-arm64-gnu.node'] });
    expect(elfMachine(natives[0].data())).toBe('aarch64');
    expect(JSON.parse(zip.get('node_modules/@node-rs/argon2-linux-arm64-gnu/package.json')!.data().toString('utf8')).version).toBe(pinned);
    expect(zip.has('node_modules/@node-rs/argon2/index.js')).toBe(true);
    expect([...zip.keys()].some((n) => n.includes('x64'))).toBe(false);
  }
  // Every other function is one bundle: no node_modules, no native code.
  for (const z of readdirSync(outDir).filter((f) => f.endsWith('.zip') && !WITH_ARGON2.includes(f))) {
    expect({ zip: z, files: [...zipEntries(join(outDir, z)).keys()].filter((n) => n.includes('node_modules') || n.endsWith('.node')) }).toEqual({ zip: z, files: [] });
  }
  // On this machine the tests load the host's binary and hash with the parameters the code asks for.
  const { hashSync } = require('@node-rs/argon2') as typeof import('@node-rs/argon2');
  expect(hashSync('x', { algorithm: 2 as never, memoryCost: 19_456, timeCost: 2, parallelism: 1 })).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
});
