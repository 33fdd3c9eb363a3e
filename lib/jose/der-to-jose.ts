/**
 * ECDSA signature formats. KMS (and OpenSSL by default) return DER:
 *   SEQUENCE { INTEGER r, INTEGER s }
 * where each INTEGER is minimal big-endian two's complement: a leading 0x00 when the high bit
 * is set (33 bytes), fewer than 32 bytes when the value is small. JOSE (RFC 7518 §3.4) wants
 * r || s, each left-padded to the curve size (32 bytes for P-256).
 */

function readLength(der: Buffer, at: number): { length: number; next: number } {
  if (at >= der.length) throw new Error('ECDSA signature: truncated DER');
  const first = der[at];
  if (first < 0x80) return { length: first, next: at + 1 };
  if (first === 0x81) {
    if (at + 1 >= der.length) throw new Error('ECDSA signature: truncated DER');
    const length = der[at + 1];
    if (length < 0x80) throw new Error('ECDSA signature: non-minimal DER length');
    return { length, next: at + 2 };
  }
  throw new Error('ECDSA signature: unsupported DER length');
}

function readInteger(der: Buffer, at: number, size: number): { value: Buffer; next: number } {
  if (der[at] !== 0x02) throw new Error('ECDSA signature: expected a DER INTEGER');
  const { length, next } = readLength(der, at + 1);
  if (length === 0 || next + length > der.length) throw new Error('ECDSA signature: bad INTEGER length');
  let bytes = der.subarray(next, next + length);
  if (bytes[0] & 0x80) throw new Error('ECDSA signature: negative INTEGER');
  if (bytes.length > 1 && bytes[0] === 0x00 && !(bytes[1] & 0x80)) throw new Error('ECDSA signature: non-minimal INTEGER');
  while (bytes.length > 1 && bytes[0] === 0x00) bytes = bytes.subarray(1);
  if (bytes.length > size) throw new Error('ECDSA signature: INTEGER larger than the curve');
  const value = Buffer.alloc(size);
  bytes.copy(value, size - bytes.length);
  return { value, next: next + length };
}

/** DER ECDSA signature → JOSE r||s (`size` bytes each: 32 for ES256). Throws on anything malformed. */
export function derToJose(der: Uint8Array, size = 32): Buffer {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  if (buf[0] !== 0x30) throw new Error('ECDSA signature: expected a DER SEQUENCE');
  const seq = readLength(buf, 1);
  if (seq.next + seq.length !== buf.length) throw new Error('ECDSA signature: DER length mismatch');
  const r = readInteger(buf, seq.next, size);
  const s = readInteger(buf, r.next, size);
  if (s.next !== buf.length) throw new Error('ECDSA signature: trailing bytes');
  return Buffer.concat([r.value, s.value]);
}

function derInteger(value: Buffer): Buffer {
  let i = 0;
  while (i < value.length - 1 && value[i] === 0) i++;
  let bytes = value.subarray(i);
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/** JOSE r||s → DER (the inverse; used by tests and fakes). */
export function joseToDer(jose: Uint8Array): Buffer {
  const buf = Buffer.from(jose.buffer, jose.byteOffset, jose.byteLength);
  if (buf.length % 2 !== 0 || buf.length === 0) throw new Error('ECDSA signature: odd JOSE length');
  const half = buf.length / 2;
  const body = Buffer.concat([derInteger(buf.subarray(0, half)), derInteger(buf.subarray(half))]);
  const len = body.length < 0x80 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), len, body]);
}
