'use strict';
/**
 * What the portcullis plugin adds to every function's environment, computed from the resolved
 * custom.portcullis and custom.stages: PORTCULLIS_SCOPES, PORTCULLIS_ROUTES, PORTCULLIS_ROLES, PORTCULLIS_BRANDING
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
    PORTCULLIS_ROLES: JSON.stringify(roles),
    PORTCULLIS_BRANDING: JSON.stringify(pc.branding || {}),
  };
  if (issuer) environment.PORTCULLIS_ISSUER = issuer;
  return { demo, scopes, routes, roles, issuer: issuer || undefined, environment };
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

module.exports = { portcullisEnvironment, paramsOf, localOverrides, LOCAL_OVERRIDES, PortcullisConfigError };
