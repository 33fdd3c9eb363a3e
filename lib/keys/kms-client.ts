import { KMSClient } from '@aws-sdk/client-kms';
import type { Config } from '../config/types';

/** One KMS client per container: two attempts, each bounded by the store timeout (below the Lambda timeout). */
export function createKmsClient(config: Config): KMSClient {
  return new KMSClient({
    region: config.region,
    maxAttempts: 2,
    requestHandler: { requestTimeout: config.storeTimeoutMs, connectionTimeout: config.storeTimeoutMs, throwOnRequestTimeout: true },
  });
}
