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

/** bench/http/direct-server.cjs with the given bundles, in a child process whose stdout (audit lines included) is drained. */
async function withDirectServer<T>(fixture: FunctionFixture, bundles: { token?: string; authorizer?: string }, work: (url: string) => Promise<T>): Promise<T> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'direct-server.cjs')], {
    env: {
      PATH: process.env.PATH ?? '',
      ...fixture.env,
      AWS_LAMBDA_FUNCTION_NAME: 'portcullis-prod-direct',
      ...(bundles.token ? { BENCH_TOKEN_BUNDLE: bundles.token } : {}),
      ...(bundles.authorizer ? { BENCH_AUTHORIZER_BUNDLE: bundles.authorizer } : {}),
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
    return await work(`http://127.0.0.1:${port}`);
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin?.end();
      await exited;
    }
  }
}

/** The bundles behind bench/http/direct-server.cjs, in a child process. */
export function httpDirect(bundles: Bundles, fixture: FunctionFixture, plan: HttpPlan): Promise<HttpFigures> {
  return withDirectServer(fixture, { token: bundles.bundles.token.entry, authorizer: bundles.bundles.authorizer.entry }, (url) =>
    run(url, fixture.clientId, fixture.secret, plan, 'direct'),
  );
}

export interface PeakRss {
  /** Resident set size after the cold start (first request answered), MiB. */
  coldMiB: number;
  /** Peak resident set size of the process over the cold start and the load, MiB. */
  peakMiB: number;
  requests: number;
  seconds: number;
}

const rssOf = async (url: string) => (await (await fetch(`${url}/__rss`)).json()) as { maxRssKiB: number; rssBytes: number };
const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/**
 * Peak memory of each function on its own, as in its own Lambda container: one process per bundle behind a bare
 * node:http server, the cold start and then `plan.durationS` of concurrent requests (tokens issued; decisions
 * with one valid token), then the process's peak RSS (getrusage maxrss).
 */
export async function functionPeakRss(bundles: Bundles, fixture: FunctionFixture, plan: HttpPlan): Promise<Record<'token' | 'authorizer', PeakRss>> {
  const common = { durationS: plan.durationS, connections: plan.connections };
  const token = await withDirectServer(fixture, { token: bundles.bundles.token.entry }, async (url) => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(fixture.clientId, fixture.secret) };
    const first = await fetch(`${url}/oauth2/token`, { method: 'POST', headers, body: TOKEN_BODY });
    if (first.status !== 200) throw new Error(`token function answered ${first.status}`);
    const cold = await rssOf(url);
    const r = await load({ ...common, url: `${url}/oauth2/token`, method: 'POST', headers, body: TOKEN_BODY });
    const after = await rssOf(url);
    return { coldMiB: mib(cold.rssBytes), peakMiB: mib(after.maxRssKiB * 1024), requests: r.requests, seconds: r.durationS };
  });
  const authorizer = await withDirectServer(fixture, { authorizer: bundles.bundles.authorizer.entry }, async (url) => {
    const { headers } = fixture.authorizerEvent() as { headers: { Authorization: string } };
    const bearer = headers.Authorization.slice('Bearer '.length);
    await untilAuthorized(`${url}/demo/data`, bearer, 'direct authorizer');
    const cold = await rssOf(url);
    const r = await load({ ...common, url: `${url}/demo/data`, method: 'GET', headers: { authorization: headers.Authorization } });
    const after = await rssOf(url);
    return { coldMiB: mib(cold.rssBytes), peakMiB: mib(after.maxRssKiB * 1024), requests: r.requests, seconds: r.durationS };
  });
  return { token, authorizer };
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
