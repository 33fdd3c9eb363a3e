/** infra/serverless/audit.yml: the audit log group and alarms, checked against what the code emits. */
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
  m.auditFallback(1);
  m.lateRevocationRecord();
  m.flush();
  const out: Record<string, string[]> = {};
  for (const l of lines) {
    for (const d of JSON.parse(l)._aws.CloudWatchMetrics) for (const metric of d.Metrics) out[metric.Name] = d.Dimensions[0];
  }
  return out;
}

describe('audit.yml', () => {
  test('the audit log group is /<service>/<stage>/audit, retained 365 days by default, optionally KMS-encrypted, kept on stack deletion', () => {
    const g = doc.Resources.AuditLogGroup;
    expect(g.Type).toBe('AWS::Logs::LogGroup');
    expect(g.DeletionPolicy).toBe('Retain');
    expect(g.Properties.LogGroupName).toBe('/${self:service}/${sls:stage}/audit');
    expect(g.Properties.RetentionInDays).toBe('${self:custom.portcullis.audit.retentionDays, 365}');
    expect(g.Properties.KmsKeyId).toEqual({ 'Fn::If': ['AuditLogGroupEncrypted', "${self:custom.portcullis.audit.kmsKeyArn, ''}", { Ref: 'AWS::NoValue' }] });
    expect(doc.Conditions.AuditLogGroupEncrypted).toBeDefined();
    expect(doc.Outputs.AuditLogGroupName).toEqual({ Description: expect.any(String), Value: { Ref: 'AuditLogGroup' } });
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

  test('any audit fallback raises an alarm', () => {
    const a = alarm('AuditFallback')!;
    expect(a.Namespace).toBe(METRICS_NAMESPACE);
    expect((a.Dimensions as { Name: string }[]).map((d) => d.Name)).toEqual(emittedDimensions().AuditFallback);
    expect(a).toMatchObject({ Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching' });
  });

  test('a revocation record the feed index delivered late raises an alarm on the metric the authorizer emits', () => {
    const a = alarm('LateRevocationRecords')!;
    expect(a.Namespace).toBe(METRICS_NAMESPACE);
    expect((a.Dimensions as { Name: string }[]).map((d) => d.Name)).toEqual(emittedDimensions().LateRevocationRecords);
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
