import { handleUserinfo } from '../lib/composition/oidc';
import { apiHandler } from '../lib/http/api-handler';

/** GET|POST /oauth2/userinfo (OpenID Connect Core 1.0 §5.3) */
export const handler = apiHandler('userinfo', handleUserinfo);
