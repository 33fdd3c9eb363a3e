/**
 * `doctor`: the scope catalogue and the route table of serverless.yml, and the authorizer on the API routes.
 * Pure: reads only what serverless.yml declares (and the clients, for "is this scope used at all").
 */
import { compileRoutes, type CompiledRoute } from '../../../../lib/authorizer/routes';
import type { RouteRule } from '../../../../lib/config/types';
import type { Finding } from '../types';
import type { DeclaredApiRoute, DeclaredSource } from './declared';
import { error, ok, warning } from './finding';
import type { ClientRecord } from '../../../../lib/models/client';
import { ConfigError } from '../../../../lib/config/env-values';
import { parseRoutes } from '../../../../lib/config/routes';

const ATTACH = {
  rest: 'authorizer: ${self:custom.restAuthorizer}',
  http: 'authorizer: { name: portcullisHttpApi }',
};

const sameMethod = (a: string, b: string) => a === b || a === 'ANY' || b === 'ANY';

function compileApiRoutes(apiRoutes: DeclaredApiRoute[]): Array<{ api: DeclaredApiRoute; compiled: CompiledRoute }> {
  return apiRoutes.map((api) => ({ api, compiled: compileRoutes([{ method: api.method, path: api.path, scopes: [], match: 'all' }])[0] }));
}

/** The table's route for an API route, as the authorizer finds it from API Gateway's resource template. */
function tableRouteFor(table: CompiledRoute[], api: CompiledRoute): CompiledRoute | undefined {
  const candidates = table.filter((r) => r.shape === api.shape);
  return candidates.find((r) => r.method === api.method) ?? candidates.find((r) => r.method === 'ANY');
}

/** Parsed route table, or a finding saying why it cannot be read. */
export function parseDeclaredRoutes(src: DeclaredSource): { rules?: RouteRule[]; finding?: Finding } {
  try {
    const rules = parseRoutes(src.settings.routes);
    compileRoutes(rules);
    return { rules };
  } catch (err) {
    const message = err instanceof ConfigError || err instanceof Error ? err.message : String(err);
    return { finding: error('routes.invalid', `the route table in ${src.file} cannot be read: ${message}`, 'fix custom.portcullis.routes (keys "METHOD /path", values "scope-a scope-b", [a, b] or { scopes: [...], match: any })') };
  }
}

export function routeChecks(src: DeclaredSource, clients: ClientRecord[] | undefined): Finding[] {
  const out: Finding[] = [];
  const { settings, file } = src;
  const declared = settings.scopes ?? {};
  const parsed = parseDeclaredRoutes(src);
  if (!parsed.rules) return [parsed.finding!];
  const table = compileRoutes(parsed.rules);

  // Every scope a route needs is declared.
  let undeclared = 0;
  for (const r of table) {
    for (const s of r.rule.scopes) {
      if (Object.prototype.hasOwnProperty.call(declared, s)) continue;
      undeclared++;
      out.push(
        error(
          'routes.undeclared-scope',
          `route ${r.key} needs scope "${s}", which is not declared in custom.portcullis.scopes (${file}): no client can be given it, so the route is refused to everyone (and packaging fails)`,
          `declare it: custom.portcullis.scopes: { ${s}: <description> }, or correct the scope name in the route`,
        ),
      );
    }
  }
  if (undeclared === 0) out.push(ok('routes.undeclared-scope', `every scope the ${table.length} routes need is declared`));

  // Every declared scope is used by a route or a client.
  const used = new Set<string>(table.flatMap((r) => r.rule.scopes));
  for (const c of clients ?? []) for (const s of c.allowedScopes) used.add(s);
  const unused = Object.keys(declared).filter((s) => !used.has(s));
  for (const s of unused) {
    out.push(
      warning(
        'scopes.unused',
        `scope "${s}" is declared but no route needs it${clients ? ' and no client has it' : ''}`,
        `use it in custom.portcullis.routes, or remove it from custom.portcullis.scopes`,
      ),
    );
  }
  if (unused.length === 0 && Object.keys(declared).length) out.push(ok('scopes.unused', `every declared scope is used (${Object.keys(declared).join(', ')})`));

  // Routes without a scope requirement.
  for (const r of table.filter((x) => x.rule.scopes.length === 0)) {
    out.push(
      warning(
        'routes.no-scope',
        `route ${r.key} requires no scope: any valid token of this issuer may call it`,
        `list the scopes it needs in custom.portcullis.routes (keep [] only for routes every client may call)`,
      ),
    );
  }

  // The authorizer on every API route that has a table entry, and a table entry for every API route it guards.
  const api = compileApiRoutes(settings.apiRoutes ?? []);
  let attachProblems = 0;
  for (const { api: a, compiled } of api) {
    const route = tableRouteFor(table, compiled);
    const label = `${a.api === 'rest' ? 'REST' : 'HTTP API'} route ${a.method} ${a.path} (function ${a.function})`;
    if (route && !a.authorizer) {
      attachProblems++;
      out.push(
        error(
          'routes.no-authorizer',
          `${label} is in the route table (${route.key}) but has no authorizer: API Gateway never calls it, so anyone can call the route`,
          `add \`${ATTACH[a.api]}\` to its ${a.api === 'rest' ? 'http' : 'httpApi'} event in ${file}`,
        ),
      );
    } else if (!route && a.authorizer) {
      attachProblems++;
      out.push(
        error(
          'routes.undeclared',
          `${label} has the authorizer but no entry in the route table: every request is denied (403, route_not_declared)`,
          `add "${compiled.key}: <scopes>" to custom.portcullis.routes in ${file}`,
        ),
      );
    }
  }
  for (const r of table) {
    if (api.some(({ compiled }) => compiled.shape === r.shape && sameMethod(compiled.method, r.method))) continue;
    attachProblems++;
    out.push(
      warning(
        'routes.not-served',
        `route ${r.key} is in the route table but no function in ${file} serves it (a typo, or a route of another API?)`,
        `correct the method or path in custom.portcullis.routes, or remove the entry`,
      ),
    );
  }
  if (attachProblems === 0) {
    const guarded = api.filter((a) => a.api.authorizer).length;
    out.push(ok('routes.authorizer', `the authorizer guards all ${guarded} API routes of the table, and every table route is served`));
  }
  return out;
}
