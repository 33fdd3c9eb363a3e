import { handleOpenidConfiguration } from '../lib/composition/public-documents';
import { apiHandler } from '../lib/http/api-handler';

/** GET /.well-known/openid-configuration (OpenID Connect Discovery 1.0) */
export const handler = apiHandler('openidConfiguration', handleOpenidConfiguration);
