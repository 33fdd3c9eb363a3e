import { randomBytes } from 'node:crypto';

/** Injectable id source. */
export interface IdGenerator {
  /** A token identifier with ≥ 128 bits of randomness (RFC 9068 jti). */
  jti(): string;
  /** A client identifier. */
  clientId(): string;
  /** A client secret: 256 random bits, base64url. */
  secret(): string;
}

export const randomIds: IdGenerator = {
  jti: () => randomBytes(16).toString('base64url'),
  clientId: () => `pc_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`,
  secret: () => randomBytes(32).toString('base64url'),
};
