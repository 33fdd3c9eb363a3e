/** RFC 9068 JWT access tokens: `typ: at+jwt`, signed through a Signer (lib/jose/sign.ts). */
import type { Clock } from '../core/clock';
import { epochSeconds } from '../core/clock';
import type { IdGenerator } from '../core/ids';
import { signJws } from '../jose/sign';
import type { Signer } from '../keys/signer';
import type { AccessTokenClaims } from './access-token-claims';

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
  /** Further claims of the grant (e.g. `sid`, `auth_time` for a user's token); never overrides the ones above. */
  extraClaims?: Readonly<Record<string, string | number>>;
  /**
   * The token's id, when the grant had to know it before the token exists (the code grant records it in the code's
   * redemption, so a replayed code can revoke it). Default: a fresh one (≥ 128 random bits).
   */
  jti?: string;
}

export async function mintAccessToken(
  input: MintInput,
  signer: Signer,
  deps: { clock: Clock; ids: IdGenerator },
): Promise<{ token: string; claims: AccessTokenClaims }> {
  const iat = input.issuedAt ?? epochSeconds(deps.clock);
  const claims: AccessTokenClaims = {
    ...input.extraClaims,
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience,
    client_id: input.clientId,
    scope: input.scopes.join(' '),
    iat,
    exp: iat + input.lifetimeSeconds,
    jti: input.jti ?? deps.ids.jti(),
  };
  return { token: await signJws('at+jwt', claims, signer), claims };
}
