/** Client lifecycle for the admin CLI: create, rotate and retire secrets, disable, enable. */
import type { AuditSink } from '../audit/types';
import type { Clock } from '../core/clock';
import { epochSeconds, systemClock } from '../core/clock';
import type { Config } from '../config/types';
import type { IdGenerator } from '../core/ids';
import { randomIds } from '../core/ids';
import { undeclaredScopes } from '../oauth/scopes';
import { hashSecret } from './client-secret';
import { PUBLIC_CLIENT_GRANTS } from './public-clients';
import { redirectUriProblems } from './redirect-uris';
import type { ClientStore, TokenQuotaStore } from '../stores/ports';
import type { ClientRecord, GrantType } from '../models/client';
import { describeRefreshSettings, hasRefreshSettings, refreshSettings, type RefreshSettingsInput } from './refresh-settings';
import { clientSettings, describeClientSettings, InvalidClientSettings, updatedSettings, type ClientSettingsInput, type ClientSettingsUpdate } from './client-settings';
import { quotaUse } from './token-quota';

export { PUBLIC_CLIENT_GRANTS } from './public-clients';

export class AdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminError';
  }
}

/** `clients disable`: the status is written, but the revocation of the client's existing tokens is not. */
export class DisableRevocationError extends AdminError {
  constructor(
    readonly clientId: string,
    cause: unknown,
    clientCacheTtlMs: number,
  ) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      `client ${clientId} IS disabled (no new tokens once the token endpoint's client cache expires, within ${Math.ceil(clientCacheTtlMs / 1000)} s), but its existing tokens were NOT revoked (${why}): ` +
        `they keep working until they expire. Run \`clients disable ${clientId}\` again to retry the revocation.`,
    );
    this.name = 'DisableRevocationError';
  }
}

export interface ClientAdminDeps {
  config: Config;
  clients: ClientStore;
  audit: AuditSink;
  /** Called when a client is disabled, so its existing tokens stop working too. */
  onDisable?: (clientId: string, actor: string) => Promise<void>;
  /** Waits before each new attempt of the revocation after the status write (default 250 ms, then 1 s). */
  disableRetryDelaysMs?: number[];
  clock?: Clock;
  ids?: IdGenerator;
  actor?: string;
  /** The token quota counters, for `clients show` (current use); absent: not shown. */
  quotas?: TokenQuotaStore;
}

/** Authentication method, public keys and quota (client-settings.ts) come with the ClientSettingsInput fields. */
export interface CreateClientInput extends ClientSettingsInput, RefreshSettingsInput {
  name: string;
  scopes: string[];
  defaultScopes?: string[];
  grantTypes?: GrantType[];
  tokenLifetimeSeconds?: number;
  canIntrospectOthers?: boolean;
  /** Authorization code flow: where codes may be sent (exact match; lib/clients/redirect-uris.ts). */
  redirectUris?: string[];
  /** For the logout of the OpenID Connect issue (same rules). */
  postLogoutRedirectUris?: string[];
  /** A public client: no secret, token endpoint auth method `none`; authorization code (+ refresh token) only. */
  public?: boolean;
  /** Users consent to what it requests (remembered per user and client). */
  thirdParty?: boolean;
}

const GRANT_TYPES: readonly GrantType[] = ['client_credentials', 'authorization_code', 'refresh_token', 'password'];

/** What the CLI shows of a client: never a secret or a hash. */
export function describeClient(c: ClientRecord) {
  return {
    client_id: c.clientId,
    name: c.name,
    status: c.status,
    scopes: c.allowedScopes,
    default_scopes: c.defaultScopes,
    grant_types: c.grantTypes,
    token_lifetime_seconds: c.tokenLifetimeSeconds ?? null,
    can_introspect_others: Boolean(c.canIntrospectOthers),
    public: Boolean(c.public),
    third_party: Boolean(c.thirdParty),
    redirect_uris: c.redirectUris ?? [],
    post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
    secrets: c.secrets.map((s, i) => ({
      slot: i === 0 ? 'current' : 'previous',
      created_at: new Date(s.createdAt * 1000).toISOString(),
      expires_at: s.expiresAt ? new Date(s.expiresAt * 1000).toISOString() : null,
    })),
    created_at: new Date(c.createdAt * 1000).toISOString(),
    updated_at: new Date(c.updatedAt * 1000).toISOString(),
    ...describeClientSettings(c),
    ...describeRefreshSettings(c),
  };
}

/** A settings error is an admin error (a clear message, exit code 1). */
function checked<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof InvalidClientSettings) throw new AdminError(err.message);
    throw err;
  }
}

export class ClientAdmin {
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly actor: string;

  constructor(private readonly deps: ClientAdminDeps) {
    this.clock = deps.clock ?? systemClock;
    this.ids = deps.ids ?? randomIds;
    this.actor = deps.actor ?? 'admin-cli';
  }

  private emit(event: 'client.created' | 'client.secret_rotated' | 'client.secret_retired' | 'client.disabled' | 'client.enabled' | 'client.updated', clientId: string, scopes?: string[], detail?: Record<string, string | number | boolean>) {
    this.deps.audit.emit({ event, outcome: 'success', client_id: clientId, scopes_granted: scopes, actor: this.actor, ...(detail ? { detail } : {}) });
  }

  /** The grant types and redirect URIs of a new client, or an AdminError saying what is wrong. */
  private static browserSettings(input: CreateClientInput): Pick<ClientRecord, 'grantTypes' | 'redirectUris' | 'postLogoutRedirectUris'> {
    const redirectUris = [...new Set(input.redirectUris ?? [])];
    const postLogout = [...new Set(input.postLogoutRedirectUris ?? [])];
    const grantTypes = [...new Set(input.grantTypes ?? (redirectUris.length || input.public ? ['authorization_code'] : ['client_credentials']))] as GrantType[];
    const unknown = grantTypes.filter((g) => !GRANT_TYPES.includes(g));
    if (unknown.length) throw new AdminError(`unknown grant type(s): ${unknown.join(', ')}; supported: ${GRANT_TYPES.join(', ')}`);
    if (grantTypes.length === 0) throw new AdminError('--grant-types needs at least one grant type');
    const code = grantTypes.includes('authorization_code');
    if (grantTypes.includes('refresh_token') && !code) throw new AdminError('refresh_token needs the authorization_code grant too');
    const notForPublic = input.public ? grantTypes.filter((g) => !PUBLIC_CLIENT_GRANTS.includes(g)) : [];
    if (notForPublic.length) throw new AdminError(`a public client cannot use ${notForPublic.join(', ')} (it has no secret): use --grant-types "authorization_code refresh_token"`);
    if (input.public && !code) throw new AdminError('a public client needs the authorization_code grant');
    if (input.thirdParty && !code) throw new AdminError('--third-party is for clients that sign users in (authorization_code)');
    if (code && redirectUris.length === 0) throw new AdminError('the authorization_code grant needs --redirect-uris "https://app.example.com/callback …"');
    if (!code && (redirectUris.length || postLogout.length)) throw new AdminError('redirect URIs are for the authorization_code grant: add --grant-types authorization_code');
    const problems = [...redirectUriProblems(redirectUris), ...redirectUriProblems(postLogout)];
    if (problems.length) throw new AdminError(`invalid redirect URI(s):\n  ${problems.join('\n  ')}`);
    return { grantTypes, ...(code ? { redirectUris } : {}), ...(postLogout.length ? { postLogoutRedirectUris: postLogout } : {}) };
  }

  /** A confidential client and its secret (shown once; only its hash is stored; empty for a private_key_jwt client, which has none). */
  async create(input: CreateClientInput): Promise<{ client: ClientRecord; secret: string }> {
    if (input.public) throw new AdminError('a public client has no secret: use createPublic');
    const { client, secret } = await this.register(input);
    return { client, secret: secret ?? '' };
  }

  /** A public client (`--public`): no secret, authorization code with PKCE only. */
  async createPublic(input: Omit<CreateClientInput, 'public'>): Promise<{ client: ClientRecord }> {
    return { client: (await this.register({ ...input, public: true })).client };
  }

  private async register(input: CreateClientInput): Promise<{ client: ClientRecord; secret?: string }> {
    const name = input.name.trim();
    if (!name) throw new AdminError('--name is required');
    if (input.scopes.length === 0) throw new AdminError('--scopes needs at least one scope');
    const defaults = input.defaultScopes ?? input.scopes;
    const undeclared = undeclaredScopes([...input.scopes, ...defaults], this.deps.config.scopes);
    if (undeclared.length) {
      throw new AdminError(`undeclared scope(s): ${undeclared.join(', ')}; declared in serverless.yml: ${Object.keys(this.deps.config.scopes).join(', ')}`);
    }
    const notAllowed = defaults.filter((s) => !input.scopes.includes(s));
    if (notAllowed.length) throw new AdminError(`default scope(s) not among the client's scopes: ${notAllowed.join(', ')}`);
    const lifetime = input.tokenLifetimeSeconds;
    if (lifetime !== undefined && (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > this.deps.config.maxTokenLifetimeSeconds)) {
      throw new AdminError(`--lifetime must be a whole number of seconds from 1 to ${this.deps.config.maxTokenLifetimeSeconds}`);
    }
    const settings = checked(() => clientSettings(input, this.deps.config));
    const keyBased = settings.tokenEndpointAuthMethod === 'private_key_jwt';
    if (input.public && keyBased) throw new AdminError('a public client has no credentials: --public and --auth-method private_key_jwt exclude each other');
    const browser = ClientAdmin.browserSettings(input);
    const refresh = checked(() => refreshSettings(undefined, input, { public: input.public }, this.deps.config));
    const now = epochSeconds(this.clock);
    const secret = input.public || keyBased ? undefined : this.ids.secret();
    const client: ClientRecord = {
      clientId: this.ids.clientId(),
      name,
      allowedScopes: [...new Set(input.scopes)],
      defaultScopes: [...new Set(defaults)],
      grantTypes: browser.grantTypes,
      tokenLifetimeSeconds: lifetime,
      status: 'active',
      canIntrospectOthers: input.canIntrospectOthers || undefined,
      secrets: secret === undefined ? [] : [{ hash: hashSecret(secret), createdAt: now }],
      ...(browser.redirectUris ? { redirectUris: browser.redirectUris } : {}),
      ...(browser.postLogoutRedirectUris ? { postLogoutRedirectUris: browser.postLogoutRedirectUris } : {}),
      ...(input.public ? { public: true } : {}),
      ...(input.thirdParty ? { thirdParty: true } : {}),
      ...(refresh ? { refreshTokens: refresh } : {}),
      createdAt: now,
      updatedAt: now,
      ...settings,
    };
    await this.deps.clients.create(client);
    this.emit('client.created', client.clientId, client.allowedScopes, { auth_method: describeClientSettings(client).token_endpoint_auth_method });
    await this.deps.audit.flush();
    return { client, secret };
  }

  async get(clientId: string): Promise<ClientRecord> {
    const c = await this.deps.clients.get(clientId);
    if (!c) throw new AdminError(`no client with id "${clientId}"`);
    return c;
  }

  /**
   * A new current secret; the old one keeps working until `retireSecret`, or until
   * `oldSecretTtlSeconds` from now when given.
   */
  async rotateSecret(clientId: string, oldSecretTtlSeconds?: number): Promise<{ client: ClientRecord; secret: string }> {
    const existing = await this.get(clientId);
    if (existing.public) throw new AdminError(`client "${clientId}" is public: it has no secret`);
    if (existing.tokenEndpointAuthMethod === 'private_key_jwt') throw new AdminError(`client "${clientId}" authenticates with private_key_jwt and has no secret; change its keys with \`clients update ${clientId} --jwks …|--jwks-uri …\``);
    const now = epochSeconds(this.clock);
    const secret = this.ids.secret();
    const client = await this.deps.clients.update(clientId, (c) => ({
      ...c,
      secrets: [
        { hash: hashSecret(secret), createdAt: now },
        { ...c.secrets[0], expiresAt: oldSecretTtlSeconds === undefined ? c.secrets[0].expiresAt : now + oldSecretTtlSeconds },
      ],
      updatedAt: now,
    }));
    this.emit('client.secret_rotated', clientId);
    await this.deps.audit.flush();
    return { client, secret };
  }

  /**
   * `clients update ID [--max-tokens-per-minute N|none] [--jwks JSON | --jwks-uri URL]`: changes only what is named
   * (client-settings.ts). Takes effect at the token endpoint within the client cache lifetime.
   */
  async update(clientId: string, change: ClientSettingsUpdate & RefreshSettingsInput): Promise<ClientRecord> {
    const current = await this.get(clientId);
    const apply = (c: ClientRecord): ClientRecord => {
      const next = checked(() => updatedSettings(c, change, this.deps.config));
      if (!hasRefreshSettings(change)) return next;
      const refresh = checked(() => refreshSettings(c.refreshTokens, change, c, this.deps.config));
      const { refreshTokens: _old, ...rest } = next;
      void _old;
      return refresh ? { ...rest, refreshTokens: refresh } : rest;
    };
    apply(current);
    const client = await this.deps.clients.update(clientId, (c) => ({ ...apply(c), updatedAt: epochSeconds(this.clock) }));
    const detail: Record<string, string | number | boolean> = {};
    if (change.maxTokensPerMinute !== undefined) detail.max_tokens_per_minute = change.maxTokensPerMinute ?? 'none';
    if (change.jwks !== undefined) detail.keys = 'jwks';
    if (change.jwksUri !== undefined) detail.keys = 'jwks_uri';
    if (change.refreshRotation !== undefined) detail.refresh_rotation = change.refreshRotation;
    if (change.refreshAbsoluteLifetimeSeconds !== undefined) detail.refresh_absolute_lifetime_seconds = change.refreshAbsoluteLifetimeSeconds;
    if (change.refreshIdleLifetimeSeconds !== undefined) detail.refresh_idle_lifetime_seconds = change.refreshIdleLifetimeSeconds;
    if (change.postLogoutRedirectUris !== undefined) detail.post_logout_redirect_uris = client.postLogoutRedirectUris?.length ?? 0;
    this.emit('client.updated', clientId, undefined, detail);
    await this.deps.audit.flush();
    return client;
  }

  /** The client's quota and the tokens it was issued in the current window (`clients show`); undefined without a quota. */
  async quotaUse(c: ClientRecord) {
    if (c.maxTokensPerMinute === undefined || !this.deps.quotas) return undefined;
    return { max_tokens_per_minute: c.maxTokensPerMinute, ...(await quotaUse(this.deps.quotas, c.clientId, this.clock.now())) };
  }

  async retireSecret(clientId: string): Promise<ClientRecord> {
    const current = await this.get(clientId);
    if (current.secrets.length < 2) throw new AdminError(`client "${clientId}" has only one secret; nothing to retire`);
    const client = await this.deps.clients.update(clientId, (c) => ({ ...c, secrets: c.secrets.slice(0, 1), updatedAt: epochSeconds(this.clock) }));
    this.emit('client.secret_retired', clientId);
    await this.deps.audit.flush();
    return client;
  }

  /**
   * Disabling: revoke, write the status, revoke again. The first revocation kills the existing tokens at once; if
   * it fails (a throttled feed head, DynamoDB unreachable) the status is written anyway, so the client gets no new
   * tokens. The second, after the status write, is needed in any case: a token-endpoint container that read the
   * still-active record just before may mint tokens for one client-cache lifetime after this moment, and the
   * not-before must cover those too. It is retried; if it still fails, DisableRevocationError says the client IS
   * disabled and the revocation must be retried (running `clients disable` again does it).
   */
  async setStatus(clientId: string, status: 'active' | 'disabled'): Promise<ClientRecord> {
    await this.get(clientId);
    const now = epochSeconds(this.clock);
    const revoke = status === 'disabled' ? this.deps.onDisable : undefined;
    if (revoke) await revoke(clientId, this.actor).catch(() => undefined); // retried below, after the status write
    const client = await this.deps.clients.update(clientId, (c) => ({ ...c, status, updatedAt: now }));
    this.emit(status === 'disabled' ? 'client.disabled' : 'client.enabled', clientId);
    const failure = revoke ? await this.retried(() => revoke(clientId, this.actor)) : undefined;
    if (failure !== undefined) {
      this.deps.audit.emit({ event: 'revocation.client', outcome: 'failure', reason: 'store_unavailable', client_id: clientId, actor: this.actor, detail: { status_written: 'disabled' } });
      await this.deps.audit.flush();
      throw new DisableRevocationError(clientId, failure, this.deps.config.clientCacheTtlMs);
    }
    await this.deps.audit.flush();
    return client;
  }

  /** Runs `work` until it succeeds, waiting the retry delays in between; the last error if it never does. */
  private async retried(work: () => Promise<void>): Promise<unknown> {
    const delays = this.deps.disableRetryDelaysMs ?? [250, 1_000];
    let last: unknown;
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, delays[attempt - 1]));
      try {
        await work();
        return undefined;
      } catch (err) {
        last = err ?? new Error('the revocation failed');
      }
    }
    return last;
  }
}
