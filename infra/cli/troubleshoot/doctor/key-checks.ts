/**
 * `doctor`: the signing keys. Key-store records are self-consistent (kid = RFC 7638 thumbprint, alg = key
 * type); the active key's signer is built as the key ring builds it (a file key must hold exactly that kid);
 * and a probe token, minted by the token endpoint's own code with the active signer, verifies through the
 * authorizer's TokenVerifier against the published keys. The probe carries an audience no API accepts, and
 * it is never printed or sent anywhere.
 */
import { createPublicKey } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import { TokenVerifier } from '../../../../lib/authorizer/token-verifier';
import type { Clock } from '../../../../lib/core/clock';
import { epochSeconds } from '../../../../lib/core/clock';
import { DEFAULTS } from '../../../../lib/config/defaults';
import type { Config } from '../../../../lib/config/types';
import { randomIds } from '../../../../lib/core/ids';
import { FileSigner } from '../../../../lib/keys/file-signer';
import { algForKey, jwkThumbprint } from '../../../../lib/jose/jwk';
import { createKmsClient } from '../../../../lib/keys/kms-client';
import { KmsSigner } from '../../../../lib/keys/kms-signer';
import { requireKeyDir } from '../../../../lib/keys/local-key';
import type { ScheduledKey } from '../../../../lib/keys/schedule';
import type { Signer } from '../../../../lib/keys/signer';
import { mintAccessToken } from '../../../../lib/tokens/access-token';
import { fixedFetcher, publishedJwks, type KeyView } from '../key-view';
import type { Finding } from '../types';
import { error, info, ok, warning } from './finding';

/** The probe token's audience: no authorizer expects it, so the probe cannot open anything. */
export const PROBE_AUDIENCE = 'urn:portcullis:doctor-probe';

export interface KeyCheckDeps {
  config: Config;
  keys: KeyView;
  clock: Clock;
  kms?: KMSClient;
}

function recordProblems(k: ScheduledKey): string | undefined {
  const { record } = k;
  try {
    if (jwkThumbprint(record.publicJwk) !== record.kid) return `its public key's thumbprint is not its kid ${record.kid}`;
    const alg = algForKey(createPublicKey({ key: { ...record.publicJwk } as never, format: 'jwk' }));
    if (alg !== record.alg) return `it is recorded as ${record.alg} but the key is a ${alg} key`;
  } catch (err) {
    return `its public key cannot be read (${err instanceof Error ? err.message : String(err)})`;
  }
  return undefined;
}

/** The active key's signer, built like CachedKeyRing.buildSigner; a finding when it cannot be. */
function activeSigner(config: Config, k: ScheduledKey, kms: () => KMSClient): { signer?: Signer; finding?: Finding } {
  const r = k.record;
  if (r.source === 'kms') return { signer: KmsSigner.withPublicJwk({ kms: kms(), keyId: r.ref, publicJwk: { ...r.publicJwk, kid: r.kid } }) };
  let dir: string;
  try {
    dir = requireKeyDir(config);
  } catch (err) {
    return { finding: error('keys.signer-mismatch', `the active key ${r.kid} is a file key but ${(err as Error).message}`, 'set PORTCULLIS_KEY_DIR to the directory holding the key files') };
  }
  let signer: FileSigner;
  try {
    signer = FileSigner.fromFile(dir, r.ref);
  } catch (err) {
    return {
      finding: error(
        'keys.signer-mismatch',
        `the active key ${r.kid} cannot be loaded from ${dir}/${r.ref} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): the token endpoint fails on every token request`,
        'restore the key file, or rotate: npm run --silent admin -- keys rotate --now (then keys retire the old kid)',
      ),
    };
  }
  if (signer.kid !== r.kid) {
    return {
      finding: error(
        'keys.signer-mismatch',
        `the key file ${dir}/${r.ref} holds key ${signer.kid}, not the active key ${r.kid} that the key store and the JWKS publish: the token endpoint refuses to sign with it (500 on every token request)`,
        'restore the original key file, or rotate: npm run --silent admin -- keys rotate --now (then keys retire the old kid)',
      ),
    };
  }
  return { signer };
}

export async function keyChecks(deps: KeyCheckDeps): Promise<Finding[]> {
  const { config, keys, clock } = deps;
  const out: Finding[] = [];
  const schedule = keys.schedule;
  if (!schedule) return [error('keys.store', `the key store could not be read: ${keys.notes.join('; ')}`, 'check DynamoDB access (table and credentials)')];

  const inState = (state: string) => schedule.filter((k) => k.state === state).length;
  out.push(info('keys.states', `${schedule.length} key(s): ${inState('active')} active, ${inState('next')} next, ${inState('previous')} previous, ${inState('retired')} retired (at ${new Date(epochSeconds(clock) * 1000).toISOString()})`));

  for (const k of schedule.filter((x) => x.published)) {
    const problem = recordProblems(k);
    if (problem) out.push(error('keys.record-inconsistent', `key ${k.record.kid} (${k.state}) in the key store: ${problem}`, 'retire it (keys retire KID) after rotating if it is active'));
  }

  // The JWKS endpoint serves what the key store publishes.
  if (keys.fetched && keys.jwks) {
    const served = new Set(keys.jwks.keys.map((j) => j.kid));
    const published = new Set(publishedJwks(schedule).keys.map((j) => String(j.kid)));
    const missing = [...published].filter((kid) => !served.has(kid));
    const extra = [...served].filter((kid) => !published.has(kid as string));
    if (missing.length || extra.length) {
      out.push(
        warning(
          'keys.jwks-differs',
          `the JWKS at ${config.jwksUri} ${missing.length ? `lacks ${missing.join(', ')}` : ''}${missing.length && extra.length ? ' and ' : ''}${extra.length ? `serves ${extra.join(', ')} that the key store does not publish` : ''}`,
          `it may be cached (up to ${config.keys?.jwksCacheSeconds ?? DEFAULTS.jwksCacheSeconds} s); if it persists, the JWKS function reads another table or stage`,
        ),
      );
    }
  }

  const active = schedule.find((k) => k.state === 'active');
  if (!active) {
    // The functions only read the key store: the first key comes from `keys init` (README "Deploying").
    const where = config.stage === 'local' ? '' : ` --stage ${config.stage} --region ${config.region}`;
    out.push(
      error(
        'keys.no-active',
        'no key is active: the token and JWKS endpoints answer 503 temporarily_unavailable until one is (the functions never create keys)',
        `npm run --silent admin -- keys init${where}`,
      ),
    );
    return out;
  }
  const desc = `${active.record.kid} (${active.record.alg}, ${active.record.source})`;
  if (active.record.alg !== config.signer.alg) {
    out.push(
      warning(
        'keys.alg',
        `the active key ${desc} signs ${active.record.alg} but the configuration says ${config.signer.alg}`,
        `rotate to get a ${config.signer.alg} key (keys rotate), or set custom.portcullis.signingAlg: ${active.record.alg}`,
      ),
    );
  } else out.push(ok('keys.alg', `the configured algorithm ${config.signer.alg} matches the active key ${desc}`));

  let kms = deps.kms;
  const built = activeSigner(config, active, () => (kms ??= createKmsClient(config)));
  if (!built.signer) {
    out.push(built.finding!);
    return out;
  }
  let probe: { token: string };
  try {
    probe = await mintAccessToken(
      { issuer: config.issuer, audience: PROBE_AUDIENCE, clientId: 'portcullis-doctor', subject: 'portcullis-doctor', scopes: [], lifetimeSeconds: 60 },
      built.signer,
      { clock, ids: randomIds },
    );
  } catch (err) {
    // Signers wrap a KMS failure in temporarily_unavailable: the cause says what went wrong.
    const e = ((err as { cause?: unknown }).cause ?? err) as { name?: string; message?: string };
    out.push(
      error(
        'keys.probe',
        `the active key ${desc} cannot sign (${e.name ?? 'Error'}: ${e.message ?? String(err)}): the token endpoint fails on every token request`,
        active.record.source === 'kms' ? 'check that the KMS key is enabled and that the caller may kms:Sign with it' : 'check the key file',
      ),
    );
    return out;
  }
  const verifier = new TokenVerifier(
    {
      issuer: config.issuer,
      audience: PROBE_AUDIENCE,
      jwksUri: config.jwksUri,
      clockSkewSeconds: config.clockSkewSeconds,
      jwksRefetchMinIntervalMs: config.jwksRefetchMinIntervalMs,
      jwksFetchTimeoutMs: DEFAULTS.jwksFetchTimeoutMs,
      jwksMaxAgeMs: 60_000,
      jwksMaxStalenessMs: config.jwksMaxStalenessSeconds * 1000,
    },
    { clock, jwks: keys.jwks, fetcher: fixedFetcher(keys.jwks) },
  );
  const result = await verifier.verify(probe.token);
  if (result.ok) {
    out.push(ok('keys.probe', `a probe token signed by the active key ${desc} verifies against ${keys.source}`));
  } else {
    const why: Record<string, string> = {
      unknown_kid: `${keys.source} does not publish the active key ${active.record.kid}: verifiers refuse every new token`,
      bad_signature: `the signature of the active key ${active.record.kid} does not verify with the published key of that kid: the signing key and the key store record differ`,
      alg_mismatch: `the published key ${active.record.kid} has another algorithm than the one the signer uses`,
    };
    out.push(
      error(
        'keys.probe',
        `a probe token signed by the active key ${desc} does not verify (${result.reason}): ${why[result.reason] ?? 'see the reason code'}`,
        'check `keys list`; rotate (keys rotate --now) if the active key is broken',
      ),
    );
  }
  return out;
}
