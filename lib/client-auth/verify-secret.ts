/** The check both secret methods share: the presented secret against the client's live secrets. */
import type { Clock } from '../core/clock';
import { epochSeconds } from '../core/clock';
import type { ClientRecord } from '../models/client';
import { digestMatches, DUMMY_SECRET_HASH, presentedDigest } from '../clients/client-secret';
import { invalidClient, type ClientCredentials } from './method';

/** In constant time and always once per slot (two slots: current and previous secret during rotation). */
export function verifyClientSecret(client: ClientRecord | undefined, creds: ClientCredentials, clock: Clock): ClientRecord {
  const now = epochSeconds(clock);
  const slots = client?.secrets ?? [];
  let ok = false;
  const digest = presentedDigest(creds.secret); // hashed once, compared with both slots
  for (let i = 0; i < 2; i++) {
    const s = slots[i];
    const live = s !== undefined && (s.expiresAt === undefined || s.expiresAt > now);
    // Compare against a dummy hash for empty slots so unknown clients cost the same.
    const match = digestMatches(digest, live ? s.hash : DUMMY_SECRET_HASH);
    ok = ok || (live && match);
  }
  if (!client) throw invalidClient('unknown_client');
  if (!ok) throw invalidClient('bad_secret');
  if (client.status !== 'active') throw invalidClient('client_disabled');
  return client;
}
