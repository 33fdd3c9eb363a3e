/**
 * What `clients create|update` may set besides scopes and lifetime: the authentication method with the client's
 * public keys (`--auth-method private_key_jwt --jwks JSON | --jwks-uri URL`) and the token quota
 * (`--max-tokens-per-minute N`). Checked here, at registration, so a record never holds what the token endpoint
 * cannot use: private key material, symmetric keys, weak RSA, a JWKS URI that is not https.
 */
import type { Config } from '../config/types';
import { importVerificationJwks, JwkError } from '../jose/public-keys';
import type { ClientKeySettings, ClientQuotaSettings, PublicJwkJson } from '../models/client-keys';
import type { ClientRecord } from '../models/client';
import { redirectUriProblems } from './redirect-uris';

export class InvalidClientSettings extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidClientSettings';
  }
}

/** Registration input (the CLI's flags, unparsed where they are JSON or URLs). */
export interface ClientSettingsInput {
  /** `client_secret_basic` / `client_secret_post` (default: a secret, either method) or `private_key_jwt`. */
  authMethod?: string;
  /** An inline public JWKS, JSON text. */
  jwks?: string;
  /** An https URL the client publishes its JWKS at. */
  jwksUri?: string;
  maxTokensPerMinute?: number;
}

/** `clients update`: the settings that can change on an existing client. `maxTokensPerMinute: null` removes the quota. */
export interface ClientSettingsUpdate {
  jwks?: string;
  jwksUri?: string;
  maxTokensPerMinute?: number | null;
  /** Where RP-initiated logout may send the browser back to (replaces the list; [] removes them). */
  postLogoutRedirectUris?: string[];
}

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post']);
export const AUTH_METHODS_OFFERED = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
const MAX_INLINE_JWKS_BYTES = 16 * 1024;
const MAX_JWKS_URI_CHARS = 2048;
export const MAX_TOKENS_PER_MINUTE = 1_000_000;
/** The public members a registered key keeps; anything else is dropped before it is stored. */
const PUBLIC_MEMBERS = ['kty', 'kid', 'alg', 'use', 'key_ops', 'n', 'e', 'crv', 'x', 'y'];
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function inlineJwks(text: string): { keys: PublicJwkJson[] } {
  if (Buffer.byteLength(text, 'utf8') > MAX_INLINE_JWKS_BYTES) throw new InvalidClientSettings(`--jwks is over ${MAX_INLINE_JWKS_BYTES / 1024} KiB`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidClientSettings('--jwks is not valid JSON (a JWKS: {"keys":[…]})');
  }
  try {
    importVerificationJwks(parsed, { strict: true });
  } catch (err) {
    if (err instanceof JwkError) throw new InvalidClientSettings(`--jwks: ${err.message}`);
    throw err;
  }
  const keys = (parsed as { keys: Array<Record<string, unknown>> }).keys;
  return { keys: keys.map((k) => Object.fromEntries(PUBLIC_MEMBERS.filter((m) => k[m] !== undefined).map((m) => [m, k[m]]))) };
}

/** https, or http on loopback in the local stage only; no credentials, no fragment. */
function jwksUri(raw: string, config: Pick<Config, 'stage'>): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidClientSettings(`--jwks-uri is not a URL: "${raw.slice(0, 100)}"`);
  }
  if (raw.length > MAX_JWKS_URI_CHARS) throw new InvalidClientSettings(`--jwks-uri is over ${MAX_JWKS_URI_CHARS} characters`);
  const localHttp = url.protocol === 'http:' && LOOPBACK.has(url.hostname) && config.stage === 'local';
  if (url.protocol !== 'https:' && !localHttp) throw new InvalidClientSettings('--jwks-uri must be an https URL');
  if (url.username || url.password) throw new InvalidClientSettings('--jwks-uri must not carry credentials');
  if (url.hash) throw new InvalidClientSettings('--jwks-uri must not have a fragment');
  return url.toString();
}

function quota(n: number | undefined): number | undefined {
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOKENS_PER_MINUTE) throw new InvalidClientSettings(`--max-tokens-per-minute must be a whole number from 1 to ${MAX_TOKENS_PER_MINUTE}`);
  return n;
}

function keySource(input: { jwks?: string; jwksUri?: string }, config: Pick<Config, 'stage'>): Pick<ClientKeySettings, 'jwks' | 'jwksUri'> {
  if ((input.jwks === undefined) === (input.jwksUri === undefined)) throw new InvalidClientSettings('private_key_jwt needs exactly one of --jwks JSON or --jwks-uri URL');
  return input.jwks !== undefined ? { jwks: inlineJwks(input.jwks) } : { jwksUri: jwksUri(input.jwksUri!, config) };
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The record fields a new client gets from these flags; throws InvalidClientSettings. */
export function clientSettings(input: ClientSettingsInput, config: Pick<Config, 'stage'>): ClientKeySettings & ClientQuotaSettings {
  const method = input.authMethod;
  const maxTokensPerMinute = quota(input.maxTokensPerMinute);
  if (method === 'private_key_jwt') return defined({ tokenEndpointAuthMethod: 'private_key_jwt' as const, ...keySource(input, config), maxTokensPerMinute });
  if (method !== undefined && !SECRET_METHODS.has(method)) throw new InvalidClientSettings(`--auth-method must be one of ${AUTH_METHODS_OFFERED.join(', ')} (got "${method.slice(0, 40)}")`);
  if (input.jwks !== undefined || input.jwksUri !== undefined) throw new InvalidClientSettings('--jwks and --jwks-uri go with --auth-method private_key_jwt');
  return defined({ maxTokensPerMinute });
}

/** The record after `clients update`; throws InvalidClientSettings. Unnamed settings stay as they are. */
export function updatedSettings(c: ClientRecord, change: ClientSettingsUpdate, config: Pick<Config, 'stage'>): ClientRecord {
  const next: ClientRecord = { ...c };
  if (change.jwks !== undefined || change.jwksUri !== undefined) {
    if (c.tokenEndpointAuthMethod !== 'private_key_jwt') throw new InvalidClientSettings(`client "${c.clientId}" authenticates with a secret; --jwks/--jwks-uri are for private_key_jwt clients`);
    delete next.jwks;
    delete next.jwksUri;
    Object.assign(next, keySource(change, config));
  }
  if (change.maxTokensPerMinute === null) delete next.maxTokensPerMinute;
  else if (change.maxTokensPerMinute !== undefined) next.maxTokensPerMinute = quota(change.maxTokensPerMinute);
  if (change.postLogoutRedirectUris !== undefined) {
    const uris = [...new Set(change.postLogoutRedirectUris)];
    if (uris.length && !c.grantTypes.includes('authorization_code')) throw new InvalidClientSettings('post-logout redirect URIs are for clients that sign users in (authorization_code)');
    const problems = redirectUriProblems(uris);
    if (problems.length) throw new InvalidClientSettings(`invalid post-logout redirect URI(s):\n  ${problems.join('\n  ')}`);
    if (uris.length) next.postLogoutRedirectUris = uris;
    else delete next.postLogoutRedirectUris;
  }
  return next;
}

/** What `clients show|list|create --json` adds for these settings (public keys are not secret). */
export function describeClientSettings(c: ClientRecord) {
  return {
    token_endpoint_auth_method: c.public ? 'none' : (c.tokenEndpointAuthMethod ?? 'client_secret_basic'),
    ...(c.jwks ? { jwks: c.jwks } : {}),
    ...(c.jwksUri ? { jwks_uri: c.jwksUri } : {}),
    max_tokens_per_minute: c.maxTokensPerMinute ?? null,
  };
}
