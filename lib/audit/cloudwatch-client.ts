import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';

export interface CloudWatchLogsOptions {
  region?: string;
  /** Tests and emulators only. */
  endpoint?: string;
  /** Timeout of one attempt (connect and response), well below the Lambda timeout. */
  timeoutMs: number;
  /** Attempts per call, first one included. */
  maxAttempts?: number;
}

/** Worst case of one call: maxAttempts × timeoutMs plus the SDK's back-off between attempts. */
export function createCloudWatchLogsClient(opts: CloudWatchLogsOptions): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    region: opts.region,
    endpoint: opts.endpoint,
    maxAttempts: opts.maxAttempts ?? 2,
    requestHandler: { requestTimeout: opts.timeoutMs, connectionTimeout: opts.timeoutMs, throwOnRequestTimeout: true },
  });
}
