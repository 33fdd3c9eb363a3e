/** infra/serverless/audit.yml: the audit log group, its key and data protection, rules, alarms and dashboard, checked against what the code emits. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { createMetrics, METRICS_NAMESPACE } from '../../lib/observability/metrics';
import { DEMO_FUNCTIONS } from '../../infra/portcullis-environment';

type Resource = { Type: string; Condition?: string; DeletionPolicy?: string; Properties: Record<string, any> };
const doc = load(readFileSync(join(__dirname, '..', '..', 'infra', 'serverless', 'audit.yml'), 'utf8')) as {
  Conditions: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, unknown>;
};
const alarms = Object.entries(doc.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
const alarm = (metric: string) => alarms.find(([, r]) => r.Properties.MetricName === metric)?.[1].Properties;

/** The dimension names of each metric as metrics.ts writes them. */
function emittedDimensions(): Record<string, string[]> {
  const lines: string[] = [];
  const m = createMetrics({ service: 'portcullis', stage: 'prod' }, { write: (l) => lines.push(l) });
  m.tokenDenied('invalid_client');
  m.tokenIssued();
  m.revoked();
  m.authorizerAllow();
  m.authorizerLatency(1);
  m.denial();
  m.clientAuthFailed();
  m.loginFailed();
  m.lockout();
  m.internalError();
  m.lateRevocationRecord();
  m.refreshReused();
  m.flush();
  const out: Record<string, string[]> = {};
  for (const l of lines) {
    for (const d of JSON.parse(l)._aws.CloudWatchMetrics) for (const metric of d.Metrics) out[metric.Name] = d.Dimensions[0];
  }
  return out;
}

describe('audit.yml', () => {
  test('the audit log group is /<service>/<stage>/audit, retained 365 days by default, always KMS-encrypted, kept on stack deletion', () => {
    const g = doc.Resources.AuditLogGroup;
    expect(g.Type).toBe('AWS::Logs::LogGroup');
    expect(g.DeletionPolicy).toBe('Retain');
    expect(g.Properties.LogGroupName).toBe('/${self:service}/${sls:stage}/audit');
    expect(g.Properties.RetentionInDays).toBe('${self:custom.portcullis.audit.retentionDays, 365}');
    // The operator's key, or the stack's own: never unencrypted.
    expect(g.Properties.KmsKeyId).toEqual({ 'Fn::If': ['AuditLogKeyGiven', "${self:custom.portcullis.audit.kmsKeyArn, ''}", { 'Fn::GetAtt': ['AuditLogKey', 'Arn'] }] });
    const key = doc.Resources.AuditLogKey;
    expect(key).toMatchObject({ Type: 'AWS::KMS::Key', Condition: 'AuditLogKeyCreated', DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
    const logsStatement = key.Properties.KeyPolicy.Statement.find((st: { Sid: string }) => st.Sid === 'CloudWatchLogsUsesItForTheAuditGroup');
    expect(JSON.stringify(logsStatement.Condition)).toContain('log-group:/${self:service}/${sls:stage}/audit');
    expect(doc.Outputs.AuditLogGroupName).toEqual({ Description: expect.any(String), Value: { Ref: 'AuditLogGroup' } });
  });

  test('the data protection policy masks (and audits) everything the scrubber treats as a secret: a JWT, a credential with its scheme, a long opaque run', () => {
    const policy = doc.Resources.AuditLogGroup.Properties.DataProtectionPolicy;
    const identifiers = Object.fromEntries((policy.Configuration.CustomDataIdentifier as { Name: string; Regex: string }[]).map((d) => [d.Name, new RegExp(d.Regex)]));
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('{"sub":"x"}').toString('base64url')}.${'s'.repeat(40)}`;
    expect(identifiers.CompactJws.test(`{"user_agent":"curl ${jwt}"}`)).toBe(true);
    expect(identifiers.HttpCredential.test('Authorization: Basic cGNfYTpzZWNyZXQ=')).toBe(true);
    expect(identifiers.OpaqueSecret.test('A'.repeat(43))).toBe(true);
    // What an audit line carries by right is not masked: a UUID request id, a jti, an ISO time, a route.
    for (const fine of ['c6af9ac6-7b61-11e6-9a41-93e8deadbeef', 'Qm9vbVNoYWthbGFrYQ', '2026-01-01T00:00:00.000Z', 'GET /demo/data']) {
      for (const re of Object.values(identifiers)) expect({ fine, masked: re.test(fine) }).toEqual({ fine, masked: false });
    }
    const ops = Object.fromEntries((policy.Statement as { DataIdentifier: string[]; Operation: Record<string, unknown> }[]).map((st) => [Object.keys(st.Operation)[0], st.DataIdentifier]));
    expect(ops.Deidentify).toEqual(expect.arrayContaining(Object.keys(identifiers)));
    expect(ops.Audit).toEqual(ops.Deidentify);
  });

  test('per-client figures are Contributor Insights rules on the audit log group (no metric dimension per client)', () => {
    const rules = Object.entries(doc.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::InsightRule');
    expect(rules.map(([name]) => name).sort()).toEqual(['DenialsByClientRule', 'FailedClientAuthBySourceRule', 'TokensByClientRule']);
    for (const [, r] of rules) {
      const body = JSON.parse(r.Properties.RuleBody);
      expect(body.LogGroupNames).toEqual(['/${self:service}/${sls:stage}/audit']);
      expect(body.LogFormat).toBe('JSON');
    }
    expect(JSON.parse(doc.Resources.TokensByClientRule.Properties.RuleBody).Contribution).toEqual({ Keys: ['$.client_id'], Filters: [{ Match: '$.event', In: ['token.issued'] }] });
    // No metric of the code has a client dimension.
    for (const dims of Object.values(emittedDimensions())) expect(dims).not.toContain('client_id');
  });

  test('anomaly-detection alarms on the token issuance rate and the denial rate, on metrics the code emits', () => {
    for (const [name, metric] of [
      ['TokenIssuanceAnomalyAlarm', 'TokensIssued'],
      ['DenialAnomalyAlarm', 'Denials'],
    ]) {
      const a = doc.Resources[name].Properties;
      const m1 = a.Metrics.find((m: { Id: string }) => m.Id === 'm1').MetricStat;
      expect(m1.Metric).toMatchObject({ Namespace: METRICS_NAMESPACE, MetricName: metric });
      expect(m1.Metric.Dimensions.map((d: { Name: string }) => d.Name)).toEqual(emittedDimensions()[metric]);
      const band = a.Metrics.find((m: { Id: string }) => m.Id === a.ThresholdMetricId);
      expect(band.Expression).toMatch(/^ANOMALY_DETECTION_BAND\(m1, /);
      expect(a.ComparisonOperator).toBe('GreaterThanUpperThreshold');
    }
  });

  test('static alarms: any internal error, a lockout burst', () => {
    const internal = alarm('InternalErrors')!;
    expect(internal).toMatchObject({ Namespace: METRICS_NAMESPACE, Threshold: 1, Period: 60, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect((internal.Dimensions as { Name: string }[]).map((d) => d.Name)).toEqual(emittedDimensions().InternalErrors);
    const lockouts = alarm('Lockouts')!;
    expect(lockouts).toMatchObject({ Namespace: METRICS_NAMESPACE, Threshold: '${self:custom.portcullis.audit.lockoutBurstThreshold, 5}', Period: 300 });
    expect((lockouts.Dimensions as { Name: string }[]).map((d) => d.Name)).toEqual(emittedDimensions().Lockouts);
  });

  test('the dashboard shows tokens issued, allow/deny, decision latency p50/p99, lockouts, revocations, and the top clients', () => {
    const body = JSON.parse(
      String(doc.Resources.SecurityDashboard.Properties.DashboardBody['Fn::Sub'])
        .replace(/\$\{AWS::Region\}/g, 'eu-west-1')
        .replace(/\$\{self:service\}/g, 'portcullis')
        .replace(/\$\{sls:stage\}/g, 'prod')
        .replace(/\$\{self:custom\.portcullis\.audit\.anomalyBandWidth, 3\}/g, '3'),
    ) as { widgets: { type: string; properties: { metrics?: unknown[][]; insightRule?: { ruleName: string }; query?: string } }[] };
    const shown = JSON.stringify(body.widgets.map((w) => w.properties.metrics ?? []));
    for (const metric of ['TokensIssued', 'AuthorizerAllow', 'Denials', 'AuthorizerLatency', 'Lockouts', 'Revocations', 'ClientAuthFailures', 'InternalErrors']) {
      expect(shown).toContain(`"${metric}"`);
      expect(Object.keys(emittedDimensions())).toContain(metric);
    }
    expect(shown).toContain('"stat":"p50"');
    expect(shown).toContain('"stat":"p99"');
    const rules = body.widgets.map((w) => w.properties.insightRule?.ruleName).filter(Boolean);
    expect(rules).toEqual(['portcullis-prod-tokens-by-client', 'portcullis-prod-denials-by-client', 'portcullis-prod-failed-client-auth-by-source']);
    expect(body.widgets.find((w) => w.type === 'log')?.properties.query).toContain("SOURCE '/portcullis/prod/audit'");
  });

  test('invalid_client spike alarm watches exactly the metric and dimensions the token endpoint emits', () => {
    const a = alarm('TokenDenied')!;
    expect(a.Namespace).toBe(METRICS_NAMESPACE);
    const dims = a.Dimensions as { Name: string; Value: unknown }[];
    expect(dims.map((d) => d.Name)).toEqual(emittedDimensions().TokenDenied);
    expect(dims).toContainEqual({ Name: 'reason', Value: 'invalid_client' });
    expect(dims).toContainEqual({ Name: 'service', Value: '${self:service}' });
    expect(dims).toContainEqual({ Name: 'stage', Value: '${sls:stage}' });
    expect(a.Statistic).toBe('Sum');
  });

  test('a revocation record the feed index delivered late raises an alarm on the metric the authorizer emits', () => {
    const a = alarm('LateRevocationRecords')!;
    expect(a.Namespace).toBe(METRICS_NAMESPACE);
    expect((a.Dimensions as { Name: string }[]).map((d) => d.Name)).toEqual(emittedDimensions().LateRevocationRecords);
    expect(a).toMatchObject({ Statistic: 'Sum', Period: 60, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
  });

  test('a refresh token reused after the grace window raises an alarm on the metric counted from refresh.reused', () => {
    const a = alarm('RefreshTokenReuse')!;
    expect(a.Namespace).toBe(METRICS_NAMESPACE);
    expect((a.Dimensions as { Name: string }[]).map((d) => d.Name)).toEqual(emittedDimensions().RefreshTokenReuse);
    expect(a).toMatchObject({ Statistic: 'Sum', Period: 60, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
  });

  test('authorizer internal errors raise an alarm on AuthorizerDeny{reason=internal_error}, not on Lambda Errors (every REST 401 is one)', () => {
    const a = alarm('AuthorizerDeny')!;
    expect(a.Namespace).toBe(METRICS_NAMESPACE);
    expect(a.Dimensions).toEqual(expect.arrayContaining([{ Name: 'reason', Value: 'internal_error' }]));
    expect(alarms.some(([, r]) => r.Properties.MetricName === 'Errors')).toBe(false);
    expect(alarm('Throttles')!.Dimensions).toEqual([{ Name: 'FunctionName', Value: { Ref: 'AuthorizerLambdaFunction' } }]);
  });

  test('the REST and the HTTP API authorizer functions have the same alarms (Lambda metrics per function)', () => {
    const serverless = load(readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8')) as { functions: Record<string, { handler: string }> };
    // serverless names a function's resource <Name>LambdaFunction (first letter upper-cased).
    // The demo's second API's authorizer (demoReportsAuthorizer) exists only in demo stages, so no alarm can name it.
    const authorizers = Object.entries(serverless.functions)
      .filter(([name, f]) => f.handler.startsWith('functions/authorizer.') && !DEMO_FUNCTIONS.includes(name))
      .map(([name]) => `${name[0].toUpperCase()}${name.slice(1)}LambdaFunction`);
    expect(authorizers.sort()).toEqual(['AuthorizerHttpApiLambdaFunction', 'AuthorizerLambdaFunction']);
    const alarmsOf = (fn: string) =>
      alarms
        .filter(([, r]) => JSON.stringify(r.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fn } }]))
        .map(([, r]) => {
          const { AlarmName, AlarmDescription, Dimensions, ...rest } = r.Properties;
          return JSON.stringify(rest);
        })
        .sort();
    const rest = alarmsOf('AuthorizerLambdaFunction');
    expect(rest.length).toBeGreaterThanOrEqual(1);
    expect(rest.map((a) => JSON.parse(a).MetricName)).toContain('Throttles');
    expect(alarmsOf('AuthorizerHttpApiLambdaFunction')).toEqual(rest);
    // Alarm names are unique (CloudFormation would refuse two alarms with one name).
    const names = alarms.map(([, r]) => r.Properties.AlarmName);
    expect(new Set(names).size).toBe(names.length);
  });

  test('every alarm notifies the optional SNS topic, and the topic exists only when asked for', () => {
    for (const [, r] of alarms) {
      expect(r.Properties.AlarmActions).toEqual(expect.objectContaining({ 'Fn::If': expect.arrayContaining(['AuditAlarmTopicGiven']) }));
    }
    expect(doc.Resources.AuditAlarmTopic).toMatchObject({ Type: 'AWS::SNS::Topic', Condition: 'AuditAlarmTopicCreated' });
  });

  test('no short-form intrinsic tags (the file is read by plain YAML parsers)', () => {
    expect(readFileSync(join(__dirname, '..', '..', 'infra', 'serverless', 'audit.yml'), 'utf8')).not.toMatch(/:\s*!\w+/);
  });
});
