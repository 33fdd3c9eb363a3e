'use strict';
/**
 * Carries custom.portcullis (scope catalogue, route table, issuer) from serverless.yml into
 * every function's environment, and refuses a configuration that cannot be right:
 * an undeclared scope in the route table, an http issuer outside the local stage.
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

module.exports = PortcullisPlugin;
