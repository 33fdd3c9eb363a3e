/** functions/login.ts: POST /oauth2/login (the only function that hashes passwords: it carries the native Argon2 module). */
import { handleLoginRequest } from '../endpoints/login';
import type { HttpRequest } from '../http/request';
import { authorizationDeps } from './authorization';
import { lambdaContainer } from './container';

export const handleLogin = (req: HttpRequest) => handleLoginRequest(req, authorizationDeps(lambdaContainer()));
