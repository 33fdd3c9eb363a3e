import { renderBrowserError } from '../lib/composition/authorization';
import { handleLogout } from '../lib/composition/oidc';
import { apiHandler } from '../lib/http/api-handler';

/** GET|POST /oauth2/logout (OpenID Connect RP-Initiated Logout 1.0): pages for browsers. */
export const handler = apiHandler('logout', handleLogout, { renderError: renderBrowserError });
