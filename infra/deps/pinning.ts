/**
 * Every production dependency is pinned to one exact version in package.json (no ^, ~, ranges, tags, URLs,
 * git or file specs), and node_modules holds that version. devDependencies that are not pinned are reported.
 */
import type { CheckResult } from './check-result';
import type { Manifest } from './installed-tree';

/** A semver version and nothing else: 1.2.3, 1.2.3-rc.1, 1.2.3+build. */
export const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** @param installedVersion the version in node_modules/<name>, undefined when it is not installed. */
export function checkPinning(manifest: Manifest, installedVersion: (name: string) => string | undefined): CheckResult {
  const failures: string[] = [];
  const notes: string[] = [];
  const production = { ...(manifest.dependencies ?? {}), ...(manifest.optionalDependencies ?? {}) };
  for (const [name, spec] of Object.entries(production)) {
    if (!EXACT_VERSION.test(spec)) {
      failures.push(`production dependency ${name} is "${spec}", not one exact version: pin it (npm install --save-exact ${name}@<version>)`);
      continue;
    }
    const installed = installedVersion(name);
    if (installed !== undefined && installed !== spec) failures.push(`${name}: package.json pins ${spec} but node_modules holds ${installed}: run npm ci`);
    if (installed === undefined && !(manifest.optionalDependencies ?? {})[name]) failures.push(`${name}@${spec} is not installed: run npm ci`);
  }
  for (const [name, spec] of Object.entries(manifest.devDependencies ?? {})) {
    if (!EXACT_VERSION.test(spec)) notes.push(`devDependency ${name} is "${spec}", not pinned (not enforced: never shipped)`);
  }
  return { name: 'pinning', failures, notes, summary: `${Object.keys(production).length} production dependencies, each pinned to one version` };
}
