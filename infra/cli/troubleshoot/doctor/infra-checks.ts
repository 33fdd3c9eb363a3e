/**
 * `doctor`: what the stack must provide around the code. DynamoDB TTL on `expiresAt` (revocation records and
 * lockouts expire; without it the table grows forever), and the audit trail: the log group with a retention
 * (deployed), or the local audit file. dynalite cannot enable TTL, so locally the status is only information.
 */
import { DescribeLogGroupsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { existsSync } from 'node:fs';
import { createCloudWatchLogsClient } from '../../cloudwatch-logs';
import { localAuditFilePath } from '../../../../lib/audit/local-file';
import type { Config } from '../../../../lib/config/types';
import type { DocTable } from '../../../../lib/stores/dynamo/doc-table';
import type { Finding } from '../types';
import { error, info, ok, warning } from './finding';

export const TTL_ATTRIBUTE = 'expiresAt';

export async function ttlCheck(config: Config, table: DocTable, local: boolean): Promise<Finding[]> {
  const enable = `aws dynamodb update-time-to-live --table-name ${config.tableName} --time-to-live-specification Enabled=true,AttributeName=${TTL_ATTRIBUTE}${local ? '' : ` --region ${config.region}`} (serverless.yml declares it in infra/serverless/table.yml)`;
  let status: string | undefined;
  let attribute: string | undefined;
  try {
    const out = await table.client.send(new DescribeTimeToLiveCommand({ TableName: config.tableName }));
    status = out.TimeToLiveDescription?.TimeToLiveStatus;
    attribute = out.TimeToLiveDescription?.AttributeName;
  } catch (err) {
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (local) return [info('table.ttl', `table TTL: unknown locally (${what})`)];
    return [warning('table.ttl', `the TTL status of table ${config.tableName} could not be read (${what})`, 'allow dynamodb:DescribeTimeToLive to the operator, or check it in the console')];
  }
  if (local) {
    return [info('table.ttl', `table TTL: unknown locally (the local DynamoDB reports ${status ?? 'nothing'} and never deletes expired items); records past expiresAt are treated as absent anyway`)];
  }
  if ((status === 'ENABLED' || status === 'ENABLING') && attribute === TTL_ATTRIBUTE) return [ok('table.ttl', `table ${config.tableName}: TTL ${status.toLowerCase()} on ${TTL_ATTRIBUTE}`)];
  if (status === 'ENABLED' || status === 'ENABLING') {
    return [error('table.ttl', `table ${config.tableName} expires items on "${attribute}", not on ${TTL_ATTRIBUTE}: revocation records and lockouts never expire`, `disable it, then: ${enable}`)];
  }
  return [error('table.ttl', `table ${config.tableName} has TTL ${status ?? 'unknown'}: expired revocation records and lockouts are never deleted and the table grows without bound`, enable)];
}

export async function auditDestinationCheck(
  config: Config,
  opts: { local: boolean; declaredRetentionDays?: number; cloudWatch?: CloudWatchLogsClient },
): Promise<Finding[]> {
  if (config.audit.sink === 'file') {
    const file = localAuditFilePath(config.audit.file);
    if (!opts.local) {
      return [warning('audit.destination', `stage ${config.stage} writes audit events to a file (${file}), which Lambda discards`, 'set the stage\'s auditSink: cloudwatch in custom.stages')];
    }
    return existsSync(file)
      ? [ok('audit.destination', `the local audit trail is ${file}`)]
      : [info('audit.destination', `no local audit file at ${file} yet (created with the first event)`)];
  }
  const client = opts.cloudWatch ?? createCloudWatchLogsClient({ region: config.region, endpoint: config.audit.endpoint, timeoutMs: 5_000 });
  try {
    const out = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: config.audit.logGroup }));
    const group = out.logGroups?.find((g) => g.logGroupName === config.audit.logGroup);
    if (!group) {
      return [
        error(
          'audit.log-group',
          `the audit log group ${config.audit.logGroup} does not exist in ${config.region}: every audit event falls back to the functions' own log groups`,
          `deploy the stack (infra/serverless/audit.yml creates it), or: aws logs create-log-group --log-group-name ${config.audit.logGroup} --region ${config.region}`,
        ),
      ];
    }
    const days = group.retentionInDays;
    if (days === undefined) {
      return [
        warning(
          'audit.retention',
          `the audit log group ${config.audit.logGroup} exists but has no retention: events are kept forever`,
          `aws logs put-retention-policy --log-group-name ${config.audit.logGroup} --retention-in-days ${opts.declaredRetentionDays ?? 365} --region ${config.region} (or deploy: custom.portcullis.audit.retentionDays)`,
        ),
      ];
    }
    if (opts.declaredRetentionDays !== undefined && days !== opts.declaredRetentionDays) {
      return [warning('audit.retention', `the audit log group keeps events ${days} days; serverless.yml says ${opts.declaredRetentionDays}`, 'deploy to apply custom.portcullis.audit.retentionDays')];
    }
    return [ok('audit.log-group', `the audit log group ${config.audit.logGroup} exists, retention ${days} days`)];
  } catch (err) {
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return [warning('audit.log-group', `the audit log group could not be checked (${what})`, 'allow logs:DescribeLogGroups to the operator, or check it in the console')];
  } finally {
    if (!opts.cloudWatch) client.destroy();
  }
}
