/** functions/login.ts: POST /oauth2/login (it carries the native Argon2 module, as the token function does for the password grant). */
import { handleLoginRequest } from '../endpoints/login';
import type { HttpRequest } from '../http/request';
import { authorizationDeps } from './authorization';
import { lambdaContainer } from './container';

export const handleLogin = (req: HttpRequest) => handleLoginRequest(req, authorizationDeps(lambdaContainer()));
