/**
 * Reads the portcullis settings from serverless.yml for the local stack and the CLIs,
 * so the scope catalogue and the route table are declared once. Mirrors what
 * infra/serverless-plugin-portcullis.js puts into the functions' environment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { DeclaredRoute, DeclaredSettings } from '../lib/config/declared-settings';

export const REPO_ROOT = join(__dirname, '..');

export type { DeclaredRoute } from '../lib/config/declared-settings';

export interface ServerlessSettings extends DeclaredSettings {
  service: string;
  stageSettings(stage: string): { signer: string; auditSink: string; demo: boolean; issuer?: string };
}

type Doc = {
  service: string;
  functions: Record<string, { events?: Array<Record<string, unknown>> }>;
  custom: {
    portcullis: Record<string, unknown> & {
      scopes?: Record<string, string>;
      routes?: Record<string, unknown>;
      demoRoutes?: Record<string, unknown>;
      revocation?: { mode: string; refreshMs: number; maxStalenessMs: number };
    };
    stages: Record<string, Record<string, unknown>>;
  };
};

/** A `${...}` variable keeps its fallback: `${param:audience, 'x'}` → x. */
function literal(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^\$\{.*,\s*'([^']*)'\s*\}$/.exec(value);
  return m ? m[1] : value;
}

export function readServerlessSettings(file = join(REPO_ROOT, 'serverless.yml'), stage = 'local'): ServerlessSettings {
  const doc = load(readFileSync(file, 'utf8')) as Doc;
  const pc = doc.custom.portcullis;
  const stageSettings = (s: string) => {
    const merged = { ...(doc.custom.stages.default ?? {}), ...(doc.custom.stages[s] ?? {}) };
    return {
      signer: String(merged.signer ?? 'kms'),
      auditSink: String(merged.auditSink ?? 'cloudwatch'),
      demo: Boolean(merged.demo),
      issuer: merged.issuer === undefined ? undefined : String(merged.issuer),
    };
  };
  const apiRoutes: DeclaredRoute[] = [];
  for (const [name, fn] of Object.entries(doc.functions ?? {})) {
    if (name === 'demo' && !stageSettings(stage).demo) continue;
    for (const ev of fn.events ?? []) {
      const http = ev.http as { path: string; method: string; authorizer?: unknown } | undefined;
      const httpApi = ev.httpApi as { path: string; method: string; authorizer?: { name?: string } } | undefined;
      const e = http ?? httpApi;
      if (!e) continue;
      const authorizer = http
        ? typeof http.authorizer === 'string'
          ? http.authorizer.startsWith('${') ? 'authorizer' : http.authorizer
          : http.authorizer ? 'authorizer' : undefined
        : httpApi?.authorizer?.name;
      apiRoutes.push({
        function: name,
        api: http ? 'rest' : 'http',
        method: e.method.toUpperCase(),
        path: `/${e.path.replace(/^\/+/, '')}`,
        authorizer,
      });
    }
  }
  return {
    apiRoutes,
    service: doc.service,
    scopes: pc.scopes ?? {},
    routes: { ...(pc.routes ?? {}), ...(stageSettings(stage).demo ? pc.demoRoutes ?? {} : {}) },
    audience: String(literal(pc.audience)),
    signingAlg: String(pc.signingAlg),
    tokenLifetimeSeconds: Number(pc.tokenLifetimeSeconds),
    maxTokenLifetimeSeconds: Number(pc.maxTokenLifetimeSeconds),
    clockSkewSeconds: Number(pc.clockSkewSeconds),
    authorizerCacheSeconds: Number(pc.authorizerCacheSeconds),
    revocation: pc.revocation ?? { mode: 'snapshot', refreshMs: 1000, maxStalenessMs: 5000 },
    stageSettings,
  };
}

/** The PORTCULLIS_* environment a function of `stage` gets, as serverless.yml + the plugin produce it. */
export function functionEnvironment(settings: ServerlessSettings, stage: string, extra: Record<string, string> = {}): Record<string, string> {
  const s = settings.stageSettings(stage);
  return {
    PORTCULLIS_STAGE: stage,
    PORTCULLIS_SERVICE: settings.service,
    PORTCULLIS_TABLE: `${settings.service}-${stage}`,
    PORTCULLIS_AUDIENCE: settings.audience,
    PORTCULLIS_TOKEN_LIFETIME_SECONDS: String(settings.tokenLifetimeSeconds),
    PORTCULLIS_MAX_TOKEN_LIFETIME_SECONDS: String(settings.maxTokenLifetimeSeconds),
    PORTCULLIS_CLOCK_SKEW_SECONDS: String(settings.clockSkewSeconds),
    PORTCULLIS_SIGNING_ALG: settings.signingAlg,
    PORTCULLIS_SIGNER: s.signer,
    PORTCULLIS_KMS_KEY_ID: `alias/${settings.service}-${stage}-signing`,
    PORTCULLIS_AUDIT_SINK: s.auditSink,
    PORTCULLIS_AUDIT_LOG_GROUP: `/${settings.service}/${stage}/audit`,
    PORTCULLIS_REVOCATION_MODE: settings.revocation.mode,
    PORTCULLIS_REVOCATION_REFRESH_MS: String(settings.revocation.refreshMs),
    PORTCULLIS_REVOCATION_MAX_STALENESS_MS: String(settings.revocation.maxStalenessMs),
    PORTCULLIS_AUTHORIZER_CACHE_SECONDS: String(settings.authorizerCacheSeconds || 0),
    PORTCULLIS_SCOPES: JSON.stringify(settings.scopes),
    PORTCULLIS_ROUTES: JSON.stringify(settings.routes),
    ...(s.issuer ? { PORTCULLIS_ISSUER: s.issuer } : {}),
    ...extra,
  };
}
