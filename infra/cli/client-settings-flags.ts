/**
 * The `clients create|update` flags for the authentication method, the client's public keys and its token quota
 * (lib/clients/client-settings.ts checks the values):
 *   --auth-method private_key_jwt --jwks 'JSON' | --jwks @file.json | --jwks-uri https://…
 *   --max-tokens-per-minute N        (update: N, or `none` to remove the quota)
 */
import { readFileSync } from 'node:fs';
import type { ClientSettingsInput, ClientSettingsUpdate } from '../../lib/clients/client-settings';
import { CliError } from './context';

export const CLIENT_SETTINGS_OPTIONS = {
  'auth-method': { type: 'string' },
  jwks: { type: 'string' },
  'jwks-uri': { type: 'string' },
  'max-tokens-per-minute': { type: 'string' },
} as const;

export const CLIENT_SETTINGS_USAGE = `[--auth-method private_key_jwt --jwks 'JSON'|@FILE | --jwks-uri URL] [--max-tokens-per-minute N]`;
export const CLIENT_UPDATE_USAGE = `clients update ID [--max-tokens-per-minute N|none] [--jwks 'JSON'|@FILE | --jwks-uri URL] [--post-logout-redirect-uris "URI …"|""]`;

interface Values {
  'auth-method'?: string;
  jwks?: string;
  'jwks-uri'?: string;
  'max-tokens-per-minute'?: string;
  'post-logout-redirect-uris'?: string;
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

export const clientSettingsInput = (v: Values): ClientSettingsInput => ({
  authMethod: v['auth-method'],
  jwks: jwksText(v.jwks),
  jwksUri: v['jwks-uri'],
  maxTokensPerMinute: perMinute(v['max-tokens-per-minute']),
});

export function clientSettingsUpdate(v: Values & Record<string, unknown>, others: string[]): ClientSettingsUpdate {
  const named = others.filter((flag) => v[flag] !== undefined);
  if (named.length) throw new CliError(`clients update changes --max-tokens-per-minute, --jwks, --jwks-uri or --post-logout-redirect-uris only (not --${named.join(', --')})`, 2);
  if (v['auth-method'] !== undefined) throw new CliError('clients update cannot change --auth-method: create a new client', 2);
  const raw = v['max-tokens-per-minute'];
  const change: ClientSettingsUpdate = {
    jwks: jwksText(v.jwks),
    jwksUri: v['jwks-uri'],
    maxTokensPerMinute: raw === 'none' ? null : perMinute(raw),
    postLogoutRedirectUris: v['post-logout-redirect-uris'] === undefined ? undefined : v['post-logout-redirect-uris'].split(/\s+/).filter(Boolean),
  };
  if (Object.values(change).every((x) => x === undefined)) throw new CliError(`usage: ${CLIENT_UPDATE_USAGE}`, 2);
  return change;
}
