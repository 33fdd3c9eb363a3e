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

/** `input`: what the command reads on stdin (a password for --password-stdin); stdin is closed after it. */
export function cli(script: 'admin' | 'audit', args: string[], stateDir: string, env: Record<string, string> = {}, input?: string): Promise<CliResult> {
  const argv = [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, `infra/cli/${script}.ts`), ...args];
  const opts = { env: { ...process.env, PORTCULLIS_LOCAL_DIR: stateDir, ...env }, maxBuffer: 10 * 1024 * 1024 };
  if (input === undefined) {
    return run(process.execPath, argv, opts).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  }
  return new Promise((resolve) => {
    const child = execFile(process.execPath, argv, opts, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
    child.stdin?.end(input);
  });
}

/** The last stdout line as JSON (the --json contract). */
export const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);
