import { createHash, timingSafeEqual } from 'node:crypto';

/** Secrets are stored only as SHA-256 hashes (hex). They are 256-bit random values, so no slow KDF is needed. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/** Constant-time check of a presented secret against a stored hash. */
export function secretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A hash that no secret produces in practice, used to spend the same time on unknown clients. */
export const DUMMY_SECRET_HASH = hashSecret('portcullis:no-such-client');
