/**
 * The dependency check on this repository, as `npm test` runs it (no network; npm audit runs in CI: .ci/run):
 * production dependencies pinned, licences on the allow-list (infra/deps/policy.yml), no unreviewed install script
 * in the production tree, and every Lambda bundle made of the packages reviewed in infra/deps/bundles.json.
 * A failure prints what changed and how to accept it after review (`npm run --silent deps:check` shows the same).
 */
import { offlineChecks, REPO_ROOT } from '../../infra/deps/check';
import type { CheckResult } from '../../infra/deps/check-result';

let results: Record<string, CheckResult>;
beforeAll(async () => {
  results = Object.fromEntries((await offlineChecks(REPO_ROOT)).map((r) => [r.name, r]));
}, 120_000);

const failuresOf = (name: string) => ({ check: name, failures: results[name].failures });

test('every production dependency is pinned to one exact version, and that version is installed', () => {
  expect(failuresOf('pinning')).toEqual({ check: 'pinning', failures: [] });
});

test('every production package (transitively) has a licence on the allow-list or a reviewed exception', () => {
  expect(failuresOf('licences')).toEqual({ check: 'licences', failures: [] });
  expect(results.licences.summary).toMatch(/^\d+ production packages \(/);
});

test('no production package runs an install script that package.json allowScripts does not review', () => {
  expect(failuresOf('install scripts')).toEqual({ check: 'install scripts', failures: [] });
});

test('each Lambda bundle contains exactly the packages reviewed for it (infra/deps/bundles.json)', () => {
  expect(failuresOf('bundles')).toEqual({ check: 'bundles', failures: [] });
});
