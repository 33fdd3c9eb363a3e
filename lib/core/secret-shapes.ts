/**
 * Recognising credentials in free text, in one pass over the characters (no backtracking regular
 * expressions): a compact JWS/JWE, a `Basic`/`Bearer`/`DPoP` credential, or a long opaque base64/hex run
 * (portcullis client secrets are 43 base64url characters). The audit scrubber, the operational logger and
 * the metrics all use it, so nothing that looks like a secret leaves the process.
 */
export const REDACTED = '[redacted]';

/** A JOSE compact serialization: the header segment is base64url JSON, so it starts with "ey". */
const JOSE_COMPACT = /ey[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/;
/** An HTTP credential with its scheme. */
const CREDENTIAL = /(?:^|[^A-Za-z0-9])(?:basic|bearer|dpop)\s+\S/i;
/** Three dot-separated base64url segments of at least this length are a JWT, whatever the header. */
const JWT_SEGMENT_MIN = 16;
/** This many base64/base64url/hex characters in a row are a secret, a hash of one, or a signature. UUIDs (36) pass. */
const OPAQUE_RUN_MIN = 40;

/** 1: base64url character, 2: also base64 (`+`, `/` excluded: it separates path segments), 0: other. */
const CHAR_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9_-]/.test(ch)) CHAR_CLASS[c] = 1;
  else if (ch === '+' || ch === '=') CHAR_CLASS[c] = 2;
}
const DOT = 46;

export const SECRET = -1;
export const PLAIN = 0;
export const ESCAPE = 1;

/**
 * One pass over `s`: SECRET when it may carry a token, secret or Authorization value;
 * otherwise ESCAPE when JSON needs escapes (or non-ASCII) to quote it, else PLAIN.
 */
export function inspect(s: string): number {
  const n = s.length;
  let opaque = 0; // current run of base64/base64url characters
  let seg = 0; // current run of base64url characters
  let longSegments = 0; // consecutive dot-separated segments of JWT_SEGMENT_MIN+ just before `seg`
  let dot = false;
  let spaceOrWide = false;
  let escape = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? CHAR_CLASS[c] : 0;
    if (k === 1) {
      seg++;
      if (++opaque >= OPAQUE_RUN_MIN) return SECRET;
      continue;
    }
    if (seg >= JWT_SEGMENT_MIN && longSegments >= 2) return SECRET;
    if (c === DOT) {
      dot = true;
      longSegments = seg >= JWT_SEGMENT_MIN ? longSegments + 1 : 0;
    } else {
      longSegments = 0;
      if (c <= 32 || c >= 127) {
        spaceOrWide = true;
        if (c < 32 || c >= 127) escape = true;
      } else if (c === 34 || c === 92) escape = true;
    }
    seg = 0;
    if (k === 2) {
      if (++opaque >= OPAQUE_RUN_MIN) return SECRET;
    } else opaque = 0;
  }
  if (seg >= JWT_SEGMENT_MIN && longSegments >= 2) return SECRET;
  if (dot && n >= 8 && s.includes('ey') && JOSE_COMPACT.test(s)) return SECRET;
  if (spaceOrWide && n >= 6 && CREDENTIAL.test(s)) return SECRET;
  return escape ? ESCAPE : PLAIN;
}

/** True when the string may carry a token, secret or Authorization value. */
export function looksSecret(s: string): boolean {
  return inspect(s) === SECRET;
}

