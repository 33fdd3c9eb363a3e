/**
 * The authorization code flow, measured: the bundled authorize, login and token functions (esbuild with the
 * settings of serverless.yml) behind a bare node:http server (bench/http/people-server.cjs) with the prod stage's
 * environment (DynamoDB on dynalite, the CloudWatch Logs fake, a file key), and a recorder in front of DynamoDB that
 * counts every request at the wire.
 *   - ms per flow: GET /oauth2/authorize with a live SSO session (→ 302 with a code), then POST /oauth2/token
 *     exchanging it (confidential client, PKCE), one flow after the other over loopback;
 *   - DynamoDB requests per step (median over the flows: the client cache and the key list cache are warm);
 *   - CPU of the login POST (Argon2id-dominated), and of Argon2id verify alone in this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { verify } from '@node-rs/argon2';
import { build } from 'esbuild';
import { load } from 'js-yaml';
import { REPO_ROOT } from '../../infra/serverless-config';
import { createClientAdmin } from '../../lib/composition/client-admin';
import { createUserAdmin } from '../../lib/composition/user-admin';
import { loadConfig } from '../../lib/config/load-config';
import { systemClock } from '../../lib/core/clock';
import { createDynamoClient } from '../../lib/stores/dynamo/client';
import { DocTable } from '../../lib/stores/dynamo/doc-table';
import { startDynamoRecorder } from '../../testkit/dynamo-recorder';
import { MemoryAuditSink } from '../../testkit/memory-audit-sink';
import type { FunctionFixture } from '../cold/function-fixture';
import { basicAuth } from '../token/rig';
import { median } from '../support/stats';

export interface CodeFlowPlan {
  /** Measured flows (authorize + token). */
  flows: number;
  /** Measured sign-ins (login POSTs). */
  logins: number;
}

export interface CodeFlowFigures {
  /** Median wall time of one flow, ms. */
  flowMs: number;
  authorizeMs: number;
  tokenMs: number;
  /** DynamoDB requests per step at the wire: medians (steady state) and means (the cache refreshes included). */
  ddbCalls: { authorize: number; token: number; authorizeMean: number; tokenMean: number };
  /** CPU of one login POST in the function's process, ms (median). */
  loginCpuMs: number;
  /** Argon2id verify (m=19456, t=2, p=1) alone, wall ms in this process (median). */
  argon2VerifyMs: number;
}

const FUNCTIONS = { authorize: 'functions/authorize', login: 'functions/login', token: 'functions/token' } as const;
const PASSWORD = 'bench password 1234';
const REDIRECT = 'https://app.example/cb';

async function bundle(outDir: string): Promise<Record<keyof typeof FUNCTIONS, string>> {
  const s = (load(readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8')) as { custom: { esbuild: Record<string, unknown> } }).custom.esbuild;
  mkdirSync(outDir, { recursive: true });
  const out = {} as Record<keyof typeof FUNCTIONS, string>;
  for (const [name, entry] of Object.entries(FUNCTIONS) as Array<[keyof typeof FUNCTIONS, string]>) {
    out[name] = join(outDir, `${name}.js`);
    await build({
      absWorkingDir: REPO_ROOT,
      entryPoints: [`${entry}.ts`],
      outfile: out[name],
      bundle: true,
      minify: (s.minify as boolean) ?? true,
      target: (s.target as string) ?? 'node22',
      platform: 'node',
      format: 'cjs',
      mainFields: s.mainFields as string[],
      external: (s.external as string[]) ?? [],
      logLevel: 'silent',
    });
  }
  return out;
}

async function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(__dirname, '..', 'http', 'people-server.cjs')], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('LISTENING ')) resolve(Number(line.slice('LISTENING '.length)));
    });
    child.once('exit', (code) => reject(new Error(`people server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

const cookiesOf = (res: Response) => res.headers.getSetCookie().map((c) => c.split(';')[0]);

export async function benchCodeFlow(fixture: FunctionFixture, workDir: string, plan: CodeFlowPlan): Promise<CodeFlowFigures> {
  const bundles = await bundle(join(workDir, 'people'));
  const recorder = await startDynamoRecorder(fixture.env.PORTCULLIS_DYNAMODB_ENDPOINT);
  const config = loadConfig(fixture.env);
  const table = new DocTable(createDynamoClient({ region: config.region, endpoint: config.dynamoEndpoint, timeoutMs: 5000 }), config.tableName, systemClock);
  const username = `bench-${randomBytes(4).toString('hex')}`;
  const user = await createUserAdmin(config, table, new MemoryAuditSink(), 'bench').create({ username, password: PASSWORD, roles: ['reader'] });
  const { client, secret } = await createClientAdmin(config, table, new MemoryAuditSink(), 'bench').create({ name: 'bench web', scopes: ['read:data'], redirectUris: [REDIRECT] });
  const { url, child } = await startServer({
    PATH: process.env.PATH ?? '',
    ...fixture.env,
    PORTCULLIS_DYNAMODB_ENDPOINT: recorder.endpoint,
    AWS_LAMBDA_FUNCTION_NAME: 'portcullis-prod-people',
    NODE_PATH: join(REPO_ROOT, 'node_modules'), // the login bundle's external Argon2 module
    BENCH_AUTHORIZE_BUNDLE: bundles.authorize,
    BENCH_LOGIN_BUNDLE: bundles.login,
    BENCH_TOKEN_BUNDLE: bundles.token,
  });
  try {
    const pkce = () => {
      const verifier = randomBytes(32).toString('base64url');
      return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
    };
    const authorizeUrl = (challenge: string) =>
      `${url}/oauth2/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.clientId, redirect_uri: REDIRECT, scope: 'read:data', state: 's', code_challenge: challenge, code_challenge_method: 'S256' })}`;

    // Sign-ins: the login page, then its POST; each POST starts a new session (its cookie is kept).
    let cookie = '';
    const loginCpuUs: number[] = [];
    for (let i = 0; i < plan.logins + 1; i++) {
      const page = await fetch(authorizeUrl(pkce().challenge), { redirect: 'manual' });
      const html = await page.text();
      const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1].replace(/&amp;/g, '&');
      const res = await fetch(`${url}/oauth2/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(page).join('; ') },
        body: new URLSearchParams({ csrf: field('csrf'), auth_request: field('auth_request'), username, password: PASSWORD }),
      });
      if (res.status !== 303) throw new Error(`login answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
      if (i > 0) loginCpuUs.push(Number(res.headers.get('x-bench-cpu-us')));
      cookie = cookiesOf(res).join('; ');
    }

    const flow = async () => {
      const { verifier, challenge } = pkce();
      const t0 = performance.now();
      const before = recorder.requests.length;
      const authorized = await fetch(authorizeUrl(challenge), { redirect: 'manual', headers: { cookie } });
      const code = new URL(authorized.headers.get('location') ?? 'x:/').searchParams.get('code');
      if (authorized.status !== 302 || !code) throw new Error(`authorize answered ${authorized.status} without a code`);
      const t1 = performance.now();
      const mid = recorder.requests.length;
      const token = await fetch(`${url}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client.clientId, secret) },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }),
      });
      const body = (await token.json()) as { access_token?: string };
      if (token.status !== 200 || !body.access_token) throw new Error(`token answered ${token.status}`);
      const t2 = performance.now();
      return { flowMs: t2 - t0, authorizeMs: t1 - t0, tokenMs: t2 - t1, authorizeCalls: mid - before, tokenCalls: recorder.requests.length - mid };
    };
    for (let i = 0; i < Math.min(5, plan.flows); i++) await flow(); // caches and connections warm
    const runs = [];
    for (let i = 0; i < plan.flows; i++) runs.push(await flow());

    const argon2: number[] = [];
    for (let i = 0; i < Math.max(3, plan.logins); i++) {
      const t = performance.now();
      await verify(user.passwordHash, PASSWORD);
      argon2.push(performance.now() - t);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return {
      flowMs: median(runs.map((r) => r.flowMs)),
      authorizeMs: median(runs.map((r) => r.authorizeMs)),
      tokenMs: median(runs.map((r) => r.tokenMs)),
      ddbCalls: {
        authorize: median(runs.map((r) => r.authorizeCalls)),
        token: median(runs.map((r) => r.tokenCalls)),
        authorizeMean: mean(runs.map((r) => r.authorizeCalls)),
        tokenMean: mean(runs.map((r) => r.tokenCalls)),
      },
      loginCpuMs: median(loginCpuUs) / 1000,
      argon2VerifyMs: median(argon2),
    };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin?.end();
    await exited;
    table.client.destroy();
    await recorder.close();
  }
}
