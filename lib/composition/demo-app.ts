/** functions/demo-app.ts: the demo app of the local and dev stages (a client of the authorization server). */
import { handleDemoAppRequest } from '../demo-app/demo-app';
import type { HttpRequest } from '../http/request';
import { lambdaContainer } from './container';

export const handleDemoApp = (req: HttpRequest) => handleDemoAppRequest(req, { config: lambdaContainer().config });
