/**
 * `admin users …` (a stable contract; scripts rely on the commands and their --json output, the last stdout line):
 *   users create --username NAME --roles "reader writer" [--password-stdin] [--email E] [--name N] [--json]
 *                 (without --password-stdin a password is generated and shown once)
 *   users list | show NAME | disable NAME | enable NAME | set-password NAME --password-stdin | set-roles NAME --roles "…"
 *   users delete NAME | revoke-consent NAME [--client ID]
 *   users create … [--email-verified]; users set-profile NAME [--email E|""] [--name N|""] [--email-verified|--email-unverified]
 * A password never appears in the process list: it comes on stdin (one line) or is generated.
 */
import { createUserAdmin } from '../../lib/composition/user-admin';
import { describeUser } from '../../lib/users/user-admin';
import { generatePassword } from '../../lib/users/password';
import { CliError, type CliTarget } from './context';

export interface UsersValues {
  json?: boolean;
  username?: string;
  roles?: string;
  'password-stdin'?: boolean;
  email?: string;
  name?: string;
  client?: string;
  'email-verified'?: boolean;
  'email-unverified'?: boolean;
}

function verifiedFlag(v: UsersValues, sub: string): boolean | undefined {
  if (v['email-verified'] && v['email-unverified']) throw new CliError(`users ${sub}: --email-verified or --email-unverified, not both`, 2);
  if (v['email-verified']) return true;
  if (v['email-unverified']) return sub === 'create' ? undefined : false;
  return undefined;
}

const words = (s: string | undefined) => (s ?? '').split(/\s+/).filter(Boolean);

/** One line from stdin (a trailing CR/LF removed). */
export async function readPasswordLine(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
  const text = Buffer.concat(chunks).toString('utf8');
  const line = text.split(/\r?\n/)[0];
  if (!line) throw new CliError('--password-stdin: no password on stdin (one line expected)');
  return line;
}

export async function runUsersCommand(
  sub: string | undefined,
  name: string | undefined,
  v: UsersValues,
  target: CliTarget,
  io: { out: (line: string) => void; readPassword?: () => Promise<string> },
): Promise<number> {
  const admin = createUserAdmin(target.config, target.table, target.container.audit(), target.actor);
  const { out } = io;
  const readPassword = io.readPassword ?? (() => readPasswordLine());
  const show = (value: object, text: string) => out(v.json ? JSON.stringify(value) : text);
  const needName = () => {
    if (!name) throw new CliError(`users ${sub} needs a username`, 2);
    return name;
  };
  switch (sub) {
    case 'create': {
      if (!v.username) throw new CliError('users create needs --username NAME', 2);
      const generated = v['password-stdin'] ? undefined : generatePassword();
      const password = generated ?? (await readPassword());
      const user = await admin.create({ username: v.username, password, roles: words(v.roles), email: v.email, name: v.name, emailVerified: verifiedFlag(v, 'create') });
      if (generated && !v.json) out('The password is shown once; give it to the user now.');
      show(
        { ...describeUser(user), ...(generated ? { password: generated } : {}) },
        `sub:      ${user.sub}\nusername: ${user.username}\nroles:    ${user.roles.join(' ') || '(none)'}${generated ? `\npassword: ${generated}` : ''}`,
      );
      return 0;
    }
    case 'list': {
      const users = await admin.list();
      if (v.json) out(JSON.stringify({ users: users.map(describeUser) }));
      else if (users.length === 0) out('no users');
      else for (const u of users) out(`${u.username}\t${u.status}\t${u.sub}\t${u.roles.join(' ')}`);
      return 0;
    }
    case 'show': {
      const u = describeUser(await admin.get(needName()));
      show(u, JSON.stringify(u, null, 2));
      return 0;
    }
    case 'disable':
    case 'enable': {
      const u = await admin.setStatus(needName(), sub === 'disable' ? 'disabled' : 'active');
      show(
        { username: u.username, disabled: u.status === 'disabled' },
        sub === 'disable' ? `${u.username} is disabled: its sessions are over and its tokens revoked` : `${u.username} may sign in again`,
      );
      return 0;
    }
    case 'set-password': {
      if (!v['password-stdin']) throw new CliError('users set-password needs --password-stdin (the new password, one line on stdin)', 2);
      const u = await admin.setPassword(needName(), await readPassword());
      show({ username: u.username, sub: u.sub, password_changed_at: describeUser(u).password_changed_at }, `new password set for ${u.username}; its sessions are over`);
      return 0;
    }
    case 'set-roles': {
      if (v.roles === undefined) throw new CliError('users set-roles needs --roles "role-a role-b" (or "" for none)', 2);
      const u = describeUser(await admin.setRoles(needName(), words(v.roles)));
      show(u, `${u.username}: roles ${u.roles.join(' ') || '(none)'}`);
      return 0;
    }
    case 'set-profile': {
      const u = describeUser(await admin.setProfile(needName(), { email: v.email, name: v.name, emailVerified: verifiedFlag(v, sub) }));
      show(u, `${u.username}: name ${u.name ?? '(none)'}, email ${u.email ?? '(none)'}${u.email ? (u.email_verified ? ' (verified)' : ' (unverified)') : ''}`);
      return 0;
    }
    case 'delete': {
      const u = await admin.delete(needName());
      show({ username: u.username, sub: u.sub, deleted: true }, `deleted ${u.username} (its tokens are revoked)`);
      return 0;
    }
    case 'revoke-consent': {
      const { user, revoked } = await admin.revokeConsent(needName(), v.client);
      show({ username: user.username, revoked }, `forgot ${revoked} consent(s) of ${user.username}`);
      return 0;
    }
    default:
      throw new CliError(`unknown users command "${sub ?? ''}"`, 2);
  }
}
