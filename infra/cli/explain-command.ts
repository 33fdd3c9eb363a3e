/**
 * `npm run --silent admin -- explain TOKEN|- [--route "GET /demo/data"] [--stage S --region R [--issuer URL]] [--json]`
 * Why the authorizer allows or denies this token (infra/cli/troubleshoot/explain.ts). `-` reads the token from stdin
 * (keeps it out of the shell history and the process list); a whole `Bearer …` value is accepted too.
 * The token is never printed or sent anywhere: only the JWKS is fetched and the table read.
 * Exit codes: 0 allow, 1 deny, 2 usage, 3 could not explain (stack not running, no credentials, ...).
 */
import { readServerlessSettings } from '../serverless-config';
import { explainDepsFor, explainToken } from './troubleshoot/explain';
import { explanationLines } from './troubleshoot/format-explain';
import { parseRouteArg } from './troubleshoot/route-check';
import { safeJson } from './troubleshoot/safe-text';
import { CliError, resolveTarget, type CliTarget } from './context';

export const EXPLAIN_USAGE = 'explain TOKEN|- [--route "METHOD /path"] [--audience URI]   (exit 0 allow, 1 deny)';

export interface ExplainArgs {
  /** The token, `-` for stdin. */
  token?: string;
  /** Extra positionals (a usage error). */
  extra?: string[];
  route?: string;
  /** The API the token is presented to (RFC 8707): the `aud` its authorizer requires. Default: from --route, else the audience. */
  audience?: string;
  json?: boolean;
  stage?: string;
  region?: string;
  issuer?: string;
  /** `--param name=value` the stage was deployed with. */
  params?: Record<string, string>;
}

export interface ExplainIo {
  out(line: string): void;
  err(line: string): void;
  /** Default: the process's stdin. */
  readStdin?(): Promise<string>;
}

/** `/orders/{id}` matches itself and `/orders/7`; `{proxy+}` any rest of the path. */
function templateMatches(template: string, path: string): boolean {
  if (template === path) return true;
  const segment = (seg: string) => (/^\{[^}]+\+\}$/.test(seg) ? '.+' : /^\{[^}]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${template.split('/').map(segment).join('/')}$`).test(path);
}

async function processStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function runExplainCommand(args: ExplainArgs, io: ExplainIo): Promise<number> {
  if (!args.token || (args.extra ?? []).length > 0) {
    io.err(`usage: npm run --silent admin -- ${EXPLAIN_USAGE}`);
    return 2;
  }
  const route = args.route === undefined ? undefined : parseRouteArg(args.route);
  if (args.route !== undefined && !route) {
    io.err(`--route must look like "GET /demo/data" (got "${args.route}")`);
    return 2;
  }
  const token = args.token === '-' ? await (io.readStdin ?? processStdin)() : args.token;
  if (!token.trim()) {
    io.err('no token given');
    return 2;
  }
  let target: CliTarget | undefined;
  try {
    target = await resolveTarget({ stage: args.stage, region: args.region, issuer: args.issuer, params: args.params });
    let authorizerCacheSeconds = 0;
    let audience = args.audience;
    try {
      const settings = readServerlessSettings(undefined, target.config.stage, args.params);
      authorizerCacheSeconds = settings.authorizerCacheSeconds || 0;
      // The route's authorizer may protect another API than the default audience (its own PORTCULLIS_AUTHORIZER_AUDIENCE).
      if (!audience && route) audience = settings.apiRoutes.find((r) => (r.method === route.method || r.method === 'ANY') && templateMatches(r.path, route.path))?.authorizerAudience;
    } catch {
      // serverless.yml unreadable: the bound is given without the gateway cache
    }
    const explanation = await explainToken(token, explainDepsFor(target.config, target.table, { authorizerCacheSeconds }), { route, audience });
    if (args.json) io.out(safeJson(explanation));
    else for (const line of explanationLines(explanation)) io.out(line);
    return explanation.verdict.effect === 'allow' ? 0 : 1;
  } catch (err) {
    io.err(`error: ${err instanceof CliError ? err.message : err instanceof Error ? `${err.message}` : String(err)}`);
    return 3;
  } finally {
    target?.close();
  }
}
