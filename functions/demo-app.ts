import { renderBrowserError } from '../lib/composition/authorization';
import { handleDemoApp } from '../lib/composition/demo-app';
import { apiHandler } from '../lib/http/api-handler';

/** GET /demo/app, /demo/app/login, /demo/app/callback, /demo/app/logout: the demo app (local and dev stages only). */
export const handler = apiHandler('demoApp', handleDemoApp, { renderError: renderBrowserError });
