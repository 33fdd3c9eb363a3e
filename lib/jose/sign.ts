/** JWS compact serialization (RFC 7515 §7.1) of a JSON payload, signed through a Signer (file or KMS key). */
import type { Signer } from '../keys/signer';

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** `header` gets the signer's `alg` and `kid`; `typ` says what kind of token it is (RFC 8725 §3.11). */
export async function signJws(typ: string, payload: object, signer: Pick<Signer, 'alg' | 'kid' | 'sign'>): Promise<string> {
  const signingInput = `${b64url({ alg: signer.alg, typ, kid: signer.kid })}.${b64url(payload)}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${signature.toString('base64url')}`;
}
