import { handleAuthorize, renderBrowserError } from '../lib/composition/authorization';
import { apiHandler } from '../lib/http/api-handler';

/** GET /oauth2/authorize (RFC 6749 §4.1.1): the authorization code flow with PKCE. Browsers get pages, never JSON. */
export const handler = apiHandler('authorize', handleAuthorize, { renderError: renderBrowserError });
