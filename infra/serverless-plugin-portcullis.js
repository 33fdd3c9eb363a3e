'use strict';
/**
 * Carries custom.portcullis (scope catalogue, route table, issuer) from serverless.yml into
 * every function's environment, and refuses a configuration that cannot be right:
 * an undeclared scope in the route table, an http issuer outside the local stage, a revoke rate limit below 1.
 * The demo functions and their routes are kept only in stages that ask for them.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

class PortcullisPlugin {
  constructor(serverless, options, { log } = {}) {
    this.serverless = serverless;
    this.options = options || {};
    this.log = log || console;
    this.hooks = {
      initialize: () => this.apply(),
    };
  }

  error(message) {
    const Err = this.serverless.classes && this.serverless.classes.Error ? this.serverless.classes.Error : Error;
    return new Err(`portcullis: ${message}`);
  }

  param(name) {
    const params = [].concat(this.options.param || []);
    const hit = params.find((p) => String(p).startsWith(`${name}=`));
    return hit === undefined ? undefined : String(hit).slice(name.length + 1);
  }

  apply() {
    const service = this.serverless.service;
    const stage = service.provider.stage;
    const custom = service.custom || {};
    const pc = custom.portcullis || {};
    const stages = custom.stages || {};
    const stageCfg = { ...(stages.default || {}), ...(stages[stage] || {}) };

    const demoParam = this.param('demo');
    const demo = demoParam !== undefined ? demoParam === 'true' : Boolean(stageCfg.demo);
    if (!demo) delete service.functions.demo;

    const scopes = pc.scopes || {};
    const routes = { ...(pc.routes || {}), ...(demo ? pc.demoRoutes || {} : {}) };
    for (const [route, rule] of Object.entries(routes)) {
      const needed = typeof rule === 'string' ? rule.split(' ').filter(Boolean) : Array.isArray(rule) ? rule : [].concat(rule.scopes || []);
      for (const s of needed) {
        if (!Object.prototype.hasOwnProperty.call(scopes, s)) {
          throw this.error(`route "${route}" requires scope "${s}", which is not declared in custom.portcullis.scopes`);
        }
      }
    }

    this.checkAttachedRoutes(service, routes, Number(pc.authorizerCacheSeconds) || 0);

    // A limit of 0 (or a fraction) would refuse every revocation at POST /oauth2/revoke.
    for (const [name, value] of Object.entries(pc.revokeRateLimit || {})) {
      if (!Number.isInteger(Number(value)) || Number(value) < 1) {
        throw this.error(`revokeRateLimit.${name} must be a whole number of at least 1, got "${value}"`);
      }
    }

    const env = (service.provider.environment = service.provider.environment || {});
    env.PORTCULLIS_SCOPES = JSON.stringify(scopes);
    env.PORTCULLIS_ROUTES = JSON.stringify(routes);

    const issuer = typeof pc.issuer === 'string' ? pc.issuer.replace(/\/+$/, '') : '';
    if (issuer) {
      let url;
      try {
        url = new URL(issuer);
      } catch {
        throw this.error(`issuer "${issuer}" is not a URL`);
      }
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
        throw this.error(`issuer must be an https URL in stage "${stage}", got "${issuer}"`);
      }
      env.PORTCULLIS_ISSUER = issuer;
    } else {
      // The default execute-api URL of the REST API; it carries the stage in its path.
      env.PORTCULLIS_ISSUER = {
        'Fn::Join': ['', ['https://', { Ref: 'ApiGatewayRestApi' }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, `/${stage}`]],
      };
    }
  }
}

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
  for (const [name, fn] of Object.entries(service.functions || {})) {
    for (const ev of (fn && fn.events) || []) {
      const http = ev.http;
      const httpApi = ev.httpApi;
      const e = http || httpApi;
      if (!e || typeof e !== 'object') continue;
      const auth = e.authorizer;
      const authName = typeof auth === 'string' ? auth : auth && auth.name;
      if (authName !== 'authorizer' && authName !== 'portcullisHttpApi') continue;
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
