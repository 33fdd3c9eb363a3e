/**
 * Requests per second over loopback HTTP, as information (2 cores shared by the load generator, the server
 * and the backends): through the local stack (serverless-offline + the local gateway, what `npm start` runs),
 * and through the same bundles behind a bare node:http server (what the functions themselves sustain).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startTestStack } from '../../testkit/stack';
import type { Bundles } from '../cold/bundles';
import type { FunctionFixture } from '../cold/function-fixture';
import { basicAuth } from '../token/rig';
import { load, type LoadResult } from './load';

export interface HttpFigures {
  via: 'serverless-offline' | 'direct';
  token: LoadResult;
  authorized: LoadResult;
  connections: number;
}

export interface HttpPlan {
  durationS: number;
  connections: number;
}

const TOKEN_BODY = 'grant_type=client_credentials&scope=read%3Adata';

/**
 * The first requests pay the cold starts; on a loaded machine the authorizer's first JWKS fetch may time out,
 * and it retries only after its minimum refetch interval (10 s). Wait until a valid token gets through.
 */
async function untilAuthorized(url: string, token: string, via: string, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < deadline) {
    status = (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status;
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${via}: GET /demo/data with a valid token still answered ${status} after ${timeoutMs / 1000} s`);
}

async function run(baseUrl: string, clientId: string, secret: string, plan: HttpPlan, via: HttpFigures['via']): Promise<HttpFigures> {
  const tokenHeaders = { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(clientId, secret) };
  const res = await fetch(`${baseUrl}/oauth2/token`, { method: 'POST', headers: tokenHeaders, body: TOKEN_BODY });
  if (res.status !== 200) throw new Error(`${via}: the token endpoint answered ${res.status}: ${await res.text()}`);
  const { access_token: accessToken } = (await res.json()) as { access_token: string };
  await untilAuthorized(`${baseUrl}/demo/data`, accessToken, via);
  const common = { durationS: plan.durationS, connections: plan.connections };
  const token = await load({ ...common, url: `${baseUrl}/oauth2/token`, method: 'POST', headers: tokenHeaders, body: TOKEN_BODY });
  const authorized = await load({ ...common, url: `${baseUrl}/demo/data`, method: 'GET', headers: { authorization: `Bearer ${accessToken}` } });
  return { via, token, authorized, connections: plan.connections };
}

/** The bundles behind bench/http/direct-server.cjs, in a child process. */
export async function httpDirect(bundles: Bundles, fixture: FunctionFixture, plan: HttpPlan): Promise<HttpFigures> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'direct-server.cjs')], {
    env: {
      PATH: process.env.PATH ?? '',
      ...fixture.env,
      AWS_LAMBDA_FUNCTION_NAME: 'portcullis-prod-direct',
      BENCH_TOKEN_BUNDLE: bundles.bundles.token.entry,
      BENCH_AUTHORIZER_BUNDLE: bundles.bundles.authorizer.entry,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.startsWith('LISTENING ')) resolve(Number(line.slice('LISTENING '.length)));
      });
      child.once('exit', (code) => reject(new Error(`direct server exited (${code})`)));
    });
    return await run(`http://127.0.0.1:${port}`, fixture.clientId, fixture.secret, plan, 'direct');
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      await exited;
    }
  }
}

/** The local stack of `npm start` (its own dynalite, key and state directory, free ports). */
export async function httpLocalStack(plan: HttpPlan): Promise<HttpFigures> {
  const stack = await startTestStack();
  try {
    const { clientId, secret } = await stack.createClient({ scopes: ['read:data', 'write:data'], defaultScopes: ['read:data'] });
    return await run(stack.url, clientId, secret, plan, 'serverless-offline');
  } finally {
    await stack.stop();
  }
}
