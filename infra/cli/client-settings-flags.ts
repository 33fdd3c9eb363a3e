/**
 * The `clients create|update` flags for the authentication method, the client's public keys and its token quota
 * (lib/clients/client-settings.ts checks the values):
 *   --auth-method private_key_jwt --jwks 'JSON' | --jwks @file.json | --jwks-uri https://…
 *   --max-tokens-per-minute N        (update: N, or `none` to remove the quota)
 *   --refresh-rotation on|off --refresh-absolute-lifetime SECONDS --refresh-idle-lifetime SECONDS (refresh tokens)
 */
import { readFileSync } from 'node:fs';
import type { ClientSettingsInput, ClientSettingsUpdate } from '../../lib/clients/client-settings';
import { hasRefreshSettings, type RefreshSettingsInput } from '../../lib/clients/refresh-settings';
import { CliError } from './context';

export const CLIENT_SETTINGS_OPTIONS = {
  'auth-method': { type: 'string' },
  jwks: { type: 'string' },
  'jwks-uri': { type: 'string' },
  'max-tokens-per-minute': { type: 'string' },
  'refresh-rotation': { type: 'string' },
  'refresh-absolute-lifetime': { type: 'string' },
  'refresh-idle-lifetime': { type: 'string' },
} as const;

export const CLIENT_SETTINGS_USAGE = `[--auth-method private_key_jwt --jwks 'JSON'|@FILE | --jwks-uri URL] [--max-tokens-per-minute N]
                 [--refresh-rotation on|off] [--refresh-absolute-lifetime SECONDS] [--refresh-idle-lifetime SECONDS]`;
export const CLIENT_UPDATE_USAGE = `clients update ID [--max-tokens-per-minute N|none] [--jwks 'JSON'|@FILE | --jwks-uri URL] [--refresh-rotation on|off]
                 [--refresh-absolute-lifetime SECONDS] [--refresh-idle-lifetime SECONDS] [--post-logout-redirect-uris "URI …"|""]`;

interface Values {
  'auth-method'?: string;
  jwks?: string;
  'jwks-uri'?: string;
  'max-tokens-per-minute'?: string;
  'refresh-rotation'?: string;
  'refresh-absolute-lifetime'?: string;
  'refresh-idle-lifetime'?: string;
  'post-logout-redirect-uris'?: string;
}

function seconds(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new CliError(`--${flag} must be a whole number of seconds`);
  return Number(raw);
}

/** The refresh-token flags of `clients create|update`. */
export function refreshSettingsInput(v: Values): RefreshSettingsInput {
  const rotation = v['refresh-rotation'];
  if (rotation !== undefined && rotation !== 'on' && rotation !== 'off') throw new CliError('--refresh-rotation must be on or off');
  return {
    ...(rotation !== undefined ? { refreshRotation: rotation === 'on' } : {}),
    ...(v['refresh-absolute-lifetime'] !== undefined ? { refreshAbsoluteLifetimeSeconds: seconds('refresh-absolute-lifetime', v['refresh-absolute-lifetime']) } : {}),
    ...(v['refresh-idle-lifetime'] !== undefined ? { refreshIdleLifetimeSeconds: seconds('refresh-idle-lifetime', v['refresh-idle-lifetime']) } : {}),
  };
}

/** `--jwks @path` reads the JWKS from a file (long JSON on a command line is error-prone). */
function jwksText(raw: string | undefined): string | undefined {
  if (raw === undefined || !raw.startsWith('@')) return raw;
  try {
    return readFileSync(raw.slice(1), 'utf8');
  } catch (err) {
    throw new CliError(`--jwks ${raw}: ${(err as Error).message}`);
  }
}

function perMinute(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new CliError('--max-tokens-per-minute must be a whole number');
  return Number(raw);
}

export const clientSettingsInput = (v: Values): ClientSettingsInput & RefreshSettingsInput => ({
  authMethod: v['auth-method'],
  jwks: jwksText(v.jwks),
  jwksUri: v['jwks-uri'],
  maxTokensPerMinute: perMinute(v['max-tokens-per-minute']),
  ...refreshSettingsInput(v),
});

export function clientSettingsUpdate(v: Values & Record<string, unknown>, others: string[]): ClientSettingsUpdate & RefreshSettingsInput {
  const named = others.filter((flag) => v[flag] !== undefined);
  if (named.length) throw new CliError(`clients update changes --max-tokens-per-minute, --jwks, --jwks-uri, --refresh-* or --post-logout-redirect-uris only (not --${named.join(', --')})`, 2);
  if (v['auth-method'] !== undefined) throw new CliError('clients update cannot change --auth-method: create a new client', 2);
  const raw = v['max-tokens-per-minute'];
  const change: ClientSettingsUpdate & RefreshSettingsInput = {
    jwks: jwksText(v.jwks),
    jwksUri: v['jwks-uri'],
    maxTokensPerMinute: raw === 'none' ? null : perMinute(raw),
    ...refreshSettingsInput(v),
    postLogoutRedirectUris: v['post-logout-redirect-uris'] === undefined ? undefined : v['post-logout-redirect-uris'].split(/\s+/).filter(Boolean),
  };
  if (Object.values(change).every((x) => x === undefined) && !hasRefreshSettings(change)) throw new CliError(`usage: ${CLIENT_UPDATE_USAGE}`, 2);
  return change;
}
