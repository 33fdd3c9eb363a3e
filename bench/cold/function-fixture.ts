/**
 * What the bundled authorizer and token functions need to run outside AWS, built by the harness:
 * a table in dynalite with a client, a file signing key and a few revocations; a JWKS endpoint on loopback
 * serving that key; and the environment serverless.yml gives the prod stage, pointed at those loopback services
 * (the functions write their audit events to stdout, as deployed). Plus one valid request for each function.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionEnvironment, readServerlessSettings } from '../../infra/serverless-config';
import { createClientAdmin } from '../../lib/composition/client-admin';
import { systemClock } from '../../lib/core/clock';
import { loadConfig } from '../../lib/config/load-config';
import { ensureLocalKey } from '../../lib/keys/local-key';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { seedRevocations } from '../authorizer/rig';
import type { BackendEndpoints } from '../support/bench-config';
import { mintToken, type BenchKey } from '../support/tokens';
import { basicAuth } from '../token/rig';
import { createDynamoClient } from '../../lib/stores/dynamo/client';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';

export const PROD_STAGE = 'prod';

export interface FunctionFixture {
  /** Environment of the bundled functions (process.env of a fresh node process). */
  env: Record<string, string>;
  /** A REST REQUEST authorizer event for `GET /demo/data` with a valid token. */
  authorizerEvent: () => unknown;
  /** A token endpoint event (REST proxy) for a client_credentials request. */
  tokenEvent: () => unknown;
  clientId: string;
  secret: string;
  /** The issuer's key (the token function signs with it; the JWKS endpoint publishes it). */
  key: BenchKey;
  close(): Promise<void>;
}

export async function startFunctionFixture(backends: Pick<BackendEndpoints, 'dynamoEndpoint'>): Promise<FunctionFixture> {
  const keyDir = mkdtempSync(join(tmpdir(), 'portcullis-bench-fn-'));
  let jwksBody = '';
  const jwks: Server = createServer((req, res) => {
    res.writeHead(req.url === '/.well-known/jwks.json' ? 200 : 404, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
    res.end(jwksBody);
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;

  // The demo route table gives the authorizer an allowed route; the prod stage itself deploys no demo.
  const routes = readServerlessSettings(undefined, 'local').routes;
  const env = {
    ...functionEnvironment(PROD_STAGE, { env: {} }),
    PORTCULLIS_ISSUER: issuer,
    PORTCULLIS_JWKS_URI: `${issuer}/.well-known/jwks.json`,
    PORTCULLIS_ROUTES: JSON.stringify(routes),
    PORTCULLIS_TABLE: 'bench-functions',
    PORTCULLIS_DYNAMODB_ENDPOINT: backends.dynamoEndpoint,
    PORTCULLIS_SIGNER: 'file',
    PORTCULLIS_KEY_DIR: keyDir,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const config = loadConfig(env);
  await seedRevocations(config, { tokens: 50, clients: 5, subjects: 2 });
  const table = new DocTable(createDynamoClient({ region: config.region, endpoint: config.dynamoEndpoint, timeoutMs: 5000 }), config.tableName, systemClock);
  const { record } = await ensureLocalKey(config, new DynamoKeyStore(table));
  const privateKey = createPrivateKey(readFileSync(join(keyDir, record.ref)));
  const publicJwk = { ...record.publicJwk, kid: record.kid, alg: record.alg, use: 'sig' } as Record<string, string>;
  const key: BenchKey = { alg: record.alg, kid: record.kid, privateKey, publicKey: createPublicKey(privateKey), jwk: publicJwk };
  jwksBody = JSON.stringify({ keys: [publicJwk] });
  const { client, secret } = await createClientAdmin(config, table, new MemoryAuditSink(), 'bench').create({
    name: 'bench-functions',
    scopes: ['read:data', 'write:data'],
    defaultScopes: ['read:data'],
  });

  const authorizerEvent = () => {
    const token = mintToken(key, { issuer, audience: config.audience, clientId: client.clientId, scope: 'read:data', lifetimeSeconds: 600 });
    return {
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:bench01/prod/GET/demo/data',
      resource: '/demo/data',
      path: '/demo/data',
      httpMethod: 'GET',
      headers: { Authorization: `Bearer ${token}` },
      requestContext: { requestId: 'bench-cold', identity: { sourceIp: '203.0.113.10', userAgent: 'portcullis-bench/1' } },
    };
  };
  const tokenEvent = () => ({
    resource: '/oauth2/token',
    path: '/oauth2/token',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basicAuth(client.clientId, secret) },
    body: 'grant_type=client_credentials&scope=read%3Adata',
    isBase64Encoded: false,
    requestContext: { requestId: 'bench-cold', identity: { sourceIp: '203.0.113.10', userAgent: 'portcullis-bench/1' } },
  });

  return {
    env,
    authorizerEvent,
    tokenEvent,
    clientId: client.clientId,
    secret,
    key,
    close: async () => {
      table.client.destroy();
      await new Promise<void>((resolve) => jwks.close(() => resolve()));
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}
