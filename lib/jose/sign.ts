/** JWS compact serialization (RFC 7515 §7.1) of a JSON payload, signed through a Signer (file or KMS key). */

/** What signing needs of a key (lib/keys: a file or KMS signer). */
export interface JwsSigner {
  readonly alg: string;
  readonly kid: string;
  /** The JOSE signature bytes over the signing input. */
  sign(signingInput: Buffer): Promise<Buffer>;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** `header` gets the signer's `alg` and `kid`; `typ` says what kind of token it is (RFC 8725 §3.11). */
export async function signJws(typ: string, payload: object, signer: JwsSigner): Promise<string> {
  const signingInput = `${b64url({ alg: signer.alg, typ, kid: signer.kid })}.${b64url(payload)}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${signature.toString('base64url')}`;
}
