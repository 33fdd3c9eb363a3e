/**
 * Each part of the dependency check fails on what it is there to catch, on small projects built on disk:
 * a range instead of a pin, a licence off the list, an install script nobody reviewed, a new package in a bundle.
 */
import { bundlePackages, compareBundles, ACCEPT_COMMAND } from '../../infra/deps/bundle-packages';
import { allowScriptsVerdict, checkInstallScripts } from '../../infra/deps/install-scripts';
import { declaredLicence, readDependencyTree } from '../../infra/deps/installed-tree';
import { checkLicences, licenceAllowed, type LicencePolicy } from '../../infra/deps/licences';
import { checkPinning } from '../../infra/deps/pinning';
import { pkg, projectWith } from './tree-fixture';

const cleanup: Array<() => void> = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));
const project = (files: Record<string, string | object>) => {
  const p = projectWith(files);
  cleanup.push(p.remove);
  return p.root;
};

describe('pinning', () => {
  const installed = (versions: Record<string, string>) => (name: string) => versions[name];

  test.each(['^1.2.3', '~1.2.3', '1.x', '>=1.0.0', '*', 'latest', '1.2', 'v1.2.3', '=1.2.3', 'git+https://github.com/a/b.git', 'file:../b', 'https://example.com/b.tgz', 'npm:other@1.2.3'])(
    'a production dependency at "%s" fails',
    (spec) => {
      const r = checkPinning({ dependencies: { b: spec } }, installed({ b: '1.2.3' }));
      expect(r.failures).toEqual([expect.stringContaining(`production dependency b is "${spec}", not one exact version`)]);
    },
  );

  test('exact versions pass (pre-release and build metadata too); a devDependency range is only reported', () => {
    const r = checkPinning({ dependencies: { a: '1.2.3', b: '2.0.0-rc.1', c: '3.0.0+build.5' }, devDependencies: { d: '^4.0.0' } }, installed({ a: '1.2.3', b: '2.0.0-rc.1', c: '3.0.0+build.5' }));
    expect(r.failures).toEqual([]);
    expect(r.notes).toEqual([expect.stringContaining('devDependency d is "^4.0.0"')]);
  });

  test('node_modules holding another version than the pin, or none, fails', () => {
    expect(checkPinning({ dependencies: { a: '1.2.3' } }, installed({ a: '1.2.4' })).failures).toEqual([expect.stringContaining('package.json pins 1.2.3 but node_modules holds 1.2.4')]);
    expect(checkPinning({ dependencies: { a: '1.2.3' } }, installed({})).failures).toEqual([expect.stringContaining('a@1.2.3 is not installed')]);
  });
});

describe('the installed tree', () => {
  test('production is what "dependencies" reach, nested copies included; what only devDependencies reach is dev-only', () => {
    const root = project({
      'package.json': { name: 'app', dependencies: { a: '1.0.0' }, devDependencies: { tool: '1.0.0' } },
      ...pkg('a', { dependencies: { b: '^2.0.0' }, optionalDependencies: { 'not-here': '1.0.0' } }),
      ...pkg('b', { version: '2.0.0' }, 'node_modules/a/node_modules'),
      ...pkg('b', { version: '1.0.0' }),
      ...pkg('tool', { dependencies: { b: '^1.0.0', a: '1.0.0' } }),
    });
    const tree = readDependencyTree(root);
    expect(tree.production.map((p) => `${p.path} ${p.version}`)).toEqual(['node_modules/a 1.0.0', 'node_modules/a/node_modules/b 2.0.0']);
    expect(tree.devOnly.map((p) => `${p.path} ${p.version}`)).toEqual(['node_modules/b 1.0.0', 'node_modules/tool 1.0.0']);
    expect(tree.missing).toEqual([]);
  });

  test('a required dependency that is not installed is reported; licences declared the old ways are read', () => {
    const root = project({ 'package.json': { dependencies: { a: '1.0.0' } }, ...pkg('a', { dependencies: { gone: '1.0.0' } }) });
    expect(readDependencyTree(root).missing).toEqual(['a@1.0.0 → gone']);
    expect(declaredLicence({ license: { type: 'MIT', url: 'x' } })).toBe('MIT');
    expect(declaredLicence({ licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] })).toBe('(MIT OR Apache-2.0)');
    expect(declaredLicence({})).toBe('UNKNOWN');
  });
});

describe('licences', () => {
  const allowed = ['MIT', 'Apache-2.0', 'BSD-3-Clause'];

  test.each([
    ['MIT', true],
    ['mit', true],
    ['(MIT OR GPL-3.0-or-later)', true],
    ['Apache-2.0 AND MIT', true],
    ['(MIT AND (BSD-3-Clause OR GPL-2.0))', true],
    ['MIT AND GPL-3.0-only', false],
    ['GPL-3.0-only', false],
    ['AGPL-3.0-or-later OR SSPL-1.0', false],
    ['Apache-2.0 WITH LLVM-exception', false],
    ['SEE LICENSE IN LICENSE.md', false],
    ['UNLICENSED', false],
    ['UNKNOWN', false],
    ['(MIT', false],
    ['MIT OR', false],
  ])('"%s" allowed: %s', (expression, expected) => {
    expect(licenceAllowed(expression, allowed)).toBe(expected);
  });

  const treeWith = (prodLicence: string, version = '1.0.0') =>
    readDependencyTree(
      project({
        'package.json': { dependencies: { a: '1.0.0' }, devDependencies: { tool: '1.0.0' } },
        ...pkg('a', { license: prodLicence, version }),
        ...pkg('tool', { license: 'GPL-3.0-only' }),
      }),
    );

  test('a production package off the list fails, naming it; a dev-only one is reported, not failed', () => {
    const r = checkLicences(treeWith('GPL-3.0-only'), { allowed, exceptions: [] });
    expect(r.failures).toEqual([expect.stringMatching(/^a@1\.0\.0 \(node_modules\/a\) declares licence "GPL-3\.0-only", which is not on the allow-list/)]);
    expect(r.notes).toEqual(['dev only (not shipped, not enforced): "GPL-3.0-only": tool@1.0.0']);
    expect(checkLicences(treeWith('MIT'), { allowed, exceptions: [] }).failures).toEqual([]);
  });

  test('a reviewed exception covers that exact version and licence only; an exception nothing matches fails', () => {
    const policy: LicencePolicy = { allowed, exceptions: [{ package: 'a', version: '1.0.0', licence: 'SEE LICENSE IN LICENSE', reason: 'MIT text, reviewed' }] };
    expect(checkLicences(treeWith('SEE LICENSE IN LICENSE'), policy).failures).toEqual([]);
    const bumped = checkLicences(treeWith('SEE LICENSE IN LICENSE', '1.0.1'), policy).failures;
    expect(bumped).toEqual([expect.stringContaining('a@1.0.1 (node_modules/a) declares licence "SEE LICENSE IN LICENSE"'), expect.stringContaining('the exception for a@1.0.0 ("SEE LICENSE IN LICENSE") matches no installed production package')]);
  });
});

describe('install scripts', () => {
  const treeWith = (files: Record<string, string | object>, allowScripts: Record<string, boolean> = {}) =>
    readDependencyTree(project({ 'package.json': { dependencies: { a: '1.0.0' }, devDependencies: { tool: '1.0.0' }, allowScripts }, ...files }));

  test('a production package with a postinstall script nobody reviewed fails; so does a binding.gyp npm would build', () => {
    const r = checkInstallScripts(treeWith({ ...pkg('a', { dependencies: { native: '1.0.0' }, scripts: { postinstall: 'node fetch.js', test: 'x' } }), ...pkg('native', {}), 'node_modules/native/binding.gyp': '{}' }));
    expect(r.failures).toEqual([
      expect.stringContaining('production package a@1.0.0 (postinstall: node fetch.js) runs install scripts and is not reviewed'),
      expect.stringContaining('production package native@1.0.0 (install: node-gyp rebuild)'),
    ]);
  });

  test('approved (true) or denied (false) in allowScripts passes; a dev tool with unreviewed scripts is reported', () => {
    const files = { ...pkg('a', { scripts: { install: 'node build.js' } }), ...pkg('tool', { scripts: { preinstall: 'node x.js' } }) };
    const approved = checkInstallScripts(treeWith(files, { a: true }));
    expect(approved.failures).toEqual([]);
    expect(approved.summary).toContain('a (approved)');
    expect(approved.notes).toEqual([expect.stringContaining('dev package tool@1.0.0 (preinstall: node x.js) has install scripts not reviewed')]);
    expect(checkInstallScripts(treeWith(files, { 'a@1.0.0': false })).summary).toContain('a (denied: npm does not run it)');
    expect(checkInstallScripts(treeWith(files, { 'a@0.9.0': true })).failures).toHaveLength(1);
  });

  test('allowScripts entries: bare names, exact versions joined by ||, scoped names; a denial wins', () => {
    const p = { name: '@scope/x', version: '2.0.0' };
    expect(allowScriptsVerdict(p, { '@scope/x': true })).toBe(true);
    expect(allowScriptsVerdict(p, { '@scope/x@1.0.0 || 2.0.0': true })).toBe(true);
    expect(allowScriptsVerdict(p, { '@scope/x@1.0.0': true })).toBeUndefined();
    expect(allowScriptsVerdict(p, { '@scope/x': true, '@scope/x@2.0.0': false })).toBe(false);
    expect(allowScriptsVerdict(p, { x: true })).toBeUndefined();
  });
});

describe('bundles', () => {
  test('the packages of a bundle come from the esbuild metafile: code that ends up in the bundle, by package', async () => {
    const root = project({
      'serverless.yml': 'functions:\n  one: { handler: functions/one.handler }\n  two: { handler: functions/two.handler }\n  alias: { handler: functions/one.other }\ncustom:\n  esbuild: { minify: true, target: node22, platform: node, format: cjs, exclude: [] }\n',
      'functions/one.ts': "import pad from 'left-pad';\nimport { used } from '@scope/lib';\nimport type { Unused } from 'types-only';\nexport const handler = (u: Unused) => pad(used(String(u)), 5);\nexport const other = handler;\n",
      'functions/two.ts': 'export const handler = () => 1;\n',
      ...pkg('left-pad', { main: 'index.js' }),
      'node_modules/left-pad/index.js': 'module.exports = (s, n) => s.padStart(n);\n',
      ...pkg('@scope/lib', { main: 'index.js' }),
      'node_modules/@scope/lib/index.js': 'exports.used = (s) => s + "!";\nexports.unused = () => 2;\n',
      ...pkg('types-only', { types: 'index.d.ts' }),
      'node_modules/types-only/index.d.ts': 'export type Unused = string;\n',
    });
    expect(await bundlePackages(root)).toEqual({ alias: ['@scope/lib', 'left-pad'], one: ['@scope/lib', 'left-pad'], two: [] });
  }, 30_000);

  test('a new package, a dropped one, a new function and a removed function each fail, with the diff and how to accept it', () => {
    const r = compareBundles({ token: ['a', 'c'], users: ['a'] }, { token: ['a', 'b'], gone: [] });
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toContain('token: + c, - b');
    expect(r.failures[0]).toContain('users: a new function, no reviewed list (packages: a)');
    expect(r.failures[0]).toContain('gone: listed in infra/deps/bundles.json but no longer a function');
    expect(r.failures[0]).toContain(ACCEPT_COMMAND);
    expect(compareBundles({ token: ['a'] }, { token: ['a'] }).failures).toEqual([]);
  });
});
