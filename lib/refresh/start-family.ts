/**
 * The code exchange starts a refresh-token family (a client allowed the `refresh_token` grant): ONE conditional
 * PutItem in the user's partition; the first refresh token is returned, only its hash stored. The family's key is the
 * code exchange's grant key, so the access token already issued carries the family's gid.
 */
import type { Config } from '../config/types';
import type { ClientRecord } from '../models/client';
import type { RefreshFamily } from '../models/refresh-family';
import type { RefreshFamilyStore } from '../stores/ports';
import { familyLifetimes, rotates } from './family-state';
import { grantId } from './grant-id';
import { hashRefreshToken, newRefreshToken } from './refresh-token';

export interface StartFamilyInput {
  familyKey: string;
  client: ClientRecord;
  sub: string;
  sid: string;
  /** The sign-in's time: the absolute lifetime runs from it. */
  authTime: number;
  scopes: string[];
  nowSeconds: number;
  /** RFC 8707: the API of the code exchange, when not the default audience; every refresh keeps it. */
  resource?: string;
}

/** Whether the code exchange of this client gets a refresh token (whatever the scope: offline_access is not required). */
export const issuesRefreshTokens = (client: Pick<ClientRecord, 'grantTypes'>): boolean => client.grantTypes.includes('refresh_token');

/** The new family's first refresh token, or undefined when its absolute lifetime is already over. */
export async function startFamily(store: RefreshFamilyStore, config: Pick<Config, 'refreshTokens'>, input: StartFamilyInput): Promise<{ token: string; family: RefreshFamily } | undefined> {
  const { absoluteSeconds, idleSeconds } = familyLifetimes(config, input.client);
  const absoluteExpiresAt = input.authTime + absoluteSeconds;
  const expiresAt = Math.min(input.nowSeconds + idleSeconds, absoluteExpiresAt);
  if (expiresAt <= input.nowSeconds) return undefined;
  const token = newRefreshToken({ familyKey: input.familyKey, sub: input.sub, sid: input.sid });
  const family: RefreshFamily = {
    familyKey: input.familyKey,
    gid: grantId(input.familyKey),
    sub: input.sub,
    clientId: input.client.clientId,
    sid: input.sid,
    authTime: input.authTime,
    scopes: [...input.scopes],
    ...(input.resource !== undefined ? { resource: input.resource } : {}),
    lastScopes: [...input.scopes],
    createdAt: input.nowSeconds,
    lastUsedAt: input.nowSeconds,
    generation: 1,
    currentHash: hashRefreshToken(token),
    rotatedAt: input.nowSeconds,
    retiredHashes: [],
    rotation: rotates(input.client),
    absoluteExpiresAt,
    idleLifetimeSeconds: idleSeconds,
    expiresAt,
  };
  await store.create(family);
  return { token, family };
}
