import { renderBrowserError } from '../lib/composition/authorization';
import { handleLogin } from '../lib/composition/login';
import { apiHandler } from '../lib/http/api-handler';

/** POST /oauth2/login: the hosted sign-in form. */
export const handler = apiHandler('login', handleLogin, { renderError: renderBrowserError });
