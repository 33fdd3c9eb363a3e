/** The DynamoDB client every store uses: bounded attempts and timeouts, so two store calls fit in a Lambda timeout. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface DynamoOptions {
  region: string;
  endpoint?: string;
  timeoutMs: number;
}

export function createDynamoClient(opts: DynamoOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: opts.region,
    endpoint: opts.endpoint,
    // The local stack's DynamoDB (dynalite) checks no signature, but the SDK wants credentials to sign with.
    credentials: opts.endpoint && !process.env.AWS_ACCESS_KEY_ID ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    maxAttempts: 2,
    requestHandler: { requestTimeout: opts.timeoutMs, connectionTimeout: opts.timeoutMs, throwOnRequestTimeout: true },
  });
}
