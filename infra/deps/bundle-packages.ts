/**
 * What each Lambda bundle is made of: every function of serverless.yml is bundled with esbuild and the settings
 * `serverless package` uses (custom.esbuild, as serverless-esbuild passes them), with a metafile and no output
 * written; the packages whose code ends up in the bundle are compared with the reviewed list in
 * infra/deps/bundles.json. A new package in a bundle (a new transitive dependency, or an import that pulls one
 * in) fails the check until someone reviews it and accepts the new list.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { load } from 'js-yaml';
import type { CheckResult } from './check-result';

export const EXPECTED_BUNDLES_FILE = 'infra/deps/bundles.json';
export const ACCEPT_COMMAND = 'npm run --silent deps:check -- --accept-bundles';

interface EsbuildSettings {
  minify?: boolean;
  sourcemap?: boolean;
  target?: string;
  platform?: 'node';
  format?: 'cjs' | 'esm';
  mainFields?: string[];
  exclude?: string[];
  external?: string[];
}

interface ServerlessDoc {
  functions?: Record<string, { handler?: string } | null>;
  custom?: { esbuild?: EsbuildSettings };
}

/** `node_modules/@scope/name/…` → `@scope/name`; the last node_modules wins (nested copies). */
export function packageOfPath(path: string): string | undefined {
  const at = path.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const parts = path.slice(at + 'node_modules/'.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** The handler file of `functions/token.handler`: functions/token.ts (or .js). */
function entryOf(root: string, handler: string): string {
  const base = handler.slice(0, handler.lastIndexOf('.'));
  for (const ext of ['.ts', '.js', '.mjs', '.cjs']) if (existsSync(join(root, base + ext))) return base + ext;
  throw new Error(`no source file for handler ${handler}`);
}

/** Packages per function (sorted names), from esbuild metafiles. Functions with the same handler file share a build. */
export async function bundlePackages(root: string): Promise<Record<string, string[]>> {
  const doc = load(readFileSync(join(root, 'serverless.yml'), 'utf8')) as ServerlessDoc;
  const s = doc.custom?.esbuild ?? {};
  const byEntry = new Map<string, Promise<string[]>>();
  const packagesOf = async (entry: string) => {
    const result = await build({
      absWorkingDir: root,
      entryPoints: [entry],
      outfile: join(root, '.esbuild-offline', 'deps-check', entry.replace(/\.[^.]+$/, '.js')),
      write: false,
      bundle: true,
      minify: s.minify ?? true,
      sourcemap: s.sourcemap ?? false,
      target: s.target ?? 'node22',
      platform: s.platform ?? 'node',
      format: s.format ?? 'cjs',
      mainFields: s.mainFields,
      external: [...(s.exclude ?? []), ...(s.external ?? [])],
      metafile: true,
      logLevel: 'silent',
    });
    const names = new Set<string>();
    for (const output of Object.values(result.metafile.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const name = packageOfPath(input);
        if (name && bytesInOutput > 0) names.add(name);
      }
    }
    return [...names].sort();
  };
  const out: Record<string, string[]> = {};
  for (const [fn, def] of Object.entries(doc.functions ?? {})) {
    if (!def?.handler) continue;
    const entry = entryOf(root, def.handler);
    if (!byEntry.has(entry)) byEntry.set(entry, packagesOf(entry));
    out[fn] = await byEntry.get(entry)!;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

export function readExpectedBundles(root: string): Record<string, string[]> {
  const file = join(root, EXPECTED_BUNDLES_FILE);
  if (!existsSync(file)) return {};
  return (JSON.parse(readFileSync(file, 'utf8')) as { functions?: Record<string, string[]> }).functions ?? {};
}

export function writeExpectedBundles(root: string, bundles: Record<string, string[]>): void {
  const doc = {
    description: `Packages each Lambda bundle contains (esbuild metafile, settings of serverless.yml custom.esbuild). Checked by infra/deps/bundle-packages.ts; after reviewing a change, accept it with: ${ACCEPT_COMMAND}`,
    functions: bundles,
  };
  writeFileSync(join(root, EXPECTED_BUNDLES_FILE), `${JSON.stringify(doc, null, 2)}\n`);
}

/** The differences, function by function, with what to do about them. */
export function compareBundles(actual: Record<string, string[]>, expected: Record<string, string[]>): CheckResult {
  const changes: string[] = [];
  for (const fn of Object.keys(actual)) {
    if (!expected[fn]) {
      changes.push(`${fn}: a new function, no reviewed list (packages: ${actual[fn].join(', ') || 'none'})`);
      continue;
    }
    const added = actual[fn].filter((p) => !expected[fn].includes(p));
    const removed = expected[fn].filter((p) => !actual[fn].includes(p));
    if (added.length || removed.length) changes.push(`${fn}: ${[...added.map((p) => `+ ${p}`), ...removed.map((p) => `- ${p}`)].join(', ')}`);
  }
  for (const fn of Object.keys(expected)) if (!actual[fn]) changes.push(`${fn}: listed in ${EXPECTED_BUNDLES_FILE} but no longer a function`);
  const failures =
    changes.length === 0
      ? []
      : [
          `the Lambda bundles changed (${EXPECTED_BUNDLES_FILE}):\n    ${changes.join('\n    ')}\n  Review each new package (what pulls it in: npm explain <package>; its licence, maintainers and install scripts), then accept the new lists with:\n    ${ACCEPT_COMMAND}`,
        ];
  const packages = new Set(Object.values(actual).flat());
  return { name: 'bundles', failures, notes: [], summary: `${Object.keys(actual).length} functions, ${packages.size} distinct packages, as reviewed` };
}
