/**
 * A client's refresh-token settings (`clients create|update --refresh-rotation on|off --refresh-absolute-lifetime S
 * --refresh-idle-lifetime S`): rotation can be turned off only for a confidential client (a public one always
 * rotates), and the lifetimes may only shorten the global ones (custom.portcullis.refreshTokens).
 */
import type { Config } from '../config/types';
import type { ClientRecord, ClientRefreshSettings } from '../models/client';
import { InvalidClientSettings } from './client-settings';

export interface RefreshSettingsInput {
  refreshRotation?: boolean;
  refreshAbsoluteLifetimeSeconds?: number;
  refreshIdleLifetimeSeconds?: number;
}

export const hasRefreshSettings = (i: RefreshSettingsInput): boolean =>
  i.refreshRotation !== undefined || i.refreshAbsoluteLifetimeSeconds !== undefined || i.refreshIdleLifetimeSeconds !== undefined;

/** The client's settings after `input` (undefined: none of its own). Throws InvalidClientSettings. */
export function refreshSettings(
  current: ClientRefreshSettings | undefined,
  input: RefreshSettingsInput,
  client: Pick<ClientRecord, 'public'>,
  config: Pick<Config, 'refreshTokens'>,
): ClientRefreshSettings | undefined {
  const next: ClientRefreshSettings = { ...current };
  if (input.refreshRotation !== undefined) {
    if (client.public && !input.refreshRotation) throw new InvalidClientSettings('a public client always rotates its refresh tokens: --refresh-rotation off is for confidential clients');
    if (input.refreshRotation) delete next.rotation;
    else next.rotation = false;
  }
  const g = config.refreshTokens;
  const lifetime = (flag: string, value: number | undefined, max: number) => {
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || value < 1 || value > max) throw new InvalidClientSettings(`${flag} must be a whole number of seconds from 1 to ${max} (it may only shorten the global one)`);
    return value;
  };
  const absolute = lifetime('--refresh-absolute-lifetime', input.refreshAbsoluteLifetimeSeconds, g.absoluteLifetimeSeconds);
  const idle = lifetime('--refresh-idle-lifetime', input.refreshIdleLifetimeSeconds, g.idleLifetimeSeconds);
  if (absolute !== undefined) next.absoluteLifetimeSeconds = absolute;
  if (idle !== undefined) next.idleLifetimeSeconds = idle;
  return Object.keys(next).length ? next : undefined;
}

/** What `clients show|list|create --json` adds for them. */
export function describeRefreshSettings(c: ClientRecord) {
  return {
    refresh_rotation: c.public === true || c.refreshTokens?.rotation !== false,
    refresh_absolute_lifetime_seconds: c.refreshTokens?.absoluteLifetimeSeconds ?? null,
    refresh_idle_lifetime_seconds: c.refreshTokens?.idleLifetimeSeconds ?? null,
  };
}
