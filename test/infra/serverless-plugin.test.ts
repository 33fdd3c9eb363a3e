/** infra/serverless-plugin-portcullis.js: what it refuses at package time, and what it passes to the functions. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PortcullisPlugin = require('../../infra/serverless-plugin-portcullis.js');

function service(opts: { routes: Record<string, unknown>; cache?: number; issuer?: string; stage?: string; events?: unknown[] }) {
  return {
    service: {
      provider: { stage: opts.stage ?? 'prod', environment: {} as Record<string, unknown> },
      custom: { portcullis: { issuer: opts.issuer ?? '', scopes: { 'read:data': 'r' }, routes: opts.routes, demoRoutes: {}, authorizerCacheSeconds: opts.cache ?? 0 }, stages: { default: { demo: false } } },
      functions: {
        users: {
          events: opts.events ?? [
            { http: { path: 'users/{id}', method: 'get', authorizer: { name: 'authorizer' } } },
            { http: { path: 'users/{userId}/admin', method: 'get', authorizer: { name: 'authorizer' } } },
          ],
        },
      },
    },
  };
}

function apply(sls: ReturnType<typeof service>, warnings: string[] = []) {
  new PortcullisPlugin(sls, {}, { log: { warning: (m: string) => warnings.push(m) } }).apply();
  return sls.service.provider.environment;
}

test('with an authorizer result cache, a route that uses the authorizer but is not in the table is refused at package time', () => {
  expect(() => apply(service({ routes: { 'GET /users/{id}': 'read:data' }, cache: 60 }))).toThrow(/users\/\{\}\/admin.*authorizerCacheSeconds|authorizerCacheSeconds.*users\/\{\}\/admin/);
});

test('without a cache it is only a warning (the route is denied by default); declared routes pass, parameter names aside', () => {
  const warnings: string[] = [];
  apply(service({ routes: { 'GET /users/{id}': 'read:data' } }), warnings);
  expect(warnings.join()).toMatch(/GET \/users\/\{\}\/admin/);
  const env = apply(service({ routes: { 'GET /users/{x}': 'read:data', 'ANY /users/{y}/admin': 'read:data' }, cache: 60 }));
  expect(JSON.parse(String(env.PORTCULLIS_ROUTES))).toEqual({ 'GET /users/{x}': 'read:data', 'ANY /users/{y}/admin': 'read:data' });
});

test('a revoke rate limit below 1 or not a whole number is refused', () => {
  const withLimit = (revokeRateLimit: Record<string, unknown>) => {
    const sls = service({ routes: {}, events: [] });
    (sls.service.custom.portcullis as Record<string, unknown>).revokeRateLimit = revokeRateLimit;
    return sls;
  };
  expect(() => apply(withLimit({ maxRevocations: 0, windowSeconds: 10 }))).toThrow(/revokeRateLimit.maxRevocations must be a whole number of at least 1/);
  expect(() => apply(withLimit({ maxRevocations: 100, windowSeconds: 0.5 }))).toThrow(/revokeRateLimit.windowSeconds/);
  expect(() => apply(withLimit({ maxRevocations: 100, windowSeconds: 10 }))).not.toThrow();
});

test('undeclared scopes and http issuers outside loopback are refused', () => {
  expect(() => apply(service({ routes: { 'GET /users/{id}': 'write:data' } }))).toThrow(/scope "write:data".*not declared/);
  expect(() => apply(service({ routes: {}, issuer: 'http://auth.example.com', events: [] }))).toThrow(/https/);
  expect(apply(service({ routes: {}, issuer: 'http://localhost:3000', stage: 'local', events: [] })).PORTCULLIS_ISSUER).toBe('http://localhost:3000');
});

describe('every function logs to the audit log group (Lambda LoggingConfig)', () => {
  const audited = (logs?: Record<string, unknown>, fnLogs?: Record<string, unknown>) => {
    const sls = service({ routes: {}, events: [] });
    const svc = sls.service as unknown as { service: string; provider: Record<string, unknown>; functions: Record<string, Record<string, unknown>>; custom: { portcullis: Record<string, unknown> } };
    svc.service = 'portcullis';
    if (logs) svc.provider.logs = { lambda: logs };
    if (fnLogs) svc.functions.users.logs = fnLogs;
    return svc;
  };
  const AUDIT = { logFormat: 'JSON', logGroup: '/portcullis/prod/audit', applicationLogLevel: 'INFO', systemLogLevel: 'WARN' };

  test('no per-function log group; a function-level block (which replaces the provider one) is filled in from it', () => {
    const svc = audited(AUDIT, { applicationLogLevel: 'DEBUG' });
    new PortcullisPlugin({ service: svc }, {}, { log: { warning: () => {} } }).apply();
    expect(svc.functions.users.disableLogs).toBe(true);
    expect(svc.functions.users.logs).toEqual({ ...AUDIT, applicationLogLevel: 'DEBUG' });
  });

  test('absent, the provider block is set to the audit log group in JSON', () => {
    const svc = audited();
    new PortcullisPlugin({ service: svc }, {}, { log: { warning: () => {} } }).apply();
    expect((svc.provider.logs as { lambda: unknown }).lambda).toEqual(AUDIT);
  });

  test('another log group, a text format, or a level that would drop the INFO audit lines is refused', () => {
    const run = (svc: ReturnType<typeof audited>) => () => new PortcullisPlugin({ service: svc }, {}, { log: { warning: () => {} } }).apply();
    expect(run(audited({ ...AUDIT, logGroup: '/aws/lambda/x' }))).toThrow(/provider\.logs\.lambda\.logGroup must be \/portcullis\/prod\/audit/);
    expect(run(audited({ ...AUDIT, logFormat: 'Text' }))).toThrow(/logFormat must be JSON/);
    expect(run(audited({ ...AUDIT, applicationLogLevel: 'WARN' }))).toThrow(/applicationLogLevel WARN would drop the audit events/);
    expect(run(audited(AUDIT, { logGroup: '/elsewhere' }))).toThrow(/functions\.users\.logs\.logGroup must be/);
  });

  test('the removed audit.confirm setting is a warning, not an error', () => {
    const svc = audited(AUDIT);
    svc.custom.portcullis.audit = { confirm: 'cloudwatch' };
    const warnings: string[] = [];
    new PortcullisPlugin({ service: svc }, {}, { log: { warning: (m: string) => warnings.push(m) } }).apply();
    expect(warnings.join()).toMatch(/audit\.confirm is no longer used/);
  });
});

test('before the template is saved: every function waits for the audit log group; a /aws/lambda group is refused, other groups are left alone', () => {
  const plugin = new PortcullisPlugin({ service: { provider: { compiledCloudFormationTemplate: { Resources: {} } } } }, {}, { log: { warning: () => {} } });
  const template = (extra: Record<string, unknown>) => ({
    Resources: {
      AuditLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/portcullis/prod/audit' } },
      TokenLambdaFunction: { Type: 'AWS::Lambda::Function', DependsOn: ['TokenRole'], Properties: {} },
      ...extra,
    },
  });
  const run = (t: ReturnType<typeof template>) => {
    (plugin as unknown as { serverless: { service: { provider: { compiledCloudFormationTemplate: unknown } } } }).serverless.service.provider.compiledCloudFormationTemplate = t;
    plugin.finalizeTemplate();
    return t;
  };
  const ok = run(template({ ApiAccessLogs: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/api-gateway/portcullis-prod' } } }));
  expect((ok.Resources.TokenLambdaFunction as { DependsOn: string[] }).DependsOn).toEqual(['TokenRole', 'AuditLogGroup']);
  expect(() => run(template({ TokenLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/portcullis-prod-token' } } }))).toThrow(/no \/aws\/lambda\/<function> group/);
});
