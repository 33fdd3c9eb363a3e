/**
 * No production package runs install scripts unless package.json `allowScripts` (the list npm itself honours)
 * reviews it: `true` approves the script, `false` denies it (npm does not run it). A production package with
 * a preinstall/install/postinstall script, or a binding.gyp npm would build, and no entry fails the check.
 * Dev-only packages with unreviewed scripts are reported.
 */
import type { CheckResult } from './check-result';
import type { DependencyTree, InstalledPackage } from './installed-tree';

/**
 * The allowScripts entry that covers a package: a bare name (`esbuild`) or exact versions (`esbuild@0.28.2`,
 * `esbuild@0.28.1 || 0.28.2`). npm refuses ranges in allowScripts; so does this.
 */
export function allowScriptsVerdict(p: Pick<InstalledPackage, 'name' | 'version'>, allowScripts: Record<string, boolean>): boolean | undefined {
  let verdict: boolean | undefined;
  for (const [key, value] of Object.entries(allowScripts)) {
    const at = key.lastIndexOf('@');
    const name = at > 0 ? key.slice(0, at) : key;
    const versions = at > 0 ? key.slice(at + 1).split('||').map((v) => v.trim()) : ['*'];
    if (name !== p.name || !(versions.includes('*') || versions.includes('') || versions.includes(p.version))) continue;
    if (value === false) return false; // a denial wins, as in npm
    if (value === true) verdict = true;
  }
  return verdict;
}

const withScripts = (p: InstalledPackage) =>
  `${p.name}@${p.version} (${Object.entries(p.installScripts)
    .map(([event, script]) => `${event}: ${script}`)
    .join('; ')})`;

export function checkInstallScripts(tree: DependencyTree): CheckResult {
  const allow = tree.root.allowScripts ?? {};
  const failures: string[] = [];
  const notes: string[] = [];
  const approved: string[] = [];
  for (const p of tree.production) {
    if (Object.keys(p.installScripts).length === 0) continue;
    const verdict = allowScriptsVerdict(p, allow);
    if (verdict === undefined) {
      failures.push(`production package ${withScripts(p)} runs install scripts and is not reviewed: read the script, then add "${p.name}": true (it runs) or false (npm skips it) to package.json allowScripts`);
    } else {
      approved.push(`${p.name} (${verdict ? 'approved' : 'denied: npm does not run it'})`);
    }
  }
  for (const p of tree.devOnly) {
    if (Object.keys(p.installScripts).length > 0 && allowScriptsVerdict(p, allow) === undefined) notes.push(`dev package ${withScripts(p)} has install scripts not reviewed in allowScripts`);
  }
  const summary = approved.length === 0 ? 'no production package runs install scripts' : `production packages with install scripts, all reviewed in allowScripts: ${approved.join(', ')}`;
  return { name: 'install scripts', failures, notes, summary };
}
