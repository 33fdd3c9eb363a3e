/**
 * `doctor`: the issuer. The metadata document (RFC 8414 §3.3: `issuer` exactly equals the issuer identifier)
 * must say the configured issuer, which is also what the authorizer expects in `iss`, and advertise the
 * JWKS URI the authorizer fetches.
 */
import { DEFAULTS } from '../../../../lib/config/defaults';
import type { Config } from '../../../../lib/config/types';
import type { Finding } from '../types';
import { error, info, ok } from './finding';
import { ENDPOINT_PATHS } from '../../../../lib/endpoints/paths';

export type HttpGet = (url: string) => Promise<{ status: number; body: unknown }>;

export const defaultHttpGet: HttpGet = async (url) => {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(DEFAULTS.troubleshootFetchTimeoutMs), headers: { accept: 'application/json' } });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
};

export interface IssuerCheckOptions {
  local: boolean;
  issuerKnown: boolean;
  /** custom.stages.<stage>.issuer of serverless.yml, when set (what a deploy gives PORTCULLIS_ISSUER). */
  stageIssuer?: string;
  httpGet?: HttpGet;
}

/**
 * Deployed stages: the configuration is compared (every function gets the same PORTCULLIS_ISSUER, which the
 * metadata function publishes and the authorizer expects), nothing is fetched. The local stack: its metadata.
 */
export async function issuerChecks(config: Config, opts: IssuerCheckOptions): Promise<Finding[]> {
  if (!opts.issuerKnown) {
    return [info('issuer.unknown', `stage ${config.stage}'s issuer is the API's execute-api URL, not known here: it was not compared`, 'pass --issuer https://… (the deployed PORTCULLIS_ISSUER) to compare it')];
  }
  if (!opts.local) {
    const declared = opts.stageIssuer?.replace(/\/+$/, '');
    if (declared && declared !== config.issuer) {
      return [
        error(
          'issuer.config',
          `the issuer given here (${config.issuer}) is not the one serverless.yml deploys for stage ${config.stage} (${declared}): tokens carry ${declared}, which the metadata publishes and the authorizer expects`,
          'use the same issuer everywhere: custom.stages.<stage>.issuer (or --param issuer=…) and --issuer',
        ),
      ];
    }
    return [ok('issuer.config', `one issuer for the stage: ${config.issuer} is what the metadata publishes and the authorizer expects (every function gets the same PORTCULLIS_ISSUER)`)];
  }
  const url = `${config.issuer}${ENDPOINT_PATHS.metadata}`;
  let res: { status: number; body: unknown };
  try {
    res = await (opts.httpGet ?? defaultHttpGet)(url);
  } catch (err) {
    return [error('issuer.metadata', `the metadata endpoint ${url} does not answer (${err instanceof Error ? err.message : String(err)})`, 'is the stack running / deployed at that URL? check the issuer setting')];
  }
  const doc = res.body as { issuer?: unknown; jwks_uri?: unknown } | undefined;
  if (res.status !== 200 || !doc || typeof doc !== 'object') {
    return [error('issuer.metadata', `the metadata endpoint ${url} answered ${res.status} without a metadata document`, 'check the metadata function and the issuer setting')];
  }
  const out: Finding[] = [];
  if (doc.issuer !== config.issuer) {
    out.push(
      error(
        'issuer.metadata',
        `the metadata says issuer ${JSON.stringify(doc.issuer)} but the authorizer expects "${config.issuer}" (the configured issuer): clients that check the metadata, or tokens minted elsewhere, will not match`,
        'set one issuer for the whole stage (custom.portcullis.issuer or --param issuer=…) and redeploy / restart',
      ),
    );
  }
  if (doc.jwks_uri !== config.jwksUri) {
    out.push(
      error(
        'issuer.jwks-uri',
        `the metadata advertises jwks_uri ${JSON.stringify(doc.jwks_uri)} but the authorizer fetches ${config.jwksUri}`,
        'leave PORTCULLIS_JWKS_URI unset (it follows the issuer) or make both the same',
      ),
    );
  }
  if (!out.length) out.push(ok('issuer.metadata', `the metadata issuer equals the configured issuer and the authorizer's expected issuer (${config.issuer}); jwks_uri ${config.jwksUri}`));
  return out;
}
