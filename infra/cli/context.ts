/**
 * Where a CLI command acts: the running local stack (default) or a deployed stage (--stage S --region R,
 * default AWS credential chain).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { loadConfig } from '../../lib/config/load-config';
import { UNKNOWN_ISSUER } from './troubleshoot/unknown-issuer';
import type { Config } from '../../lib/config/types';
import { systemClock } from '../../lib/core/clock';
import { createContainer, type Container } from '../../lib/composition/container';
import { createDocTable } from '../../lib/composition/table';
import type { DocTable } from '../../lib/stores/dynamo/doc-table';
import { CliCloudWatchAuditSink } from './audit/cloudwatch-writer';
import { createCloudWatchLogsClient } from './cloudwatch-logs';

const CLI_STORE_TIMEOUT_MS = 5_000;
import { PortcullisConfigError } from '../portcullis-environment';
import { functionEnvironment } from '../serverless-config';
import { UnresolvableVariableError } from '../serverless-variables';
import { stackFilePath, type StackFile } from '../local/stack';
import { LOCAL_STATE_DIR } from '../local/state';
import { ConfigError } from '../../lib/config/env-values';

export { LOCAL_STATE_DIR };

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}


export interface CliTarget {
  config: Config;
  table: DocTable;
  /** The services the functions share, over this target's table (lib/composition/container.ts). */
  container: Container;
  local: boolean;
  actor: string;
  close(): void;
}

export interface TargetOptions {
  stage?: string;
  region?: string;
  issuer?: string;
  /** `--param name=value` as given to `serverless deploy` (a deployed stage). */
  params?: Record<string, string>;
  /** serverless.yml of a deployed stage (default the repository's). */
  serverlessFile?: string;
}

/**
 * The configuration of a deployed stage as its functions run with it: serverless.yml's environment for the token
 * function (provider.environment with its tunables, the plugin's additions, the function's own), resolved like
 * `serverless deploy --stage S --region R [--param …]` resolves it. A variable only the deploying machine knows
 * (ssm:, cf:, file() …) is refused rather than guessed.
 */
export function deployedStageConfig(opts: TargetOptions & { stage: string; region: string }): Config {
  let env: Record<string, string>;
  try {
    env = functionEnvironment(opts.stage, { file: opts.serverlessFile, params: opts.params, region: opts.region });
  } catch (err) {
    if (err instanceof UnresolvableVariableError) throw new CliError(`serverless.yml: ${err.message}`);
    if (err instanceof PortcullisConfigError) throw new ConfigError(err.message);
    throw err;
  }
  return loadConfig({
    ...env,
    AWS_REGION: opts.region,
    PORTCULLIS_ISSUER: opts.issuer || env.PORTCULLIS_ISSUER || UNKNOWN_ISSUER,
    PORTCULLIS_KEY_DIR: join(LOCAL_STATE_DIR, 'keys'),
  });
}

export async function resolveTarget(opts: TargetOptions): Promise<CliTarget> {
  let config: Config;
  let local = false;
  if (opts.stage && opts.stage !== 'local') {
    const region = opts.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
    if (!region) throw new CliError('--region is required with --stage (or set AWS_REGION)');
    config = deployedStageConfig({ ...opts, stage: opts.stage, region });
  } else {
    const file = stackFilePath(LOCAL_STATE_DIR);
    if (!existsSync(file)) throw new CliError('the local stack is not running: start it with `npm start` (or target a deployed stage with --stage S --region R)');
    const stack = JSON.parse(readFileSync(file, 'utf8')) as StackFile;
    config = loadConfig(stack.env);
    local = true;
  }
  // An operator's command may wait longer on DynamoDB than a function does.
  const table = createDocTable(config, systemClock, CLI_STORE_TIMEOUT_MS);
  if (local) {
    try {
      await fetch(config.dynamoEndpoint!, { signal: AbortSignal.timeout(2000) });
    } catch {
      table.client.destroy();
      throw new CliError('the local stack is not running (its DynamoDB does not answer): start it with `npm start`');
    }
  }
  let actor = 'admin-cli';
  try {
    actor = `admin-cli:${userInfo().username}`;
  } catch {
    // no user name on this machine
  }
  // Locally the admin CLI appends its events to the stack's audit file (config.audit.sink `file`, from stack.json);
  // for a deployed stage it writes them to the stage's audit log group itself (it is not a Lambda function).
  const cloudWatch = local ? undefined : createCloudWatchLogsClient({ region: config.region, endpoint: config.audit.endpoint, timeoutMs: 10_000 });
  const auditSink = cloudWatch
    ? new CliCloudWatchAuditSink({ client: cloudWatch, logGroup: config.audit.logGroup, stage: config.stage, functionName: 'admin-cli', clock: systemClock })
    : undefined;
  const container = createContainer(config, { table, audit: { functionName: 'admin-cli' }, auditSink, metrics: false });
  const close = () => {
    table.client.destroy();
    cloudWatch?.destroy();
  };
  return { config, table, container, local, actor, close };
}
