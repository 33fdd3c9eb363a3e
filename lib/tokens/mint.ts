/** RFC 9068 JWT access tokens: `typ: at+jwt`, signed through a Signer. */
import type { Clock } from '../clock';
import { epochSeconds } from '../clock';
import type { IdGenerator } from '../ids';
import type { Signer } from '../keys/signer';
import type { AccessTokenClaims } from './claims';

export type { AccessTokenClaims };

export interface MintInput {
  issuer: string;
  audience: string;
  clientId: string;
  subject: string;
  scopes: string[];
  lifetimeSeconds: number;
  /**
   * The token's `iat` (epoch seconds; `exp` = iat + lifetime): when the client was authenticated, so that the
   * slow steps after it (key ring, KMS) cannot push a token past a disable's not-before. Default: the clock now.
   */
  issuedAt?: number;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

export async function mintAccessToken(
  input: MintInput,
  signer: Signer,
  deps: { clock: Clock; ids: IdGenerator },
): Promise<{ token: string; claims: AccessTokenClaims }> {
  const iat = input.issuedAt ?? epochSeconds(deps.clock);
  const claims: AccessTokenClaims = {
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience,
    client_id: input.clientId,
    scope: input.scopes.join(' '),
    iat,
    exp: iat + input.lifetimeSeconds,
    jti: deps.ids.jti(),
  };
  const signingInput = `${b64url({ alg: signer.alg, typ: 'at+jwt', kid: signer.kid })}.${b64url(claims)}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return { token: `${signingInput}.${signature.toString('base64url')}`, claims };
}
