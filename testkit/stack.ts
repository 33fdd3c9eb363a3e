/**
 * The real local stack (serverless-offline + dynalite + the local gateway) for end-to-end tests over HTTP,
 * on free ports, with its own state directory. The same code as `npm start`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../infra/local/stack';
import type { ClientAdmin, CreateClientInput } from '../lib/clients/client-admin';
import { createContainer } from '../lib/composition/container';

const portFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/**
 * A base port whose neighbours (+10..+13, used by serverless-offline) are free too. Below Linux's ephemeral range
 * (32768–60999), so no outgoing connection or port-0 listener (dynalite, the SDK's sockets) takes one between this
 * check and serverless-offline's listen; two test files picking the same base are handled by startTestStack's retry.
 */
async function freeBasePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const base = 20_000 + Math.floor(Math.random() * 600) * 20;
    const all = await Promise.all([0, 10, 11, 12, 13].map((d) => portFree(base + d)));
    if (all.every(Boolean)) return base;
  }
  throw new Error('no free ports');
}

export interface TestStack extends LocalStack {
  stateDir: string;
  admin: ClientAdmin;
  createClient(input?: Partial<CreateClientInput>): Promise<{ clientId: string; secret: string }>;
  /** Client credentials token from /oauth2/token. */
  token(clientId: string, secret: string, scope?: string): Promise<string>;
}

export async function startTestStack(env: Record<string, string> = {}, opts: { serverlessFile?: string } = {}): Promise<TestStack> {
  let stateDir = '';
  let stack: LocalStack | undefined;
  // A port taken between the check and the listen (EADDRINUSE): the failed start stopped everything; try new ports.
  for (let attempt = 1; !stack; attempt++) {
    stateDir = mkdtempSync(join(tmpdir(), 'portcullis-e2e-'));
    const port = await freeBasePort();
    const logs: string[] = [];
    try {
      stack = await startLocalStack({ port, stateDir, persist: false, env, serverlessFile: opts.serverlessFile, log: (l) => logs.push(l) });
    } catch (err) {
      const output = logs.join('');
      rmSync(stateDir, { recursive: true, force: true });
      if (attempt < 3 && output.includes('EADDRINUSE')) continue;
      throw new Error(`${(err as Error).message}\n${output.slice(-4000)}`);
    }
  }
  const admin = createContainer(stack.config, { table: stack.table, audit: { stdout: () => {} }, metrics: false }).clientAdmin('e2e');
  const createClient = async (input: Partial<CreateClientInput> = {}) => {
    const { client, secret } = await admin.create({ name: 'e2e', scopes: ['read:data', 'write:data'], defaultScopes: ['read:data'], ...input });
    return { clientId: client.clientId, secret };
  };
  const token = async (clientId: string, secret: string, scope?: string) => {
    const res = await fetch(`${stack.url}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
    });
    if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  return {
    ...stack,
    stateDir,
    admin,
    createClient,
    token,
    stop: async () => {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
