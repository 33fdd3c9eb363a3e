/**
 * Reads serverless.yml for the local stack and the CLIs, so they run with the configuration the deployed
 * functions get: the same variables resolved (infra/serverless-variables.ts), the same additions as
 * infra/serverless-plugin-portcullis.js (infra/portcullis-environment.js, one module for both), then the
 * function's own environment, as `serverless package` merges them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { DeclaredRoute, DeclaredSettings } from '../lib/config/declared-settings';
import { DEMO_FUNCTIONS, localOverrides, portcullisEnvironment } from './portcullis-environment';
import { ServerlessVariables } from './serverless-variables';

export const REPO_ROOT = join(__dirname, '..');
export const SERVERLESS_FILE = join(REPO_ROOT, 'serverless.yml');

export type { DeclaredRoute } from '../lib/config/declared-settings';

export interface ServerlessSettings extends DeclaredSettings {
  service: string;
  stageSettings(stage: string): { signer: string; demo: boolean; issuer?: string };
  /** The Lambda function names this stage deploys (`<service>-<stage>-<function>`, or the function's own `name`). */
  functionNames: string[];
}

type Doc = {
  service: string;
  functions: Record<string, { name?: unknown; events?: Array<Record<string, unknown>> }>;
};

type Portcullis = Record<string, unknown> & {
  scopes?: Record<string, string>;
  routes?: Record<string, unknown>;
  demoRoutes?: Record<string, unknown>;
  revocation?: { mode: string; refreshMs: number; maxStalenessMs: number };
};

export interface EnvironmentOptions {
  /** serverless.yml (default the repository's). */
  file?: string;
  /** `--param name=value`, as given to `serverless deploy` (issuer, audience, demo …). */
  params?: Record<string, string>;
  /** `opt:region`. */
  region?: string;
  /** What `${env:…}` reads (default process.env: the shell that would deploy). */
  env?: Record<string, string | undefined>;
  /** Whose environment: provider.environment plus this function's own (default `token`, the one that signs and caches clients). */
  function?: string;
}

const readDoc = (file: string) => load(readFileSync(file, 'utf8')) as Record<string, unknown>;

export function readServerlessSettings(file = SERVERLESS_FILE, stage = 'local', params: Record<string, string> = {}): ServerlessSettings {
  const raw = readDoc(file);
  const doc = raw as Doc;
  const vars = new ServerlessVariables(raw, { stage, params, env: process.env });
  const pc = (vars.get('custom.portcullis') ?? {}) as Portcullis;
  const stages = (vars.get('custom.stages') ?? {}) as Record<string, Record<string, unknown>>;
  const stageSettings = (s: string) => {
    const merged = { ...(stages.default ?? {}), ...(stages[s] ?? {}) };
    return {
      signer: String(merged.signer ?? 'kms'),
      demo: Boolean(merged.demo),
      issuer: merged.issuer === undefined ? undefined : String(merged.issuer),
    };
  };
  const apiRoutes: DeclaredRoute[] = [];
  for (const [name, fn] of Object.entries(doc.functions ?? {})) {
    if (DEMO_FUNCTIONS.includes(name) && !stageSettings(stage).demo) continue;
    for (const [i, ev] of (fn.events ?? []).entries()) {
      const http = ev.http as { path: string; method: string; authorizer?: unknown } | undefined;
      const httpApi = ev.httpApi as { path: string; method: string; authorizer?: { name?: string } } | undefined;
      const e = http ?? httpApi;
      if (!e) continue;
      const authorizer = http
        ? typeof http.authorizer === 'string'
          ? http.authorizer.startsWith('${') ? 'authorizer' : http.authorizer
          : http.authorizer ? 'authorizer' : undefined
        : httpApi?.authorizer?.name;
      const authorizerAudience = authorizer ? authorizerAudienceOf(vars, http ? `functions.${name}.events.${i}.http.authorizer` : undefined, authorizer) : undefined;
      apiRoutes.push({
        function: name,
        api: http ? 'rest' : 'http',
        method: e.method.toUpperCase(),
        path: `/${e.path.replace(/^\/+/, '')}`,
        authorizer,
        ...(authorizerAudience ? { authorizerAudience } : {}),
      });
    }
  }
  const functionNames = Object.entries(doc.functions ?? {})
    .filter(([name]) => !DEMO_FUNCTIONS.includes(name) || stageSettings(stage).demo)
    .map(([name, fn]) => (typeof fn.name === 'string' && !fn.name.includes('${') ? fn.name : `${doc.service}-${stage}-${name}`));
  return {
    apiRoutes,
    functionNames,
    service: doc.service,
    scopes: pc.scopes ?? {},
    roles: (pc.roles as Record<string, unknown> | undefined) ?? {},
    routes: { ...(pc.routes ?? {}), ...(stageSettings(stage).demo ? pc.demoRoutes ?? {} : {}) },
    audience: String(pc.audience),
    signingAlg: String(pc.signingAlg),
    tokenLifetimeSeconds: Number(pc.tokenLifetimeSeconds),
    maxTokenLifetimeSeconds: Number(pc.maxTokenLifetimeSeconds),
    clockSkewSeconds: Number(pc.clockSkewSeconds),
    authorizerCacheSeconds: Number(pc.authorizerCacheSeconds),
    revocation: pc.revocation ?? { mode: 'snapshot', refreshMs: 1000, maxStalenessMs: 5000 },
    stageSettings,
  };
}

/**
 * The PORTCULLIS_AUTHORIZER_AUDIENCE of the authorizer a route uses (RFC 8707: the API it protects), when its
 * function sets one: a REST authorizer by its (resolved) name, an HTTP API one by its functionName.
 */
function authorizerAudienceOf(vars: ServerlessVariables, restPath: string | undefined, name: string): string | undefined {
  try {
    let fn = name;
    if (restPath) {
      const resolved = vars.get(restPath) as { name?: string } | string | undefined;
      fn = typeof resolved === 'string' ? resolved : resolved?.name ?? name;
    } else {
      fn = String((vars.get(`provider.httpApi.authorizers.${name}.functionName`) as string | undefined) ?? name);
    }
    const aud = vars.get(`functions.${fn}.environment.PORTCULLIS_AUTHORIZER_AUDIENCE`);
    return typeof aud === 'string' ? aud : undefined;
  } catch {
    return undefined; // unresolvable here: the authorizer's default (the audience)
  }
}

/**
 * The environment a function of `stage` gets, as `serverless package` computes it from serverless.yml:
 * provider.environment, plus the portcullis plugin's PORTCULLIS_SCOPES / _ROUTES / _ISSUER, plus the function's
 * own environment, every variable resolved (or refused: UnresolvableVariableError). Values are strings, as Lambda
 * sees them. PORTCULLIS_ISSUER is absent when no issuer is set: deployed, it is the REST API's execute-api URL,
 * known only after the deploy (the CLIs take --issuer). Throws PortcullisConfigError where the plugin would refuse.
 */
export function functionEnvironment(stage: string, opts: EnvironmentOptions = {}): Record<string, string> {
  const doc = readDoc(opts.file ?? SERVERLESS_FILE);
  const env = opts.env ?? process.env;
  const params = opts.params ?? {};
  const vars = new ServerlessVariables(doc, { stage, region: opts.region, params, env });
  const added = portcullisEnvironment({
    stage,
    portcullis: vars.get('custom.portcullis') as Record<string, unknown> | undefined,
    stages: vars.get('custom.stages') as Record<string, Record<string, unknown>> | undefined,
    params,
  });
  const fn = opts.function ?? 'token';
  const merged: Record<string, unknown> = {
    ...((vars.get('provider.environment') as Record<string, unknown> | undefined) ?? {}),
    ...added.environment,
    ...((vars.get(`functions.${fn}.environment`) as Record<string, unknown> | undefined) ?? {}),
    ...localOverrides(stage, env),
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(merged)) {
    if (v === undefined || v === null || typeof v === 'object') continue; // a CloudFormation expression: known after deploy
    out[k] = String(v);
  }
  return out;
}
