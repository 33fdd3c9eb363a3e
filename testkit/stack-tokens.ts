/** Tokens signed with the test stack's own key (so only the claim under test is wrong), and hostile variants. */
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicJwkOf } from '../lib/jose/jwk';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export interface StackSigner {
  kid: string;
  key: KeyObject;
  publicPem: string;
}

/** The stack's active file key (the local stack keeps it under <stateDir>/keys). */
export function stackSigner(stateDir: string): StackSigner {
  const dir = join(stateDir, 'keys');
  const file = readdirSync(dir).find((f) => !f.startsWith('.'))!;
  const key = createPrivateKey(readFileSync(join(dir, file)));
  return { kid: publicJwkOf(key).kid, key, publicPem: createPublicKey(key).export({ format: 'pem', type: 'spki' }).toString() };
}

export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

export function hmacJwt(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string | Buffer, hash = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

export const unsignedJwt = (header: Record<string, unknown>, payload: Record<string, unknown>) => `${b64(header)}.${b64(payload)}.`;

export function claimsFor(issuer: string, audience: string, clientId = 'forged-client', scope = 'read:data write:data') {
  const now = Math.floor(Date.now() / 1000);
  return { iss: issuer, sub: clientId, aud: audience, client_id: clientId, scope, iat: now, exp: now + 600, jti: `j${now}${Math.random().toString(36).slice(2)}` };
}

export const attackerKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
