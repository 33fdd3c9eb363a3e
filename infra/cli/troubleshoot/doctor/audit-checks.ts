/**
 * `doctor`: the audit trail. Deployed: the audit log group exists, has a retention, is encrypted with a KMS key and
 * has its data protection policy (DescribeLogGroups), and every function of the stage logs to it in JSON at INFO or
 * more verbose (Lambda GetFunctionConfiguration: LoggingConfig) — a function that logs elsewhere writes its audit
 * events where nobody reads them. Locally: the stack's audit file.
 * The operator needs logs:DescribeLogGroups and lambda:GetFunctionConfiguration on the stage's functions.
 */
import { DescribeLogGroupsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { existsSync } from 'node:fs';
import { localAuditFilePath } from '../../../../lib/audit/local-file';
import type { Config } from '../../../../lib/config/types';
import { createCloudWatchLogsClient } from '../../cloudwatch-logs';
import type { Finding } from '../types';
import { error, info, ok, warning } from './finding';

export interface AuditCheckOptions {
  local: boolean;
  declaredRetentionDays?: number;
  /** The stage's deployed function names (`<service>-<stage>-<function>`). */
  functionNames?: string[];
  cloudWatch?: CloudWatchLogsClient;
  lambda?: LambdaClient;
}

const VERBOSE_ENOUGH = new Set(['TRACE', 'DEBUG', 'INFO']);
const describeErr = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

export async function auditChecks(config: Config, opts: AuditCheckOptions): Promise<Finding[]> {
  if (opts.local) {
    const file = localAuditFilePath(config.audit.file);
    return existsSync(file)
      ? [ok('audit.destination', `the local audit trail is ${file}`)]
      : [info('audit.destination', `no local audit file at ${file} yet (created with the first event)`)];
  }
  const [group, functions] = await Promise.all([logGroupChecks(config, opts), loggingConfigChecks(config, opts)]);
  return [...group, ...functions];
}

async function logGroupChecks(config: Config, opts: AuditCheckOptions): Promise<Finding[]> {
  const name = config.audit.logGroup;
  const client = opts.cloudWatch ?? createCloudWatchLogsClient({ region: config.region, endpoint: config.audit.endpoint, timeoutMs: 5_000 });
  try {
    const out = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
    const group = out.logGroups?.find((g) => g.logGroupName === name);
    if (!group) {
      return [
        error('audit.log-group', `the audit log group ${name} does not exist in ${config.region}: the functions' audit events have nowhere to go`, 'deploy the stack (infra/serverless/audit.yml creates it)'),
      ];
    }
    const findings: Finding[] = [];
    const days = group.retentionInDays;
    if (days === undefined) {
      findings.push(
        warning('audit.retention', `the audit log group ${name} has no retention: events are kept forever`, `aws logs put-retention-policy --log-group-name ${name} --retention-in-days ${opts.declaredRetentionDays ?? 365} --region ${config.region} (or deploy: custom.portcullis.audit.retentionDays)`),
      );
    } else if (opts.declaredRetentionDays !== undefined && days !== opts.declaredRetentionDays) {
      findings.push(warning('audit.retention', `the audit log group keeps events ${days} days; serverless.yml says ${opts.declaredRetentionDays}`, 'deploy to apply custom.portcullis.audit.retentionDays'));
    } else findings.push(ok('audit.log-group', `the audit log group ${name} exists, retention ${days} days`));
    if (!group.kmsKeyId) {
      findings.push(error('audit.encryption', `the audit log group ${name} is not encrypted with a KMS key`, 'deploy the stack (it creates the key, or uses custom.portcullis.audit.kmsKeyArn)'));
    } else findings.push(ok('audit.encryption', `the audit log group is encrypted with ${group.kmsKeyId}`));
    if (group.dataProtectionStatus !== 'ACTIVATED') {
      findings.push(warning('audit.data-protection', `the audit log group has no active data protection policy (${group.dataProtectionStatus ?? 'none'}): a token-shaped value would not be masked`, 'deploy the stack (infra/serverless/audit.yml declares it)'));
    }
    return findings;
  } catch (err) {
    return [warning('audit.log-group', `the audit log group could not be checked (${describeErr(err)})`, 'allow logs:DescribeLogGroups to the operator, or check it in the console')];
  } finally {
    if (!opts.cloudWatch) client.destroy();
  }
}

async function loggingConfigChecks(config: Config, opts: AuditCheckOptions): Promise<Finding[]> {
  const names = opts.functionNames ?? [];
  if (!names.length) return [];
  const client = opts.lambda ?? new LambdaClient({ region: config.region, maxAttempts: 3 });
  const group = config.audit.logGroup;
  try {
    const results = await Promise.all(
      names.map(async (fn): Promise<Finding | string> => {
        try {
          const c = (await client.send(new GetFunctionConfigurationCommand({ FunctionName: fn }))).LoggingConfig ?? {};
          const wrong: string[] = [];
          if (c.LogGroup !== group) wrong.push(`logs to ${c.LogGroup ?? `/aws/lambda/${fn}`}`);
          if (c.LogFormat !== 'JSON') wrong.push(`in ${c.LogFormat ?? 'Text'} format`);
          if (c.ApplicationLogLevel && !VERBOSE_ENOUGH.has(c.ApplicationLogLevel)) wrong.push(`at application level ${c.ApplicationLogLevel}, which drops the INFO audit events`);
          if (!wrong.length) return fn;
          return error('audit.function-logging', `function ${fn} ${wrong.join(', ')}: its audit events do not reach ${group}`, 'deploy the stack (serverless.yml provider.logs.lambda; the portcullis plugin applies it to every function)');
        } catch (err) {
          if ((err as Error).name === 'ResourceNotFoundException') return error('audit.function-logging', `function ${fn} is not deployed in ${config.region}`, 'deploy the stack');
          return warning('audit.function-logging', `the logging configuration of ${fn} could not be read (${describeErr(err)})`, 'allow lambda:GetFunctionConfiguration to the operator');
        }
      }),
    );
    const good = results.filter((r): r is string => typeof r === 'string');
    const findings = results.filter((r): r is Finding => typeof r !== 'string');
    if (good.length) findings.push(ok('audit.function-logging', `${good.length} function(s) log to ${group} in JSON: ${good.join(', ')}`));
    return findings;
  } finally {
    if (!opts.lambda) client.destroy();
  }
}
