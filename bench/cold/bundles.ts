/**
 * The deployable artifacts of the authorizer and token functions:
 *  - full run: `serverless package --stage prod` (serverless-esbuild, the settings of serverless.yml), unzipped;
 *  - quick run: esbuild called directly with the same settings (custom.esbuild of serverless.yml): seconds, no zips.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import { load } from 'js-yaml';
import { REPO_ROOT } from '../../infra/serverless-config';
import { packageOf } from '../report/profile-summary';
import { unzipTo } from './unzip';

export type FunctionName = 'authorizer' | 'token';

export interface Bundle {
  /** Absolute path of the bundled handler file. */
  entry: string;
  /** Size of the handler file (minified JavaScript). */
  jsBytes: number;
  /** Size of the deployment zip (quick run: the deflated handler file, an estimate). */
  zipBytes: number;
}

export interface Bundles {
  source: 'serverless package' | 'esbuild (quick)';
  buildMs: number;
  bundles: Record<FunctionName, Bundle>;
  /** Zip sizes of every function of the package (full run). */
  allZipBytes: Record<string, number>;
  /** What the minified handler files are made of (an esbuild metafile build with the same settings). */
  composition: Record<FunctionName, Composition>;
}

const HANDLER_FILES: Record<FunctionName, string> = { authorizer: 'functions/authorizer', token: 'functions/token' };

function run(cmd: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited with ${code}:\n${out.slice(-3000)}`))));
  });
}

async function viaServerlessPackage(workDir: string): Promise<Bundles> {
  const started = Date.now();
  const out = join(workDir, 'package');
  const esbuildDir = `.esbuild-offline/bench-${process.pid}`;
  try {
    await run(process.execPath, [join(REPO_ROOT, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', 'prod', '--package', out], {
      PORTCULLIS_ESBUILD_DIR: esbuildDir,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
    });
  } finally {
    rmSync(join(REPO_ROOT, esbuildDir), { recursive: true, force: true });
  }
  const buildMs = Date.now() - started;
  const allZipBytes: Record<string, number> = {};
  for (const f of readdirSync(out)) if (f.endsWith('.zip')) allZipBytes[f.slice(0, -4)] = statSync(join(out, f)).size;
  const bundles = {} as Record<FunctionName, Bundle>;
  for (const fn of Object.keys(HANDLER_FILES) as FunctionName[]) {
    const dir = join(workDir, fn);
    unzipTo(join(out, `${fn}.zip`), dir);
    const entry = join(dir, `${HANDLER_FILES[fn]}.js`);
    bundles[fn] = { entry, jsBytes: statSync(entry).size, zipBytes: allZipBytes[fn] };
  }
  const composition = {} as Record<FunctionName, Composition>;
  for (const fn of Object.keys(HANDLER_FILES) as FunctionName[]) composition[fn] = await esbuildFunction(fn, join(workDir, 'metafile', `${fn}.js`));
  return { source: 'serverless package', buildMs, bundles, allZipBytes, composition };
}

interface EsbuildSettings {
  minify?: boolean;
  sourcemap?: boolean;
  target?: string;
  platform?: 'node';
  format?: 'cjs' | 'esm';
  mainFields?: string[];
  exclude?: string[];
  /** Native modules left out of the bundle (npm installs them into the zip; serverless-esbuild passes them to esbuild). */
  external?: string[];
}

/** Bytes of the bundle per package (or directory of this repository), largest first. */
export type Composition = [string, number][];

/** Bundles one function with the esbuild settings of serverless.yml (custom.esbuild); `minify: false` for profiling. */
export async function esbuildFunction(fn: FunctionName, outfile: string, overrides: { minify?: boolean } = {}): Promise<Composition> {
  const doc = load(readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8')) as { custom: { esbuild: EsbuildSettings } };
  const s = doc.custom.esbuild;
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [`${HANDLER_FILES[fn]}.ts`],
    outfile,
    bundle: true,
    minify: overrides.minify ?? s.minify ?? true,
    sourcemap: s.sourcemap ?? false,
    target: s.target ?? 'node22',
    platform: s.platform ?? 'node',
    format: s.format ?? 'cjs',
    mainFields: s.mainFields,
    external: [...(s.exclude ?? []), ...(s.external ?? [])],
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const owner = input.includes('node_modules/') ? packageOf(input) : input.split('/').slice(0, 2).join('/');
      bytes.set(owner, (bytes.get(owner) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes.entries()].sort((a, b) => b[1] - a[1]);
}

async function viaEsbuild(workDir: string): Promise<Bundles> {
  const started = Date.now();
  const bundles = {} as Record<FunctionName, Bundle>;
  const composition = {} as Record<FunctionName, Composition>;
  for (const fn of Object.keys(HANDLER_FILES) as FunctionName[]) {
    const entry = join(workDir, fn, `${HANDLER_FILES[fn]}.js`);
    composition[fn] = await esbuildFunction(fn, entry);
    bundles[fn] = { entry, jsBytes: statSync(entry).size, zipBytes: deflateRawSync(readFileSync(entry)).length };
  }
  return { source: 'esbuild (quick)', buildMs: Date.now() - started, bundles, allZipBytes: {}, composition };
}

export function buildBundles(how: 'package' | 'esbuild', workDir: string): Promise<Bundles> {
  return how === 'package' ? viaServerlessPackage(workDir) : viaEsbuild(workDir);
}
