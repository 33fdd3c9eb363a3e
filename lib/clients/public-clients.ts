/**
 * The only grants a public client (no secret, token endpoint auth method `none`) may have: the code grant, whose
 * PKCE binds the code to the app that asked for it, and refresh tokens. client_credentials would give a token to
 * anyone who knows the client id; the password grant would hand users' passwords to an app nobody authenticates.
 * Registration refuses the others (client-admin.ts), and the token endpoint refuses them whatever a record says
 * (unauthorized_client, reason `public_client_grant`).
 */
import type { GrantType } from '../models/client';

export const PUBLIC_CLIENT_GRANTS: readonly GrantType[] = ['authorization_code', 'refresh_token'];

export const PUBLIC_CLIENT_GRANT_REASON = 'public_client_grant';
