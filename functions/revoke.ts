import { handleRevoke } from '../lib/composition/presented-token';
import { apiHandler } from '../lib/http/api-handler';

/** POST /oauth2/revoke (RFC 7009) */
export const handler = apiHandler('revoke', handleRevoke);
