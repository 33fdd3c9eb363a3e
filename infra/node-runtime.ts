/**
 * The project runs on the Node major of the Lambda runtime declared in serverless.yml (`provider.runtime`),
 * through the exact-pinned `node` devDependency: npm puts node_modules/.bin first on PATH, so every
 * `npm start` / `npm test` / `npm run …` (and the processes they spawn with process.execPath) use it.
 * Started some other way (plain `npx tsx …` on the machine's Node), the CLIs say so instead of failing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

const REPO_ROOT = join(__dirname, '..');

/** `nodejs22.x` in serverless.yml → 22. */
export function lambdaNodeMajor(file = join(REPO_ROOT, 'serverless.yml')): number {
  const doc = load(readFileSync(file, 'utf8')) as { provider?: { runtime?: string } };
  const m = /^nodejs(\d+)\.x$/.exec(String(doc.provider?.runtime ?? ''));
  if (!m) throw new Error(`serverless.yml provider.runtime is not a nodejsNN.x runtime: ${String(doc.provider?.runtime)}`);
  return Number(m[1]);
}

export const runningNodeMajor = () => Number(process.versions.node.split('.')[0]);

/** One line for banners: `Node v22.23.3 (Lambda runs nodejs22.x)`, with a warning when the majors differ. */
export function nodeRuntimeLine(): string {
  const lambda = lambdaNodeMajor();
  const line = `Node ${process.version} (Lambda runs nodejs${lambda}.x)`;
  return runningNodeMajor() === lambda
    ? line
    : `${line} — warning: not the Lambda runtime's major; run through npm (npm start, npm test, npm run …) to use the project's node@${lambda}`;
}
