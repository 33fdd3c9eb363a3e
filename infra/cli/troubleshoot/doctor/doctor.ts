/**
 * `doctor`: checks the configuration (serverless.yml) and the live state of a stage, and lists every problem
 * with its fix. Each group of checks is independent: one that cannot run is reported, the others still run.
 * Reads only (the key store, clients, revocation records, TTL status, audit log group, the functions' logging
 * configuration); the one thing it
 * signs is a probe token with an audience no API accepts, which never leaves the process.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Fetcher } from 'aws-jwt-verify/https';
import type { Clock } from '../../../../lib/core/clock';
import { epochSeconds, systemClock } from '../../../../lib/core/clock';
import type { Config } from '../../../../lib/config/types';
import { createRevocationStore } from '../../../../lib/composition/revocation';
import type { DocTable } from '../../../../lib/stores/dynamo/doc-table';
import { DynamoClientStore } from '../../../../lib/stores/dynamo/client-store';
import { DynamoKeyStore } from '../../../../lib/stores/dynamo/key-store';
import { UNKNOWN_ISSUER } from '../unknown-issuer';
import { loadKeyView } from '../key-view';
import type { DoctorReport, Finding } from '../types';
import { clientChecks } from './client-checks';
import { configChecks } from './config-checks';
import type { DeclaredSource } from './declared';
import { guarded } from './finding';
import { ttlCheck } from './infra-checks';
import { auditChecks } from './audit-checks';
import { issuerChecks, type HttpGet } from './issuer-checks';
import { keyChecks } from './key-checks';
import { routeChecks } from './route-checks';
import { roleChecks } from './role-checks';
import { passwordGrantChecks } from './password-grant-checks';
import { withOidcScopes } from '../../../../lib/config/oidc-scopes';
import type { ClientRecord } from '../../../../lib/models/client';

export interface DoctorDeps {
  config: Config;
  table: DocTable;
  /** The local stack (true) or a deployed stage. */
  local: boolean;
  declared: DeclaredSource;
  clock?: Clock;
  /** JWKS fetcher (default: the authorizer's). */
  fetcher?: Fetcher;
  /** Metadata GET (default: fetch with a timeout). */
  httpGet?: HttpGet;
  cloudWatch?: CloudWatchLogsClient;
  /** Reads each function's LoggingConfig (deployed). */
  lambda?: LambdaClient;
  kms?: KMSClient;
  /** Default: config.issuer is not the placeholder context.ts uses for a deployed stage without --issuer. */
  issuerKnown?: boolean;
}

const ORDER = { error: 0, warning: 1, info: 2, ok: 3 } as const;

export async function runDoctor(deps: DoctorDeps): Promise<DoctorReport> {
  const { config, table, local, declared } = deps;
  const clock = deps.clock ?? systemClock;
  const issuerKnown = deps.issuerKnown ?? config.issuer !== UNKNOWN_ISSUER;
  const revocations = createRevocationStore(config, { table, clock });

  let clients: ClientRecord[] | undefined;
  const clientsRead = await guarded('clients', 'the clients', async () => {
    clients = await new DynamoClientStore(table).list();
    return [];
  });
  const keys = await loadKeyView(config, { keyStore: new DynamoKeyStore(table), clock, fetcher: deps.fetcher, fetch: issuerKnown });
  const declaredCatalogue = withOidcScopes(declared.settings.scopes ?? {});
  const scopesDiffer = JSON.stringify(Object.keys(declaredCatalogue).sort()) !== JSON.stringify(Object.keys(config.scopes).sort());

  const groups = await Promise.all([
    guarded('routes', 'the route table', () => routeChecks(declared, clients)),
    guarded('config', 'the configuration', () => configChecks(config, declared, local)),
    guarded('roles', 'the roles', () => roleChecks(declared)),
    guarded('password-grant', 'the password grant', () => passwordGrantChecks(config, clients)),
    clients
      ? guarded('clients', 'the clients', () =>
          clientChecks({ config, clients: clients!, revocations, nowSeconds: epochSeconds(clock), declaredScopes: scopesDiffer ? declaredCatalogue : undefined }),
        )
      : Promise.resolve(clientsRead),
    guarded('keys', 'the signing keys', () => keyChecks({ config, keys, clock, kms: deps.kms })),
    guarded('issuer', 'the issuer', () => issuerChecks(config, { local, issuerKnown, stageIssuer: declared.stageIssuer, httpGet: deps.httpGet })),
    guarded('table', 'the table TTL', () => ttlCheck(config, table, local)),
    guarded('audit', 'the audit trail', () =>
      auditChecks(config, { local, declaredRetentionDays: declared.auditRetentionDays, functionNames: declared.functionNames, cloudWatch: deps.cloudWatch, lambda: deps.lambda }),
    ),
  ]);
  const findings: Finding[] = groups.flat().sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  return {
    target: { stage: config.stage, local, region: config.region },
    findings,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  };
}
