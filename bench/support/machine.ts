/** The machine, its load, and the versions a run used (read from the installed packages, not package.json ranges). */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release, platform, arch } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../infra/serverless-config';

export interface MachineInfo {
  cpus: number;
  model: string;
  arch: string;
  os: string;
  memoryGb: number;
}

export const PACKAGES = [
  'aws-jwt-verify',
  'jose',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/client-cloudwatch-logs',
  '@aws-sdk/client-kms',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  'dynalite',
  'autocannon',
  'esbuild',
  'serverless-esbuild',
  'serverless-offline',
  'osls',
  'tsx',
] as const;

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpus: list.length,
    model: list[0]?.model.trim() ?? 'unknown',
    arch: arch(),
    os: `${platform()} ${release()}`,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  };
}

/** 1, 5 and 15 minute load averages, rounded. */
export const loadAverage = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

function installedVersion(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export function versions(): Record<string, string> {
  const own = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  return { node: process.version, portcullis: own.version, ...Object.fromEntries(PACKAGES.map((p) => [p, installedVersion(p)])) };
}
