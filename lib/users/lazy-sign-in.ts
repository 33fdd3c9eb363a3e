/**
 * signIn (sign-in.ts) with Argon2, a native module, loaded at the first call. The token function's password grant
 * uses it, so a cold start that serves client_credentials never loads Argon2; only lib/composition/token.ts wires it,
 * so no other function's bundle (the metadata function lists the grants too) references the module.
 */
import type { signIn } from './sign-in';

export type SignIn = typeof signIn;

export const lazySignIn: SignIn = async (...args) => (await import('./sign-in')).signIn(...args);
