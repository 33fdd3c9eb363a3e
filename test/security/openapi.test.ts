/**
 * openapi.yaml describes exactly the HTTP endpoints of serverless.yml, stage by stage (local, dev, prod: the demo
 * routes only where the stage deploys them), and its error answers are RFC error bodies with their codes.
 */
import { readServerlessSettings } from '../../infra/serverless-config';
import { ALL_STAGES, deref, operationsOf, readOpenApi, schemaProblems, stagesOf, type Response } from '../../testkit/openapi';

const doc = readOpenApi();
const routesOf = (stage: string) => readServerlessSettings(undefined, stage).apiRoutes;

/** Every error code the RFCs portcullis implements define for JSON answers (RFC 6749 §5.2, 6750 §3.1, 7009 §2.2.1, 8707 §2, 8628 §3.5). */
const RFC_JSON_ERROR_CODES = [
  'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope',
  'invalid_token', 'insufficient_scope', 'unsupported_token_type', 'invalid_target', 'slow_down', 'temporarily_unavailable', 'server_error',
];
/** …and for authorization responses (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6). */
const RFC_REDIRECT_ERROR_CODES = ['access_denied', 'unsupported_response_type', 'login_required', 'consent_required', 'interaction_required'];

describe('openapi.yaml and serverless.yml', () => {
  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  describe.each(ALL_STAGES)('stage %s', (stage) => {
    const routes = routesOf(stage);

    it('describes every HTTP event of the stage, with its API and methods', () => {
      expect(routes.length).toBeGreaterThan(0);
      const missing: string[] = [];
      for (const r of routes) {
        const item = doc.paths[r.path];
        if (!item || !stagesOf(item).includes(stage)) {
          missing.push(`${r.method} ${r.path}: no path item for ${stage}`);
          continue;
        }
        if (item['x-api'] !== r.api) missing.push(`${r.path}: x-api ${item['x-api']}, serverless.yml says ${r.api}`);
        const methods = operationsOf(item).map(([m]) => m);
        if (r.method === 'ANY') {
          if (!item['x-any-method']) missing.push(`${r.path}: method any without x-any-method`);
          else for (const m of item['x-any-method'].allow.split(/,\s*/)) if (!methods.includes(m)) missing.push(`${r.path}: x-any-method allows an undescribed ${m}`);
        } else if (!methods.includes(r.method)) missing.push(`${r.method} ${r.path}: not described`);
      }
      expect(missing).toEqual([]);
    });

    it('describes nothing the stage does not deploy', () => {
      const extra: string[] = [];
      for (const [path, item] of Object.entries(doc.paths)) {
        if (!stagesOf(item).includes(stage)) continue;
        for (const [method] of operationsOf(item)) {
          if (!routes.some((r) => r.path === path && (r.method === method || r.method === 'ANY'))) extra.push(`${method} ${path}`);
        }
        if (item['x-any-method'] && !routes.some((r) => r.path === path && r.method === 'ANY')) extra.push(`${path}: x-any-method, but not method any`);
      }
      expect(extra).toEqual([]);
    });
  });

  it('lists only the stages serverless.yml knows', () => {
    for (const item of Object.values(doc.paths)) for (const s of stagesOf(item)) expect(ALL_STAGES).toContain(s);
  });
});

describe('openapi.yaml answers', () => {
  const responses: Array<[string, Response]> = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of operationsOf(item))
      for (const [status, r] of Object.entries(op.responses)) responses.push([`${method} ${path} ${status}`, deref(doc, r)]);

  it('gives every JSON error answer the RFC 6749 §5.2 error schema and the RFC codes it may carry', () => {
    const problems: string[] = [];
    for (const [name, r] of responses) {
      if (!/ [45]\d\d$/.test(name)) continue;
      const schema = r.content?.['application/json']?.schema;
      if (!schema) continue;
      if (deref(doc, schema) === doc.components.schemas.GatewayMessage) continue; // the HTTP API's own answer
      if (deref(doc, schema) !== doc.components.schemas.OAuthError) problems.push(`${name}: not the OAuthError schema`);
      const codes = r['x-error-codes'] ?? [];
      if (!codes.length) problems.push(`${name}: no x-error-codes`);
      for (const c of codes) if (!RFC_JSON_ERROR_CODES.includes(c)) problems.push(`${name}: ${c} is not an RFC error code`);
    }
    expect(problems).toEqual([]);
  });

  it('lists only RFC error codes on redirects, and the error schema knows every JSON one', () => {
    for (const [, r] of responses) for (const c of r['x-error-codes'] ?? []) expect([...RFC_JSON_ERROR_CODES, ...RFC_REDIRECT_ERROR_CODES]).toContain(c);
    expect(doc.components.schemas.OAuthError.properties!.error.enum!.sort()).toEqual([...RFC_JSON_ERROR_CODES].sort());
  });

  it('requires Cache-Control: no-store on every token-bearing answer and every error of the OAuth endpoints', () => {
    const problems: string[] = [];
    for (const [name, r] of responses) {
      const oauthError = r.content?.['application/json']?.schema && deref(doc, r.content['application/json'].schema!) === doc.components.schemas.OAuthError && !/\/demo\//.test(name);
      if (!r['x-token-bearing'] && !oauthError) continue;
      const h = r.headers?.['Cache-Control'] && deref(doc, r.headers['Cache-Control']);
      if (h?.schema?.const !== 'no-store') problems.push(name);
    }
    expect(problems).toEqual([]);
  });

  it('gives invalid_client its WWW-Authenticate challenge and 405 its Allow', () => {
    for (const [name, r] of responses) {
      if (/ 401$/.test(name) && r.content?.['application/json'] && r['x-error-codes']) expect([name, Object.keys(r.headers ?? {})]).toEqual([name, expect.arrayContaining(['WWW-Authenticate'])]);
      if (/ 405$/.test(name) && r.content?.['application/json']) expect([name, Object.keys(r.headers ?? {})]).toEqual([name, expect.arrayContaining(['Allow'])]);
    }
  });

  it('the error schema accepts a real error body and refuses one with a stack or an unknown code', () => {
    const schema = doc.components.schemas.OAuthError;
    expect(schemaProblems(doc, schema, { error: 'invalid_request', error_description: 'Use POST' })).toEqual([]);
    expect(schemaProblems(doc, schema, { error: 'invalid_request', stack: 'Error: at x' })).not.toEqual([]);
    expect(schemaProblems(doc, schema, { error: 'boom' })).not.toEqual([]);
    expect(schemaProblems(doc, schema, { error: 'invalid_request', error_description: 'a "quoted" \\ one' })).not.toEqual([]);
  });
});
