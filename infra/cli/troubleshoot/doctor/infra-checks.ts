/**
 * `doctor`: what the stack must provide around the code: DynamoDB TTL on `expiresAt` (revocation records and
 * lockouts expire; without it the table grows forever). dynalite cannot enable TTL, so locally the status is only
 * information. The audit trail's checks are in audit-checks.ts.
 */
import { DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
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
