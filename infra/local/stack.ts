/**
 * The local stack: an embedded DynamoDB (dynalite, data under the state directory),
 * a local signing key, serverless-offline running the functions from serverless.yml,
 * and a small gateway in front of it that applies the API Gateway gateway responses
 * (serverless-offline does not emulate them). The functions write their audit events to stdout as in Lambda;
 * the stack captures serverless-offline's stdout and appends them to the audit file (audit-capture.ts), where the
 * admin CLI appends its own. Used by `npm start` and by the end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { loadConfig } from '../../lib/config/load-config';
import type { Config } from '../../lib/config/types';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { ensureTable } from '../../lib/stores/dynamo/ensure-table';
import { DynamoKeyStore } from '../../lib/stores/dynamo/key-store';
import { ensureLocalKey } from '../../lib/keys/local-key';
import { systemClock } from '../../lib/core/clock';
import { LOCAL_OVERRIDES } from '../portcullis-environment';
import { functionEnvironment, readServerlessSettings, REPO_ROOT, SERVERLESS_FILE } from '../serverless-config';
import { readGatewayResponses, startGatewayProxy } from './gateway-proxy';
import { createAuditCapture } from './audit-capture';
import { createDynamoClient } from '../../lib/stores/dynamo/client';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (opts: { createTableMs: number; path?: string }) => Server;

export const LOCAL_STAGE = 'local';

export interface StackOptions {
  /** Public port (the README's http://localhost:3000). */
  port: number;
  /** Where data, keys and the audit file live (0700). */
  stateDir: string;
  /** Keep DynamoDB data on disk (npm start) or in memory (tests). */
  persist: boolean;
  /** Extra environment for the functions (tests shorten bounds): the functions and `config` both get it. */
  env?: Record<string, string>;
  /** Another serverless.yml in the repository root (tests); default serverless.yml. */
  serverlessFile?: string;
  log?: (line: string) => void;
}

export interface LocalStack {
  url: string;
  dynamoEndpoint: string;
  /** The configuration the functions run with. */
  config: Config;
  env: Record<string, string>;
  table: DocTable;
  /** The serverless-offline process (the functions run in its worker threads). */
  offlinePid?: number;
  stop(): Promise<void>;
}

/** What the CLIs need to find a running local stack. */
export interface StackFile {
  url: string;
  dynamoEndpoint: string;
  pid: number;
  env: Record<string, string>;
}

export const stackFilePath = (stateDir: string) => join(stateDir, 'stack.json');

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`serverless-offline exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`serverless-offline did not answer at ${url} within ${timeoutMs} ms`);
}

export async function startLocalStack(opts: StackOptions): Promise<LocalStack> {
  const log = opts.log ?? (() => {});
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
  const keyDir = join(opts.stateDir, 'keys');
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });

  const ddbServer = dynalite(opts.persist ? { createTableMs: 0, path: join(opts.stateDir, 'dynamodb') } : { createTableMs: 0 });
  const ddbPort = await listen(ddbServer, 0);
  const dynamoEndpoint = `http://127.0.0.1:${ddbPort}`;

  const url = `http://localhost:${opts.port}`;
  const file = resolve(opts.serverlessFile ?? SERVERLESS_FILE);
  if (dirname(file) !== resolve(REPO_ROOT)) throw new Error(`the local stack runs a serverless.yml of the repository root, not ${file}`);
  const settings = readServerlessSettings(file, LOCAL_STAGE);
  const auditFile = join(opts.stateDir, 'audit.log');
  const esbuildDir = `.esbuild-offline/${opts.port}`;
  // What serverless-offline runs with. serverless.yml reads the local endpoints with ${env:…}; the plugin applies
  // PORTCULLIS_LOCAL_FUNCTION_ENV to every function (serverless-offline passes no other variable through).
  const slsEnv: Record<string, string | undefined> = {
    ...process.env,
    PORTCULLIS_DYNAMODB_ENDPOINT: dynamoEndpoint,
    PORTCULLIS_KEY_DIR: keyDir,
    [LOCAL_OVERRIDES]: JSON.stringify(opts.env ?? {}),
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
    PORTCULLIS_ESBUILD_DIR: esbuildDir,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
  // The functions' environment, computed from the same serverless.yml, params and variables (the CLIs read it from stack.json).
  const env = {
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
    ...functionEnvironment(LOCAL_STAGE, { file, params: { issuer: url }, env: slsEnv }),
    // The functions write their audit events to stdout (captured below); the admin CLI appends its own to the file.
    PORTCULLIS_AUDIT_SINK: 'file',
    PORTCULLIS_AUDIT_FILE: auditFile,
  };
  const config = loadConfig(env);
  const client = createDynamoClient({ region: config.region, endpoint: dynamoEndpoint, timeoutMs: 5000 });
  await ensureTable(client, config.tableName);
  const table = new DocTable(client, config.tableName, systemClock);
  await ensureLocalKey(config, new DynamoKeyStore(table));

  // Internal ports of serverless-offline, next to the public one.
  const offlinePort = opts.port + 10;
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules/osls/bin/serverless.js'),
      'offline',
      'start',
      '--stage',
      LOCAL_STAGE,
      '--param',
      `issuer=${url}`,
      '--httpPort',
      String(offlinePort),
      '--websocketPort',
      String(opts.port + 11),
      '--lambdaPort',
      String(opts.port + 12),
      '--albPort',
      String(opts.port + 13),
      '--noPrependStageInUrl',
      ...(opts.serverlessFile ? ['--config', basename(file)] : []),
    ],
    {
      cwd: REPO_ROOT,
      env: slsEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const capture = createAuditCapture(auditFile, log);
  child.stdout?.on('data', (d: Buffer) => capture.write(d));
  child.stdout?.on('end', () => capture.end());
  child.stderr?.on('data', (d: Buffer) => log(d.toString()));

  const proxy = await startGatewayProxy({
    port: opts.port,
    upstream: `http://127.0.0.1:${offlinePort}`,
    routes: config.routes,
    apiRoutes: settings.apiRoutes,
    responses: readGatewayResponses(),
  });
  const stop = async () => {
    rmSync(stackFilePath(opts.stateDir), { force: true });
    await new Promise<void>((r) => proxy.close(() => r()));
    if (child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    client.destroy();
    await new Promise<void>((r) => ddbServer.close(() => r()));
    rmSync(join(REPO_ROOT, esbuildDir), { recursive: true, force: true });
  };
  try {
    await waitForHttp(`http://127.0.0.1:${offlinePort}/.well-known/oauth-authorization-server`, child, 120_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const stackFile: StackFile = { url, dynamoEndpoint, pid: process.pid, env };
  writeFileSync(stackFilePath(opts.stateDir), JSON.stringify(stackFile, null, 2), { mode: 0o600 });
  return { url, dynamoEndpoint, config, env, table, offlinePid: child.pid, stop };
}
