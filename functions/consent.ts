import { handleConsent, renderBrowserError } from '../lib/composition/authorization';
import { apiHandler } from '../lib/http/api-handler';

/** POST /oauth2/consent: the consent page of third-party clients. */
export const handler = apiHandler('consent', handleConsent, { renderError: renderBrowserError });
