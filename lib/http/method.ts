import { OAuthError } from '../core/errors';
import type { HttpRequest } from './request';

/** 405 with `Allow` for any other method (the OAuth JSON error body says invalid_request). */
export function requireMethod(req: HttpRequest, allowed: readonly string[]): void {
  if (!allowed.includes(req.method)) {
    throw new OAuthError('method_not_allowed', `Use ${allowed.join(' or ')}`, { status: 405, headers: { Allow: allowed.join(', ') }, reason: 'method_not_allowed' });
  }
}
