/**
 * The configuration every in-process rig runs with: the scope catalogue and demo route table of
 * serverless.yml (as the local stage deploys them), loopback backends, and the benchmark's own
 * issuer, audience, tables and audit log group.
 */
import { readServerlessSettings } from '../../infra/serverless-config';
import { loadConfig } from '../../lib/config/load-config';
import type { Config } from '../../lib/config/types';
import { ensureTable } from '../../lib/stores/dynamo/ensure-table';
import { createDynamoClient } from '../../lib/stores/dynamo/client';

export const BENCH_ISSUER = 'https://auth.bench.test';
export const BENCH_AUDIENCE = 'https://api.bench.test';
export const BENCH_LOG_GROUP = '/portcullis/bench/audit';
/** The route every authorizer decision asks for, and a scope that allows it. */
export const BENCH_ROUTE = { method: 'GET', path: '/demo/data', scope: 'read:data' };
export const BENCH_ARN = `arn:aws:execute-api:us-east-1:123456789012:bench01/prod/${BENCH_ROUTE.method}${BENCH_ROUTE.path}`;

export interface BackendEndpoints {
  dynamoEndpoint: string;
  cwlEndpoint: string;
}

export function benchConfig(backends: BackendEndpoints, env: Record<string, string> = {}): Config {
  const settings = readServerlessSettings(undefined, 'local');
  return loadConfig({
    PORTCULLIS_STAGE: 'bench',
    PORTCULLIS_ISSUER: BENCH_ISSUER,
    PORTCULLIS_AUDIENCE: BENCH_AUDIENCE,
    PORTCULLIS_SCOPES: JSON.stringify(settings.scopes),
    PORTCULLIS_ROUTES: JSON.stringify(settings.routes),
    // keys are injected; nothing listens here, so an unexpected fetch fails fast and is counted
    PORTCULLIS_JWKS_URI: 'http://127.0.0.1:9/.well-known/jwks.json',
    PORTCULLIS_SIGNER: 'file',
    PORTCULLIS_KEY_DIR: '/nonexistent',
    PORTCULLIS_DYNAMODB_ENDPOINT: backends.dynamoEndpoint,
    PORTCULLIS_AUDIT_SINK: 'cloudwatch',
    PORTCULLIS_AUDIT_CWL_ENDPOINT: backends.cwlEndpoint,
    PORTCULLIS_AUDIT_LOG_GROUP: BENCH_LOG_GROUP,
    AWS_REGION: 'us-east-1',
    ...env,
  });
}

export async function createTable(config: Config): Promise<void> {
  const client = createDynamoClient({ region: config.region, endpoint: config.dynamoEndpoint, timeoutMs: 5000 });
  try {
    await ensureTable(client, config.tableName);
  } finally {
    client.destroy();
  }
}
