/** Runs the repo's CLIs the way a user does (tsx), against a given local state directory. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(script: 'admin' | 'audit', args: string[], stateDir: string, env: Record<string, string> = {}): Promise<CliResult> {
  return run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, `infra/cli/${script}.ts`), ...args], {
    env: { ...process.env, PORTCULLIS_LOCAL_DIR: stateDir, ...env },
    maxBuffer: 10 * 1024 * 1024,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

/** The last stdout line as JSON (the --json contract). */
export const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);
