/**
 * Everything runs on the Lambda runtime's Node major (serverless.yml provider.runtime) through the pinned
 * `node` devDependency: jest's workers, tsx as npm scripts start it, and the CLIs (doctor reports it).
 * Node 20.20.2 deadlocks in native crypto (GC during a JWK export), which once hung CI for good.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { lambdaNodeMajor, nodeRuntimeLine, runningNodeMajor } from '../../infra/node-runtime';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

test('serverless.yml declares nodejs22.x, and this jest worker runs on that major', () => {
  expect(lambdaNodeMajor()).toBe(22);
  expect(runningNodeMajor()).toBe(22);
  expect(nodeRuntimeLine()).toMatch(/^Node v22\.\d+\.\d+ \(Lambda runs nodejs22\.x\)$/);
});

test('the node devDependency is pinned exactly to a 22.x release and its install script is approved', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  expect(pkg.devDependencies.node).toMatch(/^22\.\d+\.\d+$/);
  expect(pkg.allowScripts.node).toBe(true);
  expect(process.version).toBe(`v${pkg.devDependencies.node}`);
});

test('npm scripts (tsx) run on it even when the shell only has another node on PATH', async () => {
  // A shell on the machine's own Node: node_modules/.bin removed from PATH, as in a fresh terminal.
  const PATH = (process.env.PATH ?? '').split(':').filter((p) => !p.includes('node_modules')).join(':');
  const { stdout } = await run('npm', ['exec', '--no', '--', 'tsx', '-e', 'process.stdout.write(process.version)'], {
    cwd: root,
    env: { ...process.env, PATH },
  });
  expect(stdout.trim()).toMatch(/^v22\./);
}, 60_000);

test('an older Node gets a clear warning line instead of a silent run', () => {
  const real = process.versions.node;
  Object.defineProperty(process.versions, 'node', { value: '20.20.2', configurable: true });
  try {
    expect(nodeRuntimeLine()).toContain("warning: not the Lambda runtime's major");
  } finally {
    Object.defineProperty(process.versions, 'node', { value: real, configurable: true });
  }
});
