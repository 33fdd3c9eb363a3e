import { handleToken } from '../lib/composition/token';
import { apiHandler } from '../lib/http/api-handler';

/** POST /oauth2/token */
export const handler = apiHandler('token', handleToken);
