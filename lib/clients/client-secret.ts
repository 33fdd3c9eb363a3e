import { createHash, hash, timingSafeEqual } from 'node:crypto';

/** Secrets are stored only as SHA-256 hashes (hex). They are 256-bit random values, so no slow KDF is needed. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** The SHA-256 digest of a presented secret, computed once per request and compared with each stored hash. */
export const presentedDigest = (presented: string): Buffer => hash('sha256', presented, 'buffer') as Buffer;

/** Constant-time check of a presented secret's digest against a stored hash (hex). */
export function digestMatches(digest: Buffer, storedHash: string): boolean {
  const b = Buffer.from(storedHash, 'hex');
  return digest.length === b.length && timingSafeEqual(digest, b);
}

/** Constant-time check of a presented secret against a stored hash. */
export function secretMatches(presented: string, storedHash: string): boolean {
  return digestMatches(presentedDigest(presented), storedHash);
}

/** A hash that no secret produces in practice, used to spend the same time on unknown clients. */
export const DUMMY_SECRET_HASH = hashSecret('portcullis:no-such-client');
