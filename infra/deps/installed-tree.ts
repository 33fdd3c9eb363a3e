/**
 * The installed dependency tree, read from node_modules as Node resolves packages: the production tree
 * (package.json "dependencies" and "optionalDependencies", transitively, with the peers that are installed)
 * and the packages only the devDependencies reach. Read-only; no npm process, no network.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

export interface Manifest {
  name?: string;
  version?: string;
  license?: unknown;
  licenses?: unknown;
  scripts?: Record<string, string>;
  gypfile?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  allowScripts?: Record<string, boolean>;
}

export interface InstalledPackage {
  name: string;
  version: string;
  /** Relative to the repository root, with `/`: node_modules/a/node_modules/b. */
  path: string;
  /** As declared: an SPDX expression, or whatever else the package.json says ('UNKNOWN' when it says nothing). */
  licence: string;
  /** preinstall / install / postinstall, and the `node-gyp rebuild` npm runs for a binding.gyp. */
  installScripts: Record<string, string>;
}

export interface DependencyTree {
  root: Manifest;
  production: InstalledPackage[];
  /** Reached from devDependencies and not from the production tree. */
  devOnly: InstalledPackage[];
  /** Required (not optional) production dependencies that are not installed: `a@1.0.0 → b`. */
  missing: string[];
}

export const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** The licence a package.json declares: `license` (a string, or the old `{ type }`), or the old `licenses` list. */
export function declaredLicence(m: Manifest): string {
  if (typeof m.license === 'string' && m.license.trim()) return m.license.trim();
  const typeOf = (l: unknown) => (typeof l === 'string' ? l : l && typeof l === 'object' ? (l as { type?: unknown }).type : undefined);
  const single = typeOf(m.license);
  if (typeof single === 'string' && single.trim()) return single.trim();
  if (Array.isArray(m.licenses)) {
    const types = m.licenses.map(typeOf).filter((t): t is string => typeof t === 'string' && t.trim() !== '');
    if (types.length === 1) return types[0];
    if (types.length > 1) return `(${types.join(' OR ')})`;
  }
  return 'UNKNOWN';
}

/** What npm would run at install time (as npm's own allowScripts check counts them). */
export function installScriptsOf(m: Manifest, dir: string, lockSaysScripts: boolean): Record<string, string> {
  const scripts = m.scripts ?? {};
  const out: Record<string, string> = {};
  for (const event of ['preinstall', 'install', 'postinstall']) if (scripts[event]) out[event] = scripts[event];
  if (!out.preinstall && !out.install && m.gypfile !== false && existsSync(join(dir, 'binding.gyp'))) out.install = 'node-gyp rebuild';
  if (Object.keys(out).length === 0 && lockSaysScripts) out.install = '(package-lock.json records install scripts)';
  return out;
}

/** Node's lookup: node_modules/<name> in the directory and each parent, up to the root. */
function resolveFrom(dir: string, name: string, root: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (basename(d) !== 'node_modules') {
      const candidate = join(d, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (d === root || dirname(d) === d) return undefined;
  }
}

type LockPackages = Record<string, { hasInstallScript?: boolean }>;

function lockPackages(root: string): LockPackages {
  const file = join(root, 'package-lock.json');
  if (!existsSync(file)) return {};
  return ((JSON.parse(readFileSync(file, 'utf8')) as { packages?: LockPackages }).packages ?? {}) as LockPackages;
}

/** Every package reachable from `deps` (name → optional, resolved from the root), keyed by path. */
function walk(root: string, deps: Record<string, boolean>, lock: LockPackages, missing: string[]): Map<string, InstalledPackage> {
  const found = new Map<string, InstalledPackage>();
  const queue = Object.entries(deps).map(([name, optional]) => ({ from: root, name, optional, by: 'package.json' }));
  while (queue.length > 0) {
    const { from, name, optional, by } = queue.shift()!;
    const dir = resolveFrom(from, name, root);
    if (!dir) {
      if (!optional) missing.push(`${by} → ${name}`);
      continue;
    }
    const path = relative(root, dir).split('\\').join('/');
    if (found.has(path)) continue;
    const m = readManifest(dir);
    const pkg: InstalledPackage = {
      name: m.name ?? name,
      version: m.version ?? '?',
      path,
      licence: declaredLicence(m),
      installScripts: installScriptsOf(m, dir, lock[path]?.hasInstallScript === true),
    };
    found.set(path, pkg);
    const by2 = `${pkg.name}@${pkg.version}`;
    for (const dep of Object.keys(m.dependencies ?? {})) queue.push({ from: dir, name: dep, optional: false, by: by2 });
    for (const dep of Object.keys(m.optionalDependencies ?? {})) queue.push({ from: dir, name: dep, optional: true, by: by2 });
    // Peers are the installer's business (legacy-peer-deps installs none): counted when present.
    for (const dep of Object.keys(m.peerDependencies ?? {})) queue.push({ from: dir, name: dep, optional: true, by: by2 });
  }
  return found;
}

const byPath = (a: InstalledPackage, b: InstalledPackage) => a.path.localeCompare(b.path);

export function readDependencyTree(root: string): DependencyTree {
  const manifest = readManifest(root);
  const lock = lockPackages(root);
  const missing: string[] = [];
  const devMissing: string[] = []; // a broken dev tree shows up in the tests that use it
  const names = (deps: Record<string, string> | undefined, optional: boolean) => Object.fromEntries(Object.keys(deps ?? {}).map((n) => [n, optional]));
  const production = walk(root, { ...names(manifest.dependencies, false), ...names(manifest.optionalDependencies, true) }, lock, missing);
  const dev = walk(root, names(manifest.devDependencies, false), lock, devMissing);
  return {
    root: manifest,
    production: [...production.values()].sort(byPath),
    devOnly: [...dev.values()].filter((p) => !production.has(p.path)).sort(byPath),
    missing: [...new Set(missing)].sort(),
  };
}
