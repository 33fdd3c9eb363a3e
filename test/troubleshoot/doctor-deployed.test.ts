/**
 * `doctor` on a deployed stage: what only exists there (DynamoDB TTL, the audit log group and every function's
 * LoggingConfig, KMS signing) through the real SDK clients against dynalite and the wire-level fakes, with the
 * stage's configuration derived from serverless.yml exactly as the admin CLI derives it (infra/cli/context.ts).
 */
import { loadConfig } from '../../lib/config/load-config';
import type { Config } from '../../lib/config/types';
import { registerKmsKey } from '../../lib/keys/kms-keys';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { runDoctor } from '../../infra/cli/troubleshoot/doctor/doctor';
import type { DoctorReport, Finding } from '../../infra/cli/troubleshoot/types';
import { UNKNOWN_ISSUER } from '../../infra/cli/troubleshoot/unknown-issuer';
import { readDeclared } from '../../infra/cli/doctor-command';
import { functionEnvironment, REPO_ROOT } from '../../infra/serverless-config';
import { FakeCloudWatchLogs } from '../../testkit/fakes/fake-cloudwatch-logs';
import { startFakeKms, type FakeKms } from '../../testkit/fakes/fake-kms';
import { startDynalite, type TestDynamo } from '../../testkit/dynalite';
import { FakeLambda } from '../../testkit/fakes/fake-lambda';

const STAGE = 'prod';
let ddb: TestDynamo;
let cwl: FakeCloudWatchLogs;
let kms: FakeKms;
let lambda: FakeLambda;
let config: Config;
const declared = () => readDeclared(`${REPO_ROOT}/serverless.yml`, STAGE);
const find = (r: DoctorReport, id: string, severity?: Finding['severity']) => r.findings.filter((f) => f.id === id && (!severity || f.severity === severity));
const doctor = () => runDoctor({ config, table: ddb.table, local: false, declared: declared(), kms: kms.client(), lambda: lambda.client() });

beforeAll(async () => {
  [ddb, cwl, kms, lambda] = await Promise.all([startDynalite({ tableName: `portcullis-${STAGE}` }), FakeCloudWatchLogs.start(), startFakeKms(), FakeLambda.start()]);
  config = loadConfig({
    ...functionEnvironment(STAGE, { env: {} }),
    AWS_REGION: 'us-east-1',
    PORTCULLIS_ISSUER: UNKNOWN_ISSUER,
    PORTCULLIS_AUDIT_SINK: 'cloudwatch',
    PORTCULLIS_DYNAMODB_ENDPOINT: ddb.endpoint,
    PORTCULLIS_AUDIT_CWL_ENDPOINT: cwl.endpoint,
  });
});
afterAll(async () => {
  await Promise.all([ddb.close(), cwl.close(), kms.close(), lambda.close()]);
});

test('a stage without TTL, audit log group or signing key: each is an error or warning with its fix', async () => {
  const r = await doctor();
  const ttl = find(r, 'table.ttl', 'error')[0];
  expect(ttl.message).toContain('table portcullis-prod has TTL DISABLED');
  expect(ttl.fix).toContain('update-time-to-live --table-name portcullis-prod');
  expect(ttl.fix).toContain('AttributeName=expiresAt');
  const group = find(r, 'audit.log-group', 'error')[0];
  expect(group.message).toContain('/portcullis/prod/audit does not exist');
  expect(cwl.calls('DescribeLogGroups')).toHaveLength(1);
  // No function deployed: each is an error (prod deploys thirteen, no demo).
  const notDeployed = find(r, 'audit.function-logging', 'error');
  expect(notDeployed.map((f) => f.message.split(' ')[1]).sort()).toEqual(
    ['authorize', 'authorizer', 'authorizerHttpApi', 'consent', 'introspect', 'jwks', 'login', 'logout', 'metadata', 'openidConfiguration', 'revoke', 'token', 'userinfo'].map((f) => `portcullis-prod-${f}`).sort(),
  );
  expect(notDeployed[0].message).toMatch(/is not deployed in us-east-1/);
  const noKey = find(r, 'keys.no-active', 'error')[0];
  expect(noKey.message).toMatch(/no key is active: the token and JWKS endpoints answer 503/);
  expect(noKey.fix).toBe('npm run --silent admin -- keys init --stage prod --region us-east-1');
  expect(find(r, 'issuer.unknown', 'info')[0].fix).toContain('--issuer');
  expect(find(r, 'audience.placeholder', 'warning')[0].message).toContain('placeholder audience');
  // prod deploys no demo: no route needs the demo scopes.
  expect(find(r, 'scopes.unused', 'warning').map((f) => f.message).join('\n')).toContain('"read:data"');
  expect(r.errors).toBe(3 + 13);
});

test('the log group without retention is a warning; a KMS key that signs passes the probe; a disabled one does not', async () => {
  cwl.addLogGroup('/portcullis/prod/audit');
  const { arn } = kms.createKey('RSA_2048', { alias: 'alias/portcullis-prod-signing' });
  const now = Math.floor(Date.now() / 1000);
  await registerKmsKey(kms.client(), arn, new DynamoKeyStore(ddb.table), { state: 'active', activatedAt: now - 10, createdAt: now - 10 });

  const r = await doctor();
  expect(find(r, 'audit.retention', 'warning')[0].fix).toContain('put-retention-policy --log-group-name /portcullis/prod/audit --retention-in-days 365');
  expect(find(r, 'keys.probe', 'ok')[0].message).toMatch(/signed by the active key .* \(RS256, kms\) verifies against the key store's published keys/);
  expect(kms.calls.Sign).toBeGreaterThanOrEqual(1);

  kms.disableKey(arn);
  const disabled = await doctor();
  expect(find(disabled, 'keys.probe', 'error')[0].message).toMatch(/cannot sign \(DisabledException/);
});

test('deployed issuer: --issuer must be the issuer serverless.yml deploys for the stage', async () => {
  const withIssuer = (given: string, deployed: string) =>
    runDoctor({
      config: { ...config, issuer: given },
      table: ddb.table,
      local: false,
      declared: { ...declared(), stageIssuer: deployed },
      kms: kms.client(),
      // no network in tests: the JWKS of that issuer "does not answer", the key store's keys are used
      fetcher: { fetch: async () => Promise.reject(new Error('offline')) },
    });
  const mismatch = await withIssuer('https://auth.example.net', 'https://auth.example.com');
  expect(find(mismatch, 'issuer.config', 'error')[0].message).toContain('(https://auth.example.net) is not the one serverless.yml deploys for stage prod (https://auth.example.com)');
  const same = await withIssuer('https://auth.example.com', 'https://auth.example.com/');
  expect(find(same, 'issuer.config', 'ok')).toHaveLength(1);
  expect(find(same, 'issuer.config', 'error')).toEqual([]);
});

test('the audit trail: the group\'s retention, KMS encryption and data protection, and every function\'s LoggingConfig', async () => {
  const FUNCTIONS = ['authorize', 'authorizer', 'authorizerHttpApi', 'consent', 'introspect', 'jwks', 'login', 'logout', 'metadata', 'openidConfiguration', 'revoke', 'token', 'userinfo'].map((f) => `portcullis-prod-${f}`);
  const good = { LogFormat: 'JSON', LogGroup: '/portcullis/prod/audit', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN' };
  for (const fn of FUNCTIONS) lambda.set(fn, { LoggingConfig: good });
  lambda.set('portcullis-prod-jwks', {}); // never configured: Text, /aws/lambda/<fn>
  lambda.set('portcullis-prod-token', { LoggingConfig: { ...good, ApplicationLogLevel: 'WARN' } });
  cwl.addLogGroup('/portcullis/prod/audit', { retentionInDays: 365 });

  const r = await doctor();
  const wrong = find(r, 'audit.function-logging', 'error').map((f) => f.message);
  expect(wrong).toEqual(
    expect.arrayContaining([
      'function portcullis-prod-jwks logs to /aws/lambda/portcullis-prod-jwks, in Text format: its audit events do not reach /portcullis/prod/audit',
      'function portcullis-prod-token at application level WARN, which drops the INFO audit events: its audit events do not reach /portcullis/prod/audit',
    ]),
  );
  expect(wrong).toHaveLength(2);
  expect(find(r, 'audit.function-logging', 'ok')[0].message).toMatch(/^11 function\(s\) log to \/portcullis\/prod\/audit in JSON/);
  expect(find(r, 'audit.encryption', 'error')[0].message).toContain('is not encrypted with a KMS key');
  expect(find(r, 'audit.data-protection', 'warning')).toHaveLength(1);
  expect(lambda.requests.every((q) => q.method === 'GET' && /^\/2015-03-31\/functions\/portcullis-prod-[A-Za-z]+\/configuration/.test(q.path))).toBe(true);

  lambda.set('portcullis-prod-jwks', { LoggingConfig: good });
  lambda.set('portcullis-prod-token', { LoggingConfig: good });
  cwl.addLogGroup('/portcullis/prod/audit', { retentionInDays: 365, kmsKeyId: 'arn:aws:kms:us-east-1:000000000000:key/k', dataProtectionStatus: 'ACTIVATED' });
  const fixed = await doctor();
  expect(find(fixed, 'audit.function-logging', 'error')).toEqual([]);
  expect(find(fixed, 'audit.encryption', 'ok')).toHaveLength(1);
  expect(find(fixed, 'audit.data-protection')).toEqual([]);
  expect(find(fixed, 'audit.log-group', 'ok')[0].message).toContain('retention 365 days');
});
