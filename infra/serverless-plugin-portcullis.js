'use strict';
/**
 * Carries custom.portcullis (scope catalogue, route table, resources, issuer) from serverless.yml into
 * every function's environment, and refuses a configuration that cannot be right:
 * an undeclared scope in the route table or a resource, an http issuer outside the local stage, a revoke rate limit
 * below 1, an authorizer function whose PORTCULLIS_AUTHORIZER_AUDIENCE is no audience of this issuer.
 * The demo functions and their routes are kept only in stages that ask for them.
 * At package time it puts the API Gateway stages in the template with access logs and throttling
 * (infra/serverless/api-gateway-stages.js, custom.portcullis.apiGateway).
 * Native modules (custom.esbuild.external: @node-rs/argon2, the login function's password hashing, the token function's password grant) go into the zips
 * for the Lambda's platform, not the packaging machine's: while packaging, npm's os/cpu/libc are set for Lambda
 * (serverless-esbuild installs the externals with `npm ci`, `npm prune`, `npm ls`, which all read them), and each
 * zip is then checked: every .node file is for the Lambda's CPU, and a zip with a napi-rs package has its binary
 * (npm skips an optional package that fails without an error). `offline` and `invoke local` keep the host's binary.
 * This plugin is listed before serverless-esbuild, so its hooks run first.
 * What it adds is computed by infra/portcullis-environment.js, which the CLIs and the local stack
 * use too (infra/serverless-config.ts), so they compute the environment the functions get.
 */
const path = require('node:path');
const { portcullisEnvironment, paramsOf, localOverrides, PortcullisConfigError, DEMO_FUNCTIONS, checkAuthorizerAudiences } = require('./portcullis-environment');
const { applyApiGatewayStages, throttleSettings, ApiGatewayConfigError } = require('./serverless/api-gateway-stages');
const { applyAuditLogging, dependOnAuditLogGroup } = require('./serverless-audit-logging');
const { zipEntries, elfMachine } = require('./lambda-zip');

/** napi-rs packages whose binary comes in an optional per-platform package (`<name>-linux-<cpu>-gnu`). */
const NATIVE_PACKAGES = ['@node-rs/argon2'];

class PortcullisPlugin {
  constructor(serverless, options, { log } = {}) {
    this.serverless = serverless;
    this.options = options || {};
    this.log = log || console;
    this.hooks = {
      initialize: () => this.apply(),
      // After osls compiled the APIs and merged infra/serverless/*.yml, before it writes the template.
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.compileApiGatewayStages(),
      'before:aws:package:finalize:saveServiceState': () => this.finalizeTemplate(),
      'before:package:createDeploymentArtifacts': () => this.lambdaPlatform(),
      'before:deploy:function:packageFunction': () => this.lambdaPlatform(),
      // After serverless-esbuild's own hooks (its esbuild contexts are closed): a failure here ends the command at once.
      'before:package:compileFunctions': () => this.checkNativeModules(),
      'before:deploy:function:deploy': () => this.checkNativeModules(),
    };
  }

  lambdaCpu() {
    return this.serverless.service.provider.architecture === 'arm64' ? 'arm64' : 'x64';
  }

  /** npm installs the externals for Lambda (Linux, glibc: Amazon Linux 2023) and its architecture. */
  lambdaPlatform() {
    process.env.npm_config_os = 'linux';
    process.env.npm_config_cpu = this.lambdaCpu();
    process.env.npm_config_libc = 'glibc';
  }

  /** Every .node file in every zip is for the Lambda's CPU, and a napi-rs package never comes without its binary. */
  checkNativeModules() {
    const cpu = this.lambdaCpu();
    const want = cpu === 'arm64' ? 'aarch64' : 'x86-64';
    const dir = this.serverless.serviceDir || this.serverless.config.servicePath;
    for (const [name, fn] of Object.entries(this.serverless.service.functions || {})) {
      const artifact = fn && fn.package && fn.package.artifact;
      if (!artifact) continue;
      const entries = zipEntries(path.resolve(dir, artifact));
      const natives = [...entries.values()].filter((e) => e.name.endsWith('.node'));
      for (const e of natives) {
        const machine = elfMachine(e.data());
        if (machine !== want) throw this.error(`function ${name}: ${e.name} is built for ${machine}, but the Lambda runs ${want} (provider.architecture)`);
      }
      for (const pkg of NATIVE_PACKAGES) {
        const binary = `node_modules/${pkg}-linux-${cpu}-gnu/`;
        if (entries.has(`node_modules/${pkg}/package.json`) && !natives.some((e) => e.name.startsWith(binary))) {
          throw this.error(`function ${name}: the zip has ${pkg} but not its Linux ${cpu} binary (${binary}): npm skipped the optional package (network, integrity?)`);
        }
      }
    }
  }

  error(message) {
    const Err = this.serverless.classes && this.serverless.classes.Error ? this.serverless.classes.Error : Error;
    return new Err(`portcullis: ${message}`);
  }

  apply() {
    const service = this.serverless.service;
    const stage = service.provider.stage;
    const custom = service.custom || {};
    let computed;
    let overrides;
    try {
      computed = portcullisEnvironment({ stage, portcullis: custom.portcullis, stages: custom.stages, params: paramsOf(this.options.param) });
      overrides = localOverrides(stage, process.env);
      if (!computed.demo) for (const name of DEMO_FUNCTIONS) delete service.functions[name];
      checkAuthorizerAudiences(service.functions, (custom.portcullis || {}).audience, computed.resources);
    } catch (err) {
      throw err instanceof PortcullisConfigError ? this.error(err.message) : err;
    }
    const logs = service.provider.logs || {};
    if (logs.restApi || logs.httpApi) {
      throw this.error('provider.logs.restApi and provider.logs.httpApi are not used here: the API access logs and stage settings are in infra/serverless/api-gateway.yml and custom.portcullis.apiGateway (osls would set the logging of the REST stage with SDK calls after the deploy, outside the template, into a log group without encryption)');
    }

    const warn = (message) => (this.log.warning || this.log.warn || console.warn).call(this.log, message);
    const loggingErrors = applyAuditLogging(service, { stage, warn });
    if (loggingErrors.length) throw this.error(`every function must log to the audit log group: ${loggingErrors.join('; ')}`);

    this.checkAttachedRoutes(service, computed.routes, Number((custom.portcullis || {}).authorizerCacheSeconds) || 0);

    const env = (service.provider.environment = service.provider.environment || {});
    Object.assign(env, computed.environment);
    if (!computed.issuer) {
      // The default execute-api URL of the REST API; it carries the stage in its path.
      env.PORTCULLIS_ISSUER = {
        'Fn::Join': ['', ['https://', { Ref: 'ApiGatewayRestApi' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, `/${stage}`]],
      };
    }
    if (Object.keys(overrides).length > 0) {
      for (const fn of Object.values(service.functions || {})) if (fn) fn.environment = { ...(fn.environment || {}), ...overrides };
    }
  }
}

PortcullisPlugin.prototype.compileApiGatewayStages = function compileApiGatewayStages() {
  const service = this.serverless.service;
  try {
    applyApiGatewayStages(service.provider.compiledCloudFormationTemplate, {
      stage: service.provider.stage,
      throttle: throttleSettings((service.custom || {}).portcullis),
    });
  } catch (err) {
    throw err instanceof ApiGatewayConfigError ? this.error(err.message) : err;
  }
};

/** The compiled template: functions wait for the audit log group, and no other log group is left. */
PortcullisPlugin.prototype.finalizeTemplate = function finalizeTemplate() {
  const errors = dependOnAuditLogGroup(this.serverless.service.provider.compiledCloudFormationTemplate);
  if (errors.length) throw this.error(errors.join('; '));
};

/** `GET /users/{id}` and `GET /users/{userId}` are the same route; `{proxy+}` stays greedy. */
const routeShape = (method, path) =>
  `${String(method).toUpperCase()} /${String(path).replace(/^\/+/, '').replace(/\{[^}]+\+\}/g, '{+}').replace(/\{[^}+]+\}/g, '{}')}`;

/**
 * Every API route the portcullis authorizer is attached to must be in the route table. Uncached, a missing route
 * is only refused (deny by default); with an authorizer result cache it is worse: a cached policy whose wildcard
 * (`GET/users/*`) also matches the missing route (`GET /users/{id}/admin`) would be replayed on it.
 */
PortcullisPlugin.prototype.checkAttachedRoutes = function checkAttachedRoutes(service, routes, cacheSeconds) {
  const table = new Set();
  for (const key of Object.keys(routes)) {
    const m = /^\s*([A-Za-z*]+)\s+(\/\S*)\s*$/.exec(key);
    if (m) table.add(routeShape(m[1] === '*' ? 'ANY' : m[1], m[2]));
  }
  const missing = [];
  // The portcullis authorizers: the two built in, and any function running functions/authorizer (e.g. one per API).
  const ours = new Set(['authorizer', 'portcullisHttpApi']);
  for (const [name, fn] of Object.entries(service.functions || {})) if (fn && /^functions\/authorizer\./.test(String(fn.handler || ''))) ours.add(name);
  for (const [name, fn] of Object.entries(service.functions || {})) {
    for (const ev of (fn && fn.events) || []) {
      const http = ev.http;
      const httpApi = ev.httpApi;
      const e = http || httpApi;
      if (!e || typeof e !== 'object') continue;
      const auth = e.authorizer;
      const authName = typeof auth === 'string' ? auth : auth && auth.name;
      if (!ours.has(authName)) continue;
      const shape = routeShape(e.method, e.path);
      const any = routeShape('ANY', e.path);
      if (!table.has(shape) && !table.has(any)) missing.push(`${name}: ${shape}`);
    }
  }
  if (missing.length === 0) return;
  const list = missing.join(', ');
  if (cacheSeconds > 0) {
    throw this.error(`authorizerCacheSeconds is ${cacheSeconds} but these routes use the authorizer without an entry in custom.portcullis.routes: ${list}. Declare them (a cached policy could otherwise be replayed on them), or set authorizerCacheSeconds to 0`);
  }
  (this.log.warning || this.log.warn || console.warn).call(this.log, `portcullis: these routes use the authorizer but are not in custom.portcullis.routes, so every request to them is refused: ${list}`);
};

module.exports = PortcullisPlugin;
