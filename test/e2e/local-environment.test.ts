/**
 * The local stack (npm start, the end-to-end tests) runs its functions with the environment it computes and
 * writes to stack.json for the CLIs: a provider.environment tunable in serverless.yml, and the stack's own
 * extra environment (tests shorten bounds), reach the functions and the stack's configuration alike.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackFilePath, type StackFile } from '../../infra/local/stack';
import { REPO_ROOT } from '../../infra/serverless-config';
import { startTestStack, type TestStack } from '../../testkit/stack';

const copy = join(REPO_ROOT, `serverless.e2eenv-${process.pid}.yml`);
let stack: TestStack;

beforeAll(async () => {
  const yml = readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8');
  const anchor = '    PORTCULLIS_STAGE: ${sls:stage}\n';
  expect(yml).toContain(anchor);
  writeFileSync(copy, yml.replace(anchor, `${anchor}    PORTCULLIS_JWKS_CACHE_SECONDS: '123'\n`));
  stack = await startTestStack({ PORTCULLIS_MAX_BODY_BYTES: '512' }, { serverlessFile: copy });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(copy, { force: true });
});

test('a provider.environment tunable: the JWKS function and the stack configuration (stack.json) agree', async () => {
  const res = await fetch(`${stack.url}/.well-known/jwks.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('public, max-age=123');
  expect(stack.config.keys?.jwksCacheSeconds).toBe(123);
  const file = JSON.parse(readFileSync(stackFilePath(stack.stateDir), 'utf8')) as StackFile;
  expect(file.env).toEqual(stack.env);
  expect(file.env.PORTCULLIS_JWKS_CACHE_SECONDS).toBe('123');
});

test('the stack\'s extra environment reaches the functions too (a 512-byte body limit)', async () => {
  expect(stack.config.maxBodyBytes).toBe(512);
  const post = (body: string) =>
    fetch(`${stack.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const big = await post(`grant_type=client_credentials&client_id=x&pad=${'a'.repeat(600)}`);
  expect(big.status).toBe(400);
  expect(await big.json()).toMatchObject({ error: 'invalid_request', error_description: 'The request body is too large' });
  const small = await post(`grant_type=client_credentials&client_id=x&pad=${'a'.repeat(300)}`);
  expect(((await small.json()) as { error_description?: string }).error_description).not.toBe('The request body is too large');
});
