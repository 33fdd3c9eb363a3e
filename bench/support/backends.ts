/** Starts bench/support/backend-process.ts (dynalite + CloudWatch Logs fake) in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

export interface Backends {
  dynamoEndpoint: string;
  cwlEndpoint: string;
  /** DynamoDB requests received since the last reset, by X-Amz-Target. */
  counts(): Promise<Record<string, number>>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** `node --import tsx` for a TypeScript entry point, independent of the working directory. */
export const tsxArgs = (): string[] => ['--import', pathToFileURL(require.resolve('tsx')).href];

export async function startBackends(logGroups: string[]): Promise<Backends> {
  const child: ChildProcess = spawn(process.execPath, [...tsxArgs(), join(__dirname, 'backend-process.ts')], {
    env: { ...process.env, BENCH_LOG_GROUPS: logGroups.join(',') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(line));
    child.once('exit', (code) => reject(new Error(`benchmark backends exited (${code}): ${stderr.slice(-2000)}`)));
  });
  const { dynamo, cwl, control } = JSON.parse(first) as { dynamo: string; cwl: string; control: string };
  const call = async (method: string, path: string) => (await (await fetch(`${control}${path}`, { method })).json()) as Record<string, number>;
  return {
    dynamoEndpoint: dynamo,
    cwlEndpoint: cwl,
    counts: () => call('GET', '/counts'),
    reset: async () => {
      await call('POST', '/reset');
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
