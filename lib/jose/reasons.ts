/**
 * Stable reason codes of JWT verification (audit trail only; never sent to the caller in detail).
 * `missing` and `malformed` also cover the Authorization header the token came in.
 */
export type TokenReason =
  | 'missing'
  | 'malformed'
  | 'unsupported_alg'
  | 'wrong_typ'
  | 'forbidden_header'
  | 'missing_claim'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'iat_in_future'
  | 'unknown_kid'
  | 'alg_mismatch'
  | 'bad_signature';
