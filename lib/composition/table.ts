/** The one place a DynamoDB client and the shared table are built from the configuration. */
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import type { Config } from '../config/types';
import { createDynamoClient } from '../stores/dynamo/client';
import { DocTable } from '../stores/dynamo/doc-table';

export function createDocTable(config: Config, clock: Clock = systemClock, timeoutMs = config.storeTimeoutMs): DocTable {
  return new DocTable(createDynamoClient({ region: config.region, endpoint: config.dynamoEndpoint, timeoutMs }), config.tableName, clock);
}
