/**
 * The CloudWatch Logs client of the CLIs (`audit tail`, `audit report`, `doctor`, the admin CLI's own audit events
 * for a deployed stage). No function has one: functions write their audit events to stdout.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';

export interface CloudWatchLogsOptions {
  region?: string;
  /** Tests only (the wire-level fake). */
  endpoint?: string;
  /** Timeout of one attempt (connect and response). */
  timeoutMs: number;
  /** Attempts per call, first one included. */
  maxAttempts?: number;
}

export function createCloudWatchLogsClient(opts: CloudWatchLogsOptions): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    region: opts.region,
    endpoint: opts.endpoint,
    maxAttempts: opts.maxAttempts ?? 3,
    requestHandler: { requestTimeout: opts.timeoutMs, connectionTimeout: opts.timeoutMs, throwOnRequestTimeout: true },
  });
}
