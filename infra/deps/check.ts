/**
 * The dependency check:
 *   npm run --silent deps:check                      everything: pinning, licences, install scripts, bundles, npm audit
 *   npm run --silent deps:check -- --offline         everything but npm audit (what `npm test` runs, as jest tests)
 *   npm run --silent deps:check -- --audit-only      npm audit only (what CI runs before the tests: .ci/run)
 *   npm run --silent deps:check -- --accept-bundles  record the current bundle contents in infra/deps/bundles.json
 * Exit code 0: no failure (a skipped npm audit is not one); 1: at least one failure; 2: usage.
 */
import { join } from 'node:path';
import { ACCEPT_COMMAND, bundlePackages, compareBundles, readExpectedBundles, writeExpectedBundles } from './bundle-packages';
import type { CheckResult } from './check-result';
import { checkInstallScripts } from './install-scripts';
import { readDependencyTree, readManifest } from './installed-tree';
import { checkLicences, readLicencePolicy } from './licences';
import { classifyNpmAudit, runNpmAudit } from './npm-audit';
import { checkPinning } from './pinning';

export const REPO_ROOT = join(__dirname, '..', '..');
export const POLICY_FILE = 'infra/deps/policy.yml';

/** The checks that need no network: pinning, licences, install scripts, bundle contents. */
export async function offlineChecks(root: string): Promise<CheckResult[]> {
  const tree = readDependencyTree(root);
  const installedVersion = (name: string) => {
    try {
      return readManifest(join(root, 'node_modules', name)).version;
    } catch {
      return undefined;
    }
  };
  const pinning = checkPinning(tree.root, installedVersion);
  pinning.failures.push(...tree.missing.filter((m) => !m.startsWith('package.json')).map((m) => `not installed: ${m} (run npm ci)`));
  return [
    pinning,
    checkLicences(tree, readLicencePolicy(join(root, POLICY_FILE))),
    checkInstallScripts(tree),
    compareBundles(await bundlePackages(root), readExpectedBundles(root)),
  ];
}

function render(results: CheckResult[], out: (line: string) => void): boolean {
  const width = Math.max(...results.map((r) => r.name.length));
  for (const r of results) out(`${r.name.padEnd(width)}  ${r.failures.length > 0 ? 'FAILED' : r.skipped ? 'skipped' : 'ok'}: ${r.summary}`);
  const failures = results.flatMap((r) => r.failures.map((f) => `${r.name}: ${f}`));
  const notes = results.flatMap((r) => r.notes.map((n) => `${r.name}: ${n}`));
  if (notes.length > 0) {
    out('');
    out('reported (not failing):');
    for (const n of notes) out(`  ${n}`);
  }
  if (failures.length > 0) {
    out('');
    out('failures:');
    for (const f of failures) out(`  ${f}`);
  }
  return failures.length === 0;
}

export async function runDependencyCheck(argv: string[], io: { out: (line: string) => void; err: (line: string) => void }, root = REPO_ROOT): Promise<number> {
  const known = new Set(['--offline', '--audit-only', '--accept-bundles']);
  const unknown = argv.filter((a) => !known.has(a));
  if (unknown.length > 0 || (argv.includes('--offline') && argv.includes('--audit-only'))) {
    io.err(`usage: deps:check [--offline | --audit-only] [--accept-bundles]   (unknown: ${unknown.join(' ') || 'both --offline and --audit-only'})`);
    return 2;
  }
  if (argv.includes('--accept-bundles')) {
    writeExpectedBundles(root, await bundlePackages(root));
    io.out(`recorded the packages of every function's bundle in infra/deps/bundles.json (${ACCEPT_COMMAND}): review the diff and commit it`);
  }
  const results: CheckResult[] = [];
  if (!argv.includes('--audit-only')) results.push(...(await offlineChecks(root)));
  if (!argv.includes('--offline')) results.push(classifyNpmAudit(await runNpmAudit({ cwd: root })));
  return render(results, io.out) ? 0 : 1;
}

if (require.main === module) {
  runDependencyCheck(process.argv.slice(2), { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`deps:check: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
