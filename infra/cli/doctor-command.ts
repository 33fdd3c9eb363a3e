/**
 * `npm run --silent admin -- doctor [--serverless FILE] [--stage S --region R [--issuer URL]] [--json]`
 * Checks serverless.yml (FILE, default the repository's) and the live state of the local stack or a deployed
 * stage, and lists every problem with its fix (infra/cli/troubleshoot/doctor/doctor.ts).
 * Exit codes: 0 no error (warnings allowed), 1 at least one error, 2 usage, 3 could not run.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load } from 'js-yaml';
import { runDoctor } from './troubleshoot/doctor/doctor';
import type { DeclaredSource } from './troubleshoot/doctor/declared';
import { doctorLines } from './troubleshoot/doctor/format-doctor';
import type { DoctorReport } from './troubleshoot/types';
import { lambdaNodeMajor } from '../node-runtime';
import { readServerlessSettings, REPO_ROOT } from '../serverless-config';
import { safeJson } from './troubleshoot/safe-text';
import { CliError, resolveTarget, type CliTarget } from './context';

export const DOCTOR_USAGE = 'doctor [--serverless FILE]   (exit 1 when an error is found)';

export interface DoctorArgs {
  serverlessFile?: string;
  extra?: string[];
  json?: boolean;
  stage?: string;
  region?: string;
  issuer?: string;
  /** `--param name=value` the stage was deployed with. */
  params?: Record<string, string>;
}

export interface DoctorIo {
  out(line: string): void;
  err(line: string): void;
}

function lambdaMajorOf(file: string): DeclaredSource['runtime'] {
  try {
    return { node: process.version, lambdaMajor: lambdaNodeMajor(file) };
  } catch {
    return undefined; // no nodejsNN.x runtime declared: nothing to compare
  }
}

/** serverless.yml as doctor checks it: the settings the functions get, plus the audit retention. */
export function readDeclared(file: string, stage: string, params: Record<string, string> = {}): DeclaredSource {
  const settings = readServerlessSettings(file, stage, params);
  const doc = load(readFileSync(file, 'utf8')) as { custom?: { portcullis?: { audit?: { retentionDays?: unknown } } } };
  const days = Number(doc.custom?.portcullis?.audit?.retentionDays);
  return {
    settings,
    file,
    auditRetentionDays: Number.isInteger(days) && days > 0 ? days : undefined,
    functionNames: settings.functionNames,
    stageIssuer: settings.stageSettings(stage).issuer || undefined,
    runtime: lambdaMajorOf(file),
  };
}

function print(report: DoctorReport, args: DoctorArgs, io: DoctorIo): number {
  if (args.json) io.out(safeJson(report));
  else for (const line of doctorLines(report)) io.out(line);
  return report.errors > 0 ? 1 : 0;
}

export async function runDoctorCommand(args: DoctorArgs, io: DoctorIo): Promise<number> {
  if ((args.extra ?? []).length > 0) {
    io.err(`usage: npm run --silent admin -- ${DOCTOR_USAGE}`);
    return 2;
  }
  const file = resolve(args.serverlessFile ?? `${REPO_ROOT}/serverless.yml`);
  let target: CliTarget | undefined;
  try {
    try {
      target = await resolveTarget({ stage: args.stage, region: args.region, issuer: args.issuer, params: args.params });
    } catch (err) {
      // The configuration the functions would run with does not load: that is the first finding.
      if ((err as Error).name !== 'ConfigError') throw err;
      const report: DoctorReport = {
        target: { stage: args.stage ?? 'local', local: !args.stage || args.stage === 'local', region: args.region ?? '' },
        findings: [{ id: 'config.invalid', severity: 'error', message: (err as Error).message, fix: `correct ${file} (the plugin refuses it at package time too)` }],
        errors: 1,
        warnings: 0,
      };
      return print(report, args, io);
    }
    let declared: DeclaredSource;
    try {
      declared = readDeclared(file, target.config.stage, args.params);
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
    }
    const report = await runDoctor({ config: target.config, table: target.table, local: target.local, declared });
    return print(report, args, io);
  } catch (err) {
    io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    return 3;
  } finally {
    target?.close();
  }
}
