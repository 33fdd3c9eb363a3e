/**
 * What `doctor` reads from serverless.yml (lib/config/declared-settings.ts; the CLI passes
 * readServerlessSettings(file, stage) straight in).
 */
import type { DeclaredRoute, DeclaredSettings } from '../../../../lib/config/declared-settings';

export type { DeclaredSettings };
export type DeclaredApiRoute = DeclaredRoute;

export interface DeclaredSource {
  settings: DeclaredSettings;
  /** The file it was read from, for messages. */
  file: string;
  /** custom.portcullis.audit.retentionDays, when set. */
  auditRetentionDays?: number;
  /** The stage's deployed Lambda function names (`<service>-<stage>-<function>`): their LoggingConfig is checked. */
  functionNames?: string[];
  /** custom.stages.<stage>.issuer, when set. */
  stageIssuer?: string;
  /** The Node this CLI runs on and the Lambda runtime's major (provider.runtime), when known. */
  runtime?: { node: string; lambdaMajor: number };
}
