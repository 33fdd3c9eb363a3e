/**
 * User lifecycle for the admin CLI (`users …`): create, list, show, disable, enable, set-password, set-roles,
 * delete, revoke-consent. Never shows or logs a password or its hash.
 *   disable   the status, and `sessionsNotBefore` (every SSO session of the user is over), then the user's tokens
 *             are revoked by subject through the revocation feed (the gateway denies them within the bound)
 *   set-password  ends the user's sessions too (an administrator resets a password when it may be known)
 *   delete    revokes the user's tokens, forgets their consents, removes the user and frees the username
 */
import { randomBytes } from 'node:crypto';
import type { AuditEvent, AuditSink } from '../audit/types';
import { AdminError } from '../clients/client-admin';
import type { Clock } from '../core/clock';
import { epochSeconds, systemClock } from '../core/clock';
import type { Config } from '../config/types';
import type { UserRecord } from '../models/user';
import type { ConsentStore, UserStore } from '../stores/ports';
import { hashPassword, passwordProblem } from './password';
import { undeclaredRoles } from './roles';
import { normalizeUsername } from './username';

export interface UserAdminDeps {
  config: Config;
  users: UserStore;
  consents: ConsentStore;
  audit: AuditSink;
  actor?: string;
  clock?: Clock;
  /** Revokes every token of the subject issued up to now (the revocation feed); called by disable and delete. */
  revokeSubject?: (sub: string, actor: string) => Promise<{ notBefore: number }>;
  /** A new user's sub (default `usr_` + 128 random bits). */
  newSub?: () => string;
}

export interface CreateUserInput {
  username: string;
  password: string;
  roles: string[];
  email?: string;
  name?: string;
  /** The operator checked the address (`email_verified` in id_tokens and userinfo). */
  emailVerified?: boolean;
}

/** `users set-profile`: what is named changes; an empty string removes the email or the name. */
export interface ProfileChange {
  email?: string;
  name?: string;
  emailVerified?: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAX_PROFILE_CHARS = 256;

function checkProfile(p: { email?: string; name?: string }): void {
  if (p.email && (!EMAIL.test(p.email) || p.email.length > MAX_PROFILE_CHARS)) throw new AdminError('--email must be an email address');
  if (p.name && (p.name.length > MAX_PROFILE_CHARS || /[\u0000-\u001f\u007f]/.test(p.name))) throw new AdminError(`--name must be at most ${MAX_PROFILE_CHARS} printable characters`);
}

export const newUserSub = () => `usr_${randomBytes(16).toString('base64url')}`;

const iso = (s: number | undefined) => (s === undefined ? null : new Date(s * 1000).toISOString());

/** What the CLI shows of a user: never the password hash. */
export function describeUser(u: UserRecord) {
  return {
    sub: u.sub,
    username: u.username,
    roles: u.roles,
    status: u.status,
    email: u.email ?? null,
    email_verified: u.email ? u.emailVerified === true : null,
    name: u.name ?? null,
    created_at: iso(u.createdAt),
    updated_at: iso(u.updatedAt),
    password_changed_at: iso(u.passwordChangedAt),
    sessions_not_before: iso(u.sessionsNotBefore),
  };
}

export class UserAdmin {
  private readonly clock: Clock;
  private readonly actor: string;

  constructor(private readonly deps: UserAdminDeps) {
    this.clock = deps.clock ?? systemClock;
    this.actor = deps.actor ?? 'admin-cli';
  }

  private async emit(event: AuditEvent['event'], user: UserRecord, detail?: AuditEvent['detail']): Promise<void> {
    this.deps.audit.emit({ event, outcome: 'success', sub: user.sub, actor: this.actor, ...(detail ? { detail } : {}) });
    await this.deps.audit.flush();
  }

  private checkRoles(roles: string[]): string[] {
    const unknown = undeclaredRoles(roles, this.deps.config);
    if (unknown.length) {
      const declared = Object.keys(this.deps.config.roles);
      throw new AdminError(`undeclared role(s): ${unknown.join(', ')}; declared in serverless.yml: ${declared.length ? declared.join(', ') : '(none)'}`);
    }
    return [...new Set(roles)];
  }

  private username(raw: string): string {
    const u = normalizeUsername(raw);
    if (u === undefined) throw new AdminError('a username is 1 to 128 letters, digits and . _ @ + - (starting with a letter or digit)');
    return u;
  }

  private static checkPassword(password: string): void {
    const problem = passwordProblem(password);
    if (problem) throw new AdminError(problem);
  }

  async create(input: CreateUserInput): Promise<UserRecord> {
    const username = this.username(input.username);
    const roles = this.checkRoles(input.roles);
    UserAdmin.checkPassword(input.password);
    checkProfile(input);
    if (input.emailVerified && !input.email) throw new AdminError('--email-verified needs --email');
    const now = epochSeconds(this.clock);
    const user: UserRecord = {
      sub: (this.deps.newSub ?? newUserSub)(),
      username,
      roles,
      status: 'active',
      passwordHash: await hashPassword(input.password),
      ...(input.email ? { email: input.email } : {}),
      ...(input.email && input.emailVerified ? { emailVerified: true } : {}),
      ...(input.name ? { name: input.name } : {}),
      createdAt: now,
      updatedAt: now,
      passwordChangedAt: now,
    };
    await this.deps.users.create(user);
    await this.emit('user.created', user, { roles: roles.join(' ') });
    return user;
  }

  async get(rawUsername: string): Promise<UserRecord> {
    const username = normalizeUsername(rawUsername);
    const user = username === undefined ? undefined : await this.deps.users.findByUsername(username);
    if (!user) throw new AdminError(`no user named "${rawUsername}"`);
    return user;
  }

  async list(): Promise<UserRecord[]> {
    return (await this.deps.users.list()).sort((a, b) => a.createdAt - b.createdAt || a.username.localeCompare(b.username));
  }

  /** Disabling ends every session and revokes every token of the user; enabling lets them sign in again (old sessions stay over). */
  async setStatus(rawUsername: string, status: 'active' | 'disabled'): Promise<UserRecord> {
    const { sub } = await this.get(rawUsername);
    const now = epochSeconds(this.clock);
    const user = await this.deps.users.update(sub, (u) => ({
      ...u,
      status,
      updatedAt: now,
      ...(status === 'disabled' ? { sessionsNotBefore: Math.max(now, u.sessionsNotBefore ?? 0) } : {}),
    }));
    if (status === 'active') {
      await this.emit('user.enabled', user);
      return user;
    }
    await this.emit('user.disabled', user);
    await this.sessionsEnded(user, 'user_disabled');
    await this.revoke(user);
    return user;
  }

  /** Every SSO session of the user ended (by `sessionsNotBefore`: no session needs to be found one by one). */
  private async sessionsEnded(user: UserRecord, reason: 'user_disabled' | 'password_reset'): Promise<void> {
    this.deps.audit.emit({ event: 'session.ended', outcome: 'success', reason, sub: user.sub, actor: this.actor, detail: { sessions: 'all', sessions_not_before: user.sessionsNotBefore ?? 0 } });
    await this.deps.audit.flush();
  }

  private async revoke(user: UserRecord): Promise<void> {
    if (!this.deps.revokeSubject) return;
    const { notBefore } = await this.deps.revokeSubject(user.sub, this.actor);
    this.deps.audit.emit({ event: 'revocation.subject', outcome: 'success', sub: user.sub, actor: this.actor, detail: { not_before: notBefore, via: 'users' } });
    await this.deps.audit.flush();
  }

  /** A new password; the user's SSO sessions end (tokens already issued keep working until they expire). */
  async setPassword(rawUsername: string, password: string): Promise<UserRecord> {
    const { sub } = await this.get(rawUsername);
    UserAdmin.checkPassword(password);
    const passwordHash = await hashPassword(password);
    const now = epochSeconds(this.clock);
    const user = await this.deps.users.update(sub, (u) => ({ ...u, passwordHash, passwordChangedAt: now, updatedAt: now, sessionsNotBefore: Math.max(now, u.sessionsNotBefore ?? 0) }));
    await this.emit('user.changed', user, { change: 'password' });
    await this.sessionsEnded(user, 'password_reset');
    return user;
  }

  /** New roles: new codes use them at once, and every code exchange caps the scope by the roles the user has then. */
  async setRoles(rawUsername: string, roles: string[]): Promise<UserRecord> {
    const { sub } = await this.get(rawUsername);
    const checked = this.checkRoles(roles);
    const user = await this.deps.users.update(sub, (u) => ({ ...u, roles: checked, updatedAt: epochSeconds(this.clock) }));
    await this.emit('user.changed', user, { change: 'roles', roles: checked.join(' ') });
    return user;
  }

  /**
   * The profile claims (OpenID Connect `profile` and `email` scopes): the next id_token and userinfo answer carry
   * them. A new email address is unverified unless `emailVerified` says otherwise.
   */
  async setProfile(rawUsername: string, change: ProfileChange): Promise<UserRecord> {
    const { sub } = await this.get(rawUsername);
    if (change.email === undefined && change.name === undefined && change.emailVerified === undefined) throw new AdminError('users set-profile needs --email, --name or --email-verified');
    checkProfile(change);
    const user = await this.deps.users.update(sub, (u) => {
      const next: UserRecord = { ...u, updatedAt: epochSeconds(this.clock) };
      if (change.name !== undefined) {
        if (change.name) next.name = change.name;
        else delete next.name;
      }
      if (change.email !== undefined && change.email !== u.email) {
        delete next.emailVerified;
        if (change.email) next.email = change.email;
        else delete next.email;
      }
      if (change.emailVerified !== undefined) {
        if (!next.email) throw new AdminError('--email-verified needs an email address (--email)');
        if (change.emailVerified) next.emailVerified = true;
        else delete next.emailVerified;
      }
      return next;
    });
    const changed = [change.email !== undefined && 'email', change.name !== undefined && 'name', change.emailVerified !== undefined && 'email_verified'].filter(Boolean).join(' ');
    await this.emit('user.changed', user, { change: 'profile', fields: changed });
    return user;
  }

  async delete(rawUsername: string): Promise<UserRecord> {
    const user = await this.get(rawUsername);
    await this.revoke(user);
    await this.deps.consents.revoke(user.sub);
    await this.deps.users.delete(user.sub);
    await this.emit('user.deleted', user);
    return user;
  }

  /** Forgets the user's consent to one client (or to every client): the next request shows the consent page again. */
  async revokeConsent(rawUsername: string, clientId?: string): Promise<{ user: UserRecord; revoked: number }> {
    const user = await this.get(rawUsername);
    const revoked = await this.deps.consents.revoke(user.sub, clientId);
    await this.emit('consent.revoked', user, { revoked, ...(clientId ? { client: clientId } : {}) });
    return { user, revoked };
  }
}
