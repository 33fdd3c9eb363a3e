'use strict';
/**
 * What the portcullis plugin adds to every function's environment, computed from the resolved
 * custom.portcullis and custom.stages: PORTCULLIS_SCOPES, PORTCULLIS_ROUTES, PORTCULLIS_RESOURCES, PORTCULLIS_ROLES, PORTCULLIS_BRANDING
 * and PORTCULLIS_ISSUER (absent when no
 * issuer is set: the plugin then uses the REST API's execute-api URL, known only at deploy time).
 * One module for both sides: infra/serverless-plugin-portcullis.js (serverless package / deploy / offline) and
 * infra/serverless-config.ts (the CLIs and the local stack), so they compute the same environment.
 * Throws PortcullisConfigError for a configuration that cannot be right.
 */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Always in the catalogue (lib/config/oidc-scopes.ts), so a role may name them without declaring them. */
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

class PortcullisConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PortcullisConfigError';
  }
}

/** The functions of the demo (local and dev stages, or `--param demo=true`): the backend and the second API's authorizer. */
const DEMO_FUNCTIONS = ['demo', 'demoApp', 'demoReportsAuthorizer'];

/** An absolute URI without a fragment (RFC 8707 §2), as lib/config/sections/resources.ts checks it. */
function isResourceIdentifier(s) {
  try {
    return new URL(s).hash === '' && !s.includes('#') && /^[a-z][a-z0-9+.-]*:/i.test(s);
  } catch {
    return false;
  }
}

/** Scope names a route rule requires ("a b", [a, b] or { scopes, match }). */
const requiredScopes = (rule) =>
  typeof rule === 'string' ? rule.split(' ').filter(Boolean) : Array.isArray(rule) ? rule : [].concat((rule && rule.scopes) || []);

/**
 * @param {{ stage: string, portcullis?: object, stages?: object, params?: Record<string, string> }} input
 *   portcullis / stages: custom.portcullis and custom.stages with their variables resolved; params: `--param k=v`.
 */
function portcullisEnvironment({ stage, portcullis, stages, params }) {
  const pc = portcullis || {};
  const all = stages || {};
  const stageCfg = { ...(all.default || {}), ...(all[stage] || {}) };
  const demoParam = params ? params.demo : undefined;
  const demo = demoParam !== undefined ? demoParam === 'true' : Boolean(stageCfg.demo);

  const scopes = pc.scopes || {};
  const routes = { ...(pc.routes || {}), ...(demo ? pc.demoRoutes || {} : {}) };
  for (const [route, rule] of Object.entries(routes)) {
    for (const s of requiredScopes(rule)) {
      if (!Object.prototype.hasOwnProperty.call(scopes, s)) {
        throw new PortcullisConfigError(`route "${route}" requires scope "${s}", which is not declared in custom.portcullis.scopes`);
      }
    }
  }

  // RFC 8707 resource indicators: identifier → the scopes that belong to it (the demo's second API in demo stages).
  const resources = { ...(pc.resources || {}), ...(demo ? pc.demoResources || {} : {}) };
  for (const [id, rule] of Object.entries(resources)) {
    if (!isResourceIdentifier(id)) throw new PortcullisConfigError(`resource "${id}" must be an absolute URI without a fragment (RFC 8707)`);
    const list = requiredScopes(rule);
    if (list.length === 0) throw new PortcullisConfigError(`resource "${id}" needs the scopes that belong to it`);
    for (const s of list) {
      if (!Object.prototype.hasOwnProperty.call(scopes, s)) throw new PortcullisConfigError(`resource "${id}" has scope "${s}", which is not declared in custom.portcullis.scopes`);
    }
  }

  // Roles (people): every scope a role gives must be declared (the OpenID Connect scopes always are).
  const roles = pc.roles || {};
  if (typeof roles !== 'object' || Array.isArray(roles)) throw new PortcullisConfigError('custom.portcullis.roles must map role names to scopes');
  for (const [role, list] of Object.entries(roles)) {
    for (const s of requiredScopes(list)) {
      if (!Object.prototype.hasOwnProperty.call(scopes, s) && !OIDC_SCOPES.includes(s)) {
        throw new PortcullisConfigError(`role "${role}" names scope "${s}", which is not declared in custom.portcullis.scopes`);
      }
    }
  }

  // A limit of 0 (or a fraction) would refuse every revocation at POST /oauth2/revoke.
  for (const [name, value] of Object.entries(pc.revokeRateLimit || {})) {
    if (!Number.isInteger(Number(value)) || Number(value) < 1) {
      throw new PortcullisConfigError(`revokeRateLimit.${name} must be a whole number of at least 1, got "${value}"`);
    }
  }

  const issuer = typeof pc.issuer === 'string' ? pc.issuer.replace(/\/+$/, '') : '';
  if (issuer) {
    let url;
    try {
      url = new URL(issuer);
    } catch {
      throw new PortcullisConfigError(`issuer "${issuer}" is not a URL`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
      throw new PortcullisConfigError(`issuer must be an https URL in stage "${stage}", got "${issuer}"`);
    }
  }

  const environment = {
    PORTCULLIS_SCOPES: JSON.stringify(scopes),
    PORTCULLIS_ROUTES: JSON.stringify(routes),
    PORTCULLIS_RESOURCES: JSON.stringify(resources),
    PORTCULLIS_ROLES: JSON.stringify(roles),
    PORTCULLIS_BRANDING: JSON.stringify(pc.branding || {}),
  };
  if (issuer) environment.PORTCULLIS_ISSUER = issuer;
  return { demo, scopes, routes, resources, roles, issuer: issuer || undefined, environment };
}

/**
 * Each authorizer function protects one API: its PORTCULLIS_AUTHORIZER_AUDIENCE (default the audience) must be the
 * audience or a declared resource, or no token could ever pass it.
 */
function checkAuthorizerAudiences(functions, audience, resources) {
  for (const [name, fn] of Object.entries(functions || {})) {
    const aud = fn && fn.environment && fn.environment.PORTCULLIS_AUTHORIZER_AUDIENCE;
    if (aud === undefined || typeof aud !== 'string') continue;
    if (aud !== audience && !Object.prototype.hasOwnProperty.call(resources, aud)) {
      throw new PortcullisConfigError(`function ${name}: PORTCULLIS_AUTHORIZER_AUDIENCE "${aud}" is neither custom.portcullis.audience nor a declared resource`);
    }
  }
}

/** `--param k=v` as serverless parses it (the value is what follows the first `=`). */
function paramsOf(list) {
  const out = {};
  for (const item of [].concat(list || [])) {
    const m = /^([^=]+)=(.+)$/.exec(String(item));
    if (m) out[m[1]] = m[2].trimEnd();
  }
  return out;
}

/**
 * The local stack's extra function environment (tests shorten bounds): JSON in PORTCULLIS_LOCAL_FUNCTION_ENV of
 * the process that runs serverless, applied to every function last. Only in the local stage.
 */
const LOCAL_OVERRIDES = 'PORTCULLIS_LOCAL_FUNCTION_ENV';

function localOverrides(stage, env) {
  const raw = env && env[LOCAL_OVERRIDES];
  if (!raw) return {};
  if (stage !== 'local') throw new PortcullisConfigError(`${LOCAL_OVERRIDES} is for the local stack only, not stage "${stage}"`);
  let parsed;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new PortcullisConfigError(`${LOCAL_OVERRIDES} is not valid JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new PortcullisConfigError(`${LOCAL_OVERRIDES} must be a JSON object`);
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

module.exports = { portcullisEnvironment, paramsOf, localOverrides, LOCAL_OVERRIDES, PortcullisConfigError, DEMO_FUNCTIONS, checkAuthorizerAudiences };
