/**
 * The deployable token and authorizer bundles (esbuild with the settings of serverless.yml) carry no CloudWatch
 * Logs client: no function writes to CloudWatch Logs itself (Lambda delivers their stdout), and the client's
 * require time is gone from every cold start. Checked on esbuild's metafile and on the bundled code.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { esbuildFunction, type Composition } from '../../bench/cold/bundles';

let dir: string;
const built: Record<string, { composition: Composition; code: string }> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portcullis-bundle-'));
  for (const fn of ['token', 'authorizer'] as const) {
    const out = join(dir, `${fn}.js`);
    const composition = await esbuildFunction(fn, out);
    built[fn] = { composition, code: readFileSync(out, 'utf8') };
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each(['token', 'authorizer'])('the %s bundle contains no CloudWatch Logs client', (fn) => {
  const { composition, code } = built[fn];
  const owners = composition.map(([owner]) => owner);
  expect(owners.length).toBeGreaterThan(3);
  expect(owners).not.toContain('@aws-sdk/client-cloudwatch-logs');
  expect(owners.filter((o) => /cloudwatch/i.test(o))).toEqual([]);
  // Neither the operation nor the service's wire protocol target.
  expect(code).not.toMatch(/PutLogEvents|CreateLogStream|Logs_20140328/);
  // Its own audit sink is there: the synchronous stdout writer.
  expect(owners).toContain('lib/audit');
});
