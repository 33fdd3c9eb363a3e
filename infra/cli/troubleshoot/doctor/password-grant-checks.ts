/**
 * `doctor`: the password grant (lib/grants/password.ts). While custom.portcullis.passwordGrant.enabled is true it is
 * a warning (RFC 9700 §2.4: it must not be used), naming the clients that can use it; while it is off, clients
 * registered with the `password` grant type are noted (their password requests get unsupported_grant_type).
 */
import type { Config } from '../../../../lib/config/types';
import type { ClientRecord } from '../../../../lib/models/client';
import type { Finding } from '../types';
import { info, ok, warning } from './finding';

const FIX =
  'move these clients to the authorization code flow with PKCE (users sign in on the hosted page) or to client_credentials (machines), ' +
  'then set custom.portcullis.passwordGrant.enabled: false and deploy (README "The password grant")';

export function passwordGrantChecks(config: Config, clients: ClientRecord[] | undefined): Finding[] {
  const users = (clients ?? []).filter((c) => c.grantTypes.includes('password'));
  const active = users.filter((c) => c.status === 'active' && !c.public);
  const names = (list: ClientRecord[]) => list.map((c) => `${c.clientId} ("${c.name}")`).join(', ');
  if (config.passwordGrant?.enabled === true) {
    const who = clients === undefined ? 'the clients could not be read' : active.length ? `clients that can use it: ${names(active)}` : 'no active client has the password grant type yet';
    return [
      warning(
        'password-grant.enabled',
        `the password grant is on (custom.portcullis.passwordGrant.enabled: true): clients handle users' passwords, which RFC 9700 §2.4 forbids; ${who}. Every use is audited at level WARN.`,
        FIX,
      ),
    ];
  }
  if (users.length) {
    return [
      info(
        'password-grant.registered',
        `the password grant is off, but ${users.length} client(s) are registered with it: ${names(users)}; their password requests get unsupported_grant_type`,
        'move them to the authorization code flow with PKCE or client_credentials',
      ),
    ];
  }
  return [ok('password-grant', 'the password grant is off')];
}
