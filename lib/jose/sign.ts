/** JWS compact serialization (RFC 7515 §7.1) of a JSON payload, signed through a Signer (file or KMS key). */

/** What signing needs of a key (lib/keys: a file or KMS signer). */
export interface JwsSigner {
  readonly alg: string;
  readonly kid: string;
  /** The JOSE signature bytes over the signing input. */
  sign(signingInput: Buffer): Promise<Buffer>;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Encoded headers by typ, alg and kid: a handful per container, the same for every token of one key. */
const headers = new Map<string, string>();
function encodedHeader(typ: string, alg: string, kid: string): string {
  const k = `${typ} ${alg} ${kid}`;
  let h = headers.get(k);
  if (h === undefined) {
    if (headers.size >= 64) headers.clear();
    headers.set(k, (h = b64url({ alg, typ, kid })));
  }
  return h;
}

/** `header` gets the signer's `alg` and `kid`; `typ` says what kind of token it is (RFC 8725 §3.11). */
export async function signJws(typ: string, payload: object, signer: JwsSigner): Promise<string> {
  const signingInput = `${encodedHeader(typ, signer.alg, signer.kid)}.${b64url(payload)}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${signature.toString('base64url')}`;
}
