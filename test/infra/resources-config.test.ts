/**
 * custom.portcullis.resources (RFC 8707) from serverless.yml to the functions: the plugin carries and checks it,
 * the demo's second API exists only where the demo does, and each authorizer function's audience is one this
 * issuer serves. The CLIs compute the same (infra/serverless-config.ts).
 */
import { functionEnvironment, readServerlessSettings } from '../../infra/serverless-config';
import { loadConfig } from '../../lib/config/load-config';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PortcullisPlugin = require('../../infra/serverless-plugin-portcullis.js');

function service(opts: { resources?: Record<string, unknown>; demoResources?: Record<string, unknown>; demo?: boolean; functions?: Record<string, unknown> }) {
  return {
    service: {
      provider: { stage: 'prod', environment: {} as Record<string, unknown> },
      custom: {
        portcullis: {
          issuer: '',
          audience: 'https://api.example.com',
          scopes: { 'read:data': 'r', 'read:reports': 'r' },
          routes: {},
          demoRoutes: {},
          resources: opts.resources ?? {},
          demoResources: opts.demoResources ?? {},
          authorizerCacheSeconds: 0,
        },
        stages: { default: { demo: opts.demo ?? false } },
      },
      functions: (opts.functions ?? {}) as Record<string, unknown>,
    },
  };
}

function apply(sls: ReturnType<typeof service>, warnings: string[] = []) {
  new PortcullisPlugin(sls, {}, { log: { warning: (m: string) => warnings.push(m) } }).apply();
  return sls.service.provider.environment;
}

test('resources reach every function as PORTCULLIS_RESOURCES; the demo\'s only in demo stages, with its authorizer', () => {
  const fns = () => ({ demo: { handler: 'functions/demo.handler' }, demoReportsAuthorizer: { handler: 'functions/authorizer.request', environment: { PORTCULLIS_AUTHORIZER_AUDIENCE: 'https://reports.example' } } });
  const prod = service({ resources: { 'https://billing.example': ['read:data'] }, demoResources: { 'https://reports.example': 'read:reports' }, functions: fns() });
  expect(JSON.parse(String(apply(prod).PORTCULLIS_RESOURCES))).toEqual({ 'https://billing.example': ['read:data'] });
  expect(Object.keys(prod.service.functions)).toEqual([]);
  const dev = service({ resources: { 'https://billing.example': ['read:data'] }, demoResources: { 'https://reports.example': 'read:reports' }, demo: true, functions: fns() });
  expect(JSON.parse(String(apply(dev).PORTCULLIS_RESOURCES))).toEqual({ 'https://billing.example': ['read:data'], 'https://reports.example': 'read:reports' });
  expect(Object.keys(dev.service.functions).sort()).toEqual(['demo', 'demoReportsAuthorizer']);
});

test.each([
  [{ '/billing': 'read:data' }, /absolute URI/],
  [{ 'https://billing.example#x': 'read:data' }, /without a fragment/],
  [{ 'https://billing.example': 'write:all' }, /scope "write:all", which is not declared/],
  [{ 'https://billing.example': [] }, /needs the scopes/],
])('a resource that cannot be right is refused at package time: %j', (resources, message) => {
  expect(() => apply(service({ resources }))).toThrow(message);
});

test('an authorizer function whose audience is no audience of this issuer is refused; the audience or a resource is fine', () => {
  const withAuthorizer = (aud: string) =>
    service({ resources: { 'https://billing.example': 'read:data' }, functions: { billingAuthorizer: { handler: 'functions/authorizer.request', environment: { PORTCULLIS_AUTHORIZER_AUDIENCE: aud } } } });
  expect(() => apply(withAuthorizer('https://nobody.example'))).toThrow(/billingAuthorizer: PORTCULLIS_AUTHORIZER_AUDIENCE "https:\/\/nobody.example"/);
  expect(() => apply(withAuthorizer('https://billing.example'))).not.toThrow();
  expect(() => apply(withAuthorizer('https://api.example.com'))).not.toThrow();
});

test('a route attached to any authorizer function running functions/authorizer must be in the route table too', () => {
  const warnings: string[] = [];
  apply(
    service({
      resources: { 'https://billing.example': 'read:data' },
      functions: {
        billingAuthorizer: { handler: 'functions/authorizer.request', environment: { PORTCULLIS_AUTHORIZER_AUDIENCE: 'https://billing.example' } },
        billing: { handler: 'functions/billing.handler', events: [{ http: { path: 'billing', method: 'get', authorizer: { name: 'billingAuthorizer' } } }] },
      },
    }),
    warnings,
  );
  expect(warnings.join()).toMatch(/billing: GET \/billing/);
});

test('the repository\'s serverless.yml: the local stack has the demo\'s second API behind its own authorizer; prod has neither', () => {
  const local = readServerlessSettings(undefined, 'local');
  const reports = local.apiRoutes.find((r) => r.path === '/demo/reports');
  expect(reports).toMatchObject({ method: 'GET', api: 'rest', authorizerAudience: 'https://reports.portcullis.local' });
  expect(local.apiRoutes.find((r) => r.path === '/demo/data')?.authorizerAudience).toBeUndefined();
  const env = functionEnvironment('local', { function: 'demoReportsAuthorizer', params: { issuer: 'http://localhost:3000' }, env: { PORTCULLIS_KEY_DIR: '/tmp/x' } });
  const config = loadConfig({ ...env, PORTCULLIS_KEY_DIR: '/tmp/x' });
  expect(config.authorizerAudience).toBe('https://reports.portcullis.local');
  expect(config.resources).toEqual({ 'https://reports.portcullis.local': ['read:reports'] });
  expect(loadConfig({ ...functionEnvironment('local', { function: 'authorizer', params: { issuer: 'http://localhost:3000' }, env: {} }), PORTCULLIS_KEY_DIR: '/tmp/x' }).authorizerAudience).toBe(config.audience);
  const prod = readServerlessSettings(undefined, 'prod');
  expect(prod.apiRoutes.some((r) => r.path.startsWith('/demo'))).toBe(false);
  expect(JSON.parse(functionEnvironment('prod', { env: {} }).PORTCULLIS_RESOURCES)).toEqual({});
});
