/**
 * `doctor`: the running configuration against serverless.yml (drift), the signing algorithm, the audience,
 * and the revocation bound the authorizer cache TTL and revocation settings give (plus what the TTL costs).
 */
import { DEFAULTS } from '../../../../lib/config/defaults';
import { withOidcScopes } from '../../../../lib/config/oidc-scopes';
import type { Config } from '../../../../lib/config/types';
import { humanMs } from '../durations';
import { revocationBound } from '../revocation-bound';
import type { Finding } from '../types';
import type { DeclaredSource } from './declared';
import { error, info, ok, warning } from './finding';
import { parseDeclaredRoutes } from './route-checks';

const stable = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));

export function configChecks(config: Config, src: DeclaredSource, local: boolean): Finding[] {
  const out: Finding[] = [];
  const s = src.settings;
  if (src.runtime) {
    const { node, lambdaMajor } = src.runtime;
    out.push(
      Number(node.replace(/^v/, '').split('.')[0]) === lambdaMajor
        ? ok('runtime.node', `the CLIs run on Node ${node}, the major of the Lambda runtime (nodejs${lambdaMajor}.x)`)
        : warning('runtime.node', `the CLIs run on Node ${node}, but Lambda runs nodejs${lambdaMajor}.x`, `run them through npm (npm run --silent admin -- …), which uses the project's node@${lambdaMajor} devDependency`),
    );
  }
  const restart = local ? 'restart the local stack (npm start) to pick up serverless.yml' : `deploy (serverless deploy --stage ${config.stage}) so the functions run with ${src.file}`;

  // Drift: what the functions run with against what serverless.yml says.
  const declaredRoutes = parseDeclaredRoutes(src).rules;
  const pairs: Array<[string, unknown, unknown]> = [
    ['scope catalogue', config.scopes, withOidcScopes(s.scopes ?? {})],
    ['roles', config.roles, s.roles ?? {}],
    ['route table', config.routes, declaredRoutes ?? s.routes],
    ['audience', config.audience, s.audience],
    ['signing algorithm', config.signer.alg, s.signingAlg],
    ['token lifetime', config.tokenLifetimeSeconds, s.tokenLifetimeSeconds],
    ['max token lifetime', config.maxTokenLifetimeSeconds, s.maxTokenLifetimeSeconds],
    ['clock skew', config.clockSkewSeconds, s.clockSkewSeconds],
    ['revocation settings', config.revocation, { mode: s.revocation.mode, refreshMs: s.revocation.refreshMs, maxStalenessMs: s.revocation.maxStalenessMs }],
    // the authorizer shapes its policies for a cache only if it knows there is one
    ['authorizer cache TTL', config.authorizerCacheSeconds, s.authorizerCacheSeconds || 0],
  ];
  const drift = pairs.filter(([, running, declared]) => stable(running) !== stable(declared)).map(([name]) => name);
  if (drift.length) {
    out.push(
      warning(
        'config.drift',
        `the ${local ? 'running local stack' : `stage ${config.stage}`} uses a different ${drift.join(', ')} than ${src.file}`,
        restart,
      ),
    );
  } else out.push(ok('config.drift', `the ${local ? 'running stack' : 'stage configuration'} matches ${src.file}`));

  // Algorithm.
  if (s.signingAlg !== 'RS256' && s.signingAlg !== 'ES256') {
    out.push(error('config.alg', `custom.portcullis.signingAlg is "${s.signingAlg}": only RS256 and ES256 are supported`, 'set signingAlg: RS256 (or ES256)'));
  }

  // Audience.
  if (!local && config.audience === DEFAULTS.audience) {
    out.push(
      warning(
        'audience.placeholder',
        `stage ${config.stage} uses the placeholder audience "${DEFAULTS.audience}"`,
        'deploy with --param audience=https://api.example.com (the identifier of the API the tokens are for)',
      ),
    );
  }
  if (config.audience === config.issuer) {
    out.push(warning('audience.is-issuer', `the audience equals the issuer (${config.issuer}): tokens are meant for the API, not the token service`, 'set custom.portcullis.audience to the API identifier'));
  }

  // Revocation bound: the authorizer result cache adds to it.
  const ttl = s.authorizerCacheSeconds || 0;
  const bound = revocationBound(config, ttl);
  out.push(info('revocation.bound', `a revocation reaches the gateway in ${bound.text}`));
  if (ttl > 0) {
    out.push(
      warning(
        'revocation.cache-ttl',
        `authorizerCacheSeconds is ${ttl}: API Gateway replays a cached Allow for up to ${ttl} s after a token is revoked (bound at most ${humanMs(bound.maxMs)}), and the authorizer refuses paths not spelled canonically (trailing or doubled slash, . or .. segment, percent-encoding, backslash: 403 non_canonical_path)`,
        'set custom.portcullis.authorizerCacheSeconds: 0 unless that delay is acceptable (see README "Authorizer caching and revocation")',
      ),
    );
  }
  if (config.revocation.mode === 'snapshot' && config.revocation.maxStalenessMs < config.revocation.refreshMs) {
    out.push(
      warning(
        'revocation.settings',
        `revocation.maxStalenessMs (${config.revocation.maxStalenessMs}) is below refreshMs (${config.revocation.refreshMs}): most decisions wait for a refresh`,
        'keep maxStalenessMs a few times refreshMs (defaults 1000 / 4000)',
      ),
    );
  }
  return out;
}
