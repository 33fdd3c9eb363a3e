/**
 * The public keys a `private_key_jwt` client signs with, as verification keys (lib/jose/public-keys.ts).
 *
 * Inline (`--jwks`): read from the client record, imported once per record (the client cache hands out the same
 * record object for its lifetime).
 *
 * Remote (`--jwks-uri`): fetched with lib/jose/jwks.ts's bounded GET (a timeout on the whole fetch, 64 KiB at most,
 * no redirects, 200 only), then cached per URI for `cacheMs`. An assertion whose kid the cached keys lack triggers
 * one refetch, at most once per `refetchMinIntervalMs` (a minute) per URI, so a stream of unknown kids costs one
 * fetch a minute, not one per request. A failed fetch is not retried for `retryAfterFailureMs`, and the last good
 * keys stay trusted for at most `maxStalenessMs` after they were fetched; then the client cannot authenticate
 * (`jwks_unavailable`) until a fetch succeeds, so a key the client withdrew is not trusted for ever.
 */
import type { Fetcher } from 'aws-jwt-verify/https';
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import { DEFAULTS } from '../config/defaults';
import { createJwksFetcher } from '../jose/jwks';
import { importVerificationJwks, type VerificationKey } from '../jose/public-keys';
import type { ClientRecord } from '../models/client';

export interface ClientKeySource {
  /** The client's keys; throws ClientKeysUnavailable when it has none this server can use now. */
  keys(client: ClientRecord): Promise<readonly VerificationKey[]>;
  /** After an unknown kid: refetches a remote JWKS if the interval allows. True when fresh keys were fetched. */
  refresh(client: ClientRecord): Promise<boolean>;
}

/** The client's keys cannot be had now (none registered usable, or the remote JWKS failed for too long). */
export class ClientKeysUnavailable extends Error {
  constructor(readonly reason: 'jwks_unavailable' | 'no_usable_key') {
    super(reason);
    this.name = 'ClientKeysUnavailable';
  }
}

export interface ClientKeyResolverOptions {
  clock?: Clock;
  /** Default: lib/jose/jwks.ts's bounded GET with `fetchTimeoutMs`. */
  fetcher?: Fetcher;
  fetchTimeoutMs?: number;
  cacheMs?: number;
  refetchMinIntervalMs?: number;
  retryAfterFailureMs?: number;
  maxStalenessMs?: number;
  /** Remote JWKS URIs remembered per container (oldest forgotten first). */
  maxEntries?: number;
  /** Told about fetch failures (the URI and the error, never a token). */
  onFetchError?: (uri: string, err: unknown) => void;
}

interface Remote {
  keys?: readonly VerificationKey[];
  fetchedAt: number;
  attemptAt: number;
  inflight?: Promise<boolean>;
}

export class ClientKeyResolver implements ClientKeySource {
  private readonly inline = new WeakMap<object, readonly VerificationKey[] | ClientKeysUnavailable>();
  private readonly remote = new Map<string, Remote>();
  private readonly clock: Clock;
  private readonly fetcher: Fetcher;
  private readonly o: Required<Omit<ClientKeyResolverOptions, 'clock' | 'fetcher' | 'onFetchError'>>;

  constructor(private readonly opts: ClientKeyResolverOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    const fetchTimeoutMs = opts.fetchTimeoutMs ?? DEFAULTS.clientJwksFetchTimeoutMs;
    this.fetcher = opts.fetcher ?? createJwksFetcher(fetchTimeoutMs);
    this.o = {
      fetchTimeoutMs,
      cacheMs: opts.cacheMs ?? DEFAULTS.clientJwksCacheSeconds * 1000,
      refetchMinIntervalMs: opts.refetchMinIntervalMs ?? DEFAULTS.clientJwksRefetchMinIntervalMs,
      retryAfterFailureMs: opts.retryAfterFailureMs ?? DEFAULTS.clientJwksRetryAfterFailureMs,
      maxStalenessMs: opts.maxStalenessMs ?? DEFAULTS.clientJwksMaxStalenessSeconds * 1000,
      maxEntries: opts.maxEntries ?? 1000,
    };
  }

  async keys(client: ClientRecord): Promise<readonly VerificationKey[]> {
    if (client.jwks) return this.inlineKeys(client.jwks);
    if (!client.jwksUri) throw new ClientKeysUnavailable('no_usable_key');
    const uri = client.jwksUri;
    const e = this.entry(uri);
    const now = this.clock.now();
    if (e.keys && now - e.fetchedAt < this.o.cacheMs) return e.keys;
    if (e.inflight || now - e.attemptAt >= this.o.retryAfterFailureMs) await this.fetch(uri, e);
    if (e.keys && this.clock.now() - e.fetchedAt < this.o.maxStalenessMs) return e.keys;
    throw new ClientKeysUnavailable('jwks_unavailable');
  }

  async refresh(client: ClientRecord): Promise<boolean> {
    if (client.jwks || !client.jwksUri) return false;
    const e = this.entry(client.jwksUri);
    if (!e.inflight && this.clock.now() - e.attemptAt < this.o.refetchMinIntervalMs) return false;
    return this.fetch(client.jwksUri, e);
  }

  private inlineKeys(jwks: object): readonly VerificationKey[] {
    let k = this.inline.get(jwks);
    if (!k) {
      try {
        k = importVerificationJwks(jwks, { strict: false });
      } catch {
        k = new ClientKeysUnavailable('no_usable_key');
      }
      this.inline.set(jwks, k);
    }
    if (k instanceof ClientKeysUnavailable) throw k;
    return k;
  }

  private entry(uri: string): Remote {
    let e = this.remote.get(uri);
    if (!e) {
      if (this.remote.size >= this.o.maxEntries) {
        const oldest = this.remote.keys().next().value;
        if (oldest !== undefined) this.remote.delete(oldest);
      }
      e = { fetchedAt: -Infinity, attemptAt: -Infinity };
      this.remote.set(uri, e);
    }
    return e;
  }

  /** Single flight per URI; never rejects. On failure the previous keys stay. */
  private fetch(uri: string, e: Remote): Promise<boolean> {
    if (e.inflight) return e.inflight;
    e.attemptAt = this.clock.now();
    const run = (async () => {
      try {
        const url = new URL(uri);
        if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`unsupported JWKS URI scheme ${url.protocol}`);
        const body = await this.fetcher.fetch(uri);
        const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
        e.keys = importVerificationJwks(parsed, { strict: false });
        e.fetchedAt = this.clock.now();
        return true;
      } catch (err) {
        this.opts.onFetchError?.(uri, err);
        return false;
      }
    })();
    e.inflight = run.finally(() => (e.inflight = undefined));
    return e.inflight;
  }
}
