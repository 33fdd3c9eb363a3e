/**
 * Passwords: Argon2id with OWASP's parameters (19 MiB, 2 iterations, 1 lane; DEFAULTS.argon2*), through
 * @node-rs/argon2 (a native module: the login and token functions' zips carry the binary of its Lambda architecture,
 * see README "Deploying"). Node has no built-in Argon2, and scrypt at OWASP's parameters is ~35 times slower here.
 * A password over 1 KB (UTF-8) is refused before any hashing, so a huge one costs nothing.
 * An unknown user is verified against DUMMY_PASSWORD_HASH, so it costs the same as a known one.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { DEFAULTS } from '../config/defaults';

const ARGON2ID = 2 as Algorithm;
const OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: DEFAULTS.argon2MemoryKiB,
  timeCost: DEFAULTS.argon2Iterations,
  parallelism: DEFAULTS.argon2Parallelism,
};

/** The hash of a random password nobody knows, with the same parameters: verifying against it costs what a real check costs. */
export const DUMMY_PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$tU7FA1DHUpu9MBtMiwNebQ$Slz3ubxSbIFEtcSCKpwTZDJcXD9Y57m6teN+Bo7Acm8';

/** Shortest password an administrator may set (NIST SP 800-63B §5.1.1.2); no composition rules. */
export const MIN_PASSWORD_CHARS = 8;

export const passwordTooLong = (password: string): boolean => Buffer.byteLength(password, 'utf8') > DEFAULTS.maxPasswordBytes;

/** Why a new password is refused, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_CHARS) return `a password needs at least ${MIN_PASSWORD_CHARS} characters`;
  if (passwordTooLong(password)) return `a password may have at most ${DEFAULTS.maxPasswordBytes} bytes`;
  return undefined;
}

export function hashPassword(password: string): Promise<string> {
  if (passwordTooLong(password)) throw new RangeError('password too long');
  return hash(password, OPTIONS);
}

/** Constant-time check (Argon2's own comparison). False at once for an over-long password, before any hashing. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  if (passwordTooLong(password)) return false;
  try {
    return await verify(storedHash, password);
  } catch {
    return false; // a malformed stored hash never matches
  }
}

/** 16 random characters from a legible alphabet (~95 bits), for `users create` without --password-stdin and the demo user. */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(32);
  let out = '';
  for (const b of bytes) {
    if (b >= 228) continue; // 228 = 4 × 57: no modulo bias
    out += alphabet[b % alphabet.length];
    if (out.length === 16) break;
  }
  return out.length === 16 ? out : generatePassword();
}
