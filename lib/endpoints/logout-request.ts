/**
 * Reading an RP-initiated logout request (OpenID Connect RP-Initiated Logout 1.0 §2, §3): `id_token_hint`,
 * `client_id`, `post_logout_redirect_uri`, `state` (query of a GET, form body of a POST). Everything is checked
 * before anything happens; a request that fails is answered with a page on our own origin, never a redirect:
 *   - the hint must be an id_token of ours (lib/tokens/id-token-hint.ts; expired accepted, forged never);
 *   - `client_id` and the hint's audience must agree; the client must exist and be active;
 *   - `post_logout_redirect_uri` needs a client (named or from the hint) and must be one of its registered
 *     post-logout redirect URIs, character for character (no loopback port freedom, no prefix, no normalisation).
 */
import type { CachedClientLookup } from '../clients/client-cache';
import type { Clock } from '../core/clock';
import type { Config } from '../config/types';
import { guardDependency } from '../core/dependency-guard';
import type { KeyRing } from '../keys/key-ring';
import type { ClientRecord } from '../models/client';
import { verifyIdTokenHint, type IdTokenHint } from '../tokens/id-token-hint';

export interface LogoutRequest {
  hint?: IdTokenHint;
  client?: ClientRecord;
  /** A registered post-logout redirect URI of `client` (checked). */
  redirectUri?: string;
  state?: string;
}

/** A request that cannot be honoured: shown as a page (the reason goes to the audit trail). */
export class LogoutRefused extends Error {
  constructor(
    readonly reason: string,
    readonly userMessage: string,
    readonly clientId?: string,
  ) {
    super(reason);
    this.name = 'LogoutRefused';
  }
}

const MAX_STATE_CHARS = 2048;
const VSCHAR = /^[\x20-\x7e]*$/;

export type ParamReader = (name: string) => { value?: string; repeated: boolean };

export async function readLogoutRequest(get: ParamReader, deps: { config: Config; clients: CachedClientLookup; keyRing: KeyRing; clock: Clock }): Promise<LogoutRequest> {
  const one = (name: string) => {
    const p = get(name);
    if (p.repeated) throw new LogoutRefused(`repeated_${name}`, 'The sign-out link is not valid: it repeats a parameter.');
    return p.value === '' ? undefined : p.value;
  };
  const rawHint = one('id_token_hint');
  const clientId = one('client_id');
  const uri = one('post_logout_redirect_uri');
  const state = one('state');
  if (state !== undefined && (state.length > MAX_STATE_CHARS || !VSCHAR.test(state))) throw new LogoutRefused('invalid_state', 'The sign-out link is not valid.');

  let hint: IdTokenHint | undefined;
  if (rawHint !== undefined) {
    const r = await guardDependency(verifyIdTokenHint(rawHint, deps));
    if (!r.hint) throw new LogoutRefused(`hint_${r.reason}`, 'The sign-out request did not come with a valid sign-in of this service, so nothing was changed.', clientId);
    hint = r.hint;
  }
  if (hint && clientId !== undefined && hint.clientId !== clientId) throw new LogoutRefused('hint_client_mismatch', 'The sign-out request names two different applications, so nothing was changed.', clientId);
  const wantedClient = clientId ?? hint?.clientId;
  let client: ClientRecord | undefined;
  if (wantedClient !== undefined) {
    client = wantedClient.length > 256 ? undefined : await guardDependency(deps.clients.get(wantedClient));
    if (!client || client.status !== 'active') throw new LogoutRefused('unknown_client', 'The application that sent you here is not registered with this service.', wantedClient);
  }
  if (uri !== undefined) {
    if (!client) throw new LogoutRefused('redirect_without_client', 'The sign-out request does not say which application it is for, so you were not sent anywhere.');
    if (!(client.postLogoutRedirectUris ?? []).includes(uri)) {
      throw new LogoutRefused('unregistered_post_logout_redirect_uri', 'The address the application asked to return to is not registered for it, so you were not sent there.', client.clientId);
    }
  }
  return { hint, client, redirectUri: uri, state };
}

/** The registered URI with `state` added to its query (RP-Initiated Logout §3). */
export function postLogoutLocation(uri: string, state: string | undefined): string {
  if (state === undefined) return uri;
  const u = new URL(uri);
  u.searchParams.append('state', state);
  return u.href;
}
