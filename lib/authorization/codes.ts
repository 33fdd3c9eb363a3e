/**
 * Issuing authorization codes: 256 random bits (base64url), stored only as their SHA-256 with everything they are
 * bound to (lib/models/authorization-code.ts), for `authorizationCodeLifetimeSeconds` (60 s by default).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuditEvent, AuditSink } from '../audit/types';
import type { Config } from '../config/types';
import { guardDependency } from '../core/dependency-guard';
import type { AuthorizationCodeRecord } from '../models/authorization-code';
import type { SessionRecord } from '../models/session';
import type { UserRecord } from '../models/user';
import type { AuthorizationCodeStore } from '../stores/ports';
import type { AuthorizationRequest } from './request';

export const hashCode = (code: string): string => createHash('sha256').update(code, 'utf8').digest('hex');

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export const s256 = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

export async function issueCode(
  i: { request: AuthorizationRequest; user: UserRecord; session: SessionRecord; scopes: string[]; nowSeconds: number },
  deps: { config: Config; codes: AuthorizationCodeStore; audit: AuditSink },
  context: Partial<AuditEvent>,
): Promise<string> {
  const code = randomBytes(32).toString('base64url');
  const record: AuthorizationCodeRecord = {
    clientId: i.request.client.clientId,
    redirectUri: i.request.redirectUri,
    codeChallenge: i.request.codeChallenge,
    scopes: i.scopes,
    sub: i.user.sub,
    sid: i.session.sid,
    authTime: i.session.authTime,
    ...(i.request.nonce !== undefined ? { nonce: i.request.nonce } : {}),
    ...(i.request.resource !== undefined ? { resource: i.request.resource } : {}),
    issuedAt: i.nowSeconds,
    codeExpiresAt: i.nowSeconds + deps.config.authorizationCodeLifetimeSeconds,
  };
  await guardDependency(deps.codes.create(hashCode(code), record));
  deps.audit.emit({
    ...context,
    event: 'code.issued',
    outcome: 'success',
    client_id: record.clientId,
    sub: record.sub,
    scopes_granted: record.scopes,
    detail: { sid: record.sid, expires_in: deps.config.authorizationCodeLifetimeSeconds, ...(record.resource !== undefined ? { resource: record.resource } : {}) },
  });
  return code;
}
