/**
 * Access token verification: cheap checks first (lib/jose/precheck.ts: structure, header, claims, issuer,
 * audience, times), then the signature alone with node:crypto against a KeyObject per kid
 * (lib/jose/verification-keys.ts): nothing is checked twice. aws-jwt-verify serves the JWKS fetch and caching
 * (SimpleJwksCache, with our bounded fetcher and parser). An unknown `kid` triggers one JWKS refetch, at most once per
 * config.jwksRefetchMinIntervalMs (single flight); a failed fetch keeps the last good keys.
 * Keys older than jwksMaxAgeMs (the JWKS Cache-Control max-age) are refreshed in the background,
 * so a key removed from the JWKS stops being trusted without a cold start.
 * The last good keys are kept at most jwksMaxStalenessMs: older (every fetch failed, or the container sat
 * idle), a decision waits for one refresh and is refused with `jwks_unavailable` if it fails, so a key
 * withdrawn from the JWKS is not trusted for ever while the JWKS endpoint is down.
 */
import { JwkInvalidKtyError, JwkInvalidUseError, JwksNotAvailableInCacheError, JwtExpiredError, JwtInvalidAudienceError, JwtInvalidIssuerError, JwtInvalidSignatureAlgorithmError, JwtInvalidSignatureError, JwtNotBeforeError, JwtParseError, JwtWithoutValidKidError, KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, type Jwks } from 'aws-jwt-verify/jwk';
import type { Clock } from '../core/clock';
import { systemClock } from '../core/clock';
import { createJwksFetcher, normalizeJwks, parseJwks } from '../jose/jwks';
import { precheck, type JwtExpectations, type Prechecked } from '../jose/precheck';
import { accessTokenExpectations, type AccessTokenClaims } from '../tokens/access-token-claims';
import { VerificationKeys } from '../jose/verification-keys';
import type { KeysReason, TokenReason } from './reasons';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  jwksUri: string;
  clockSkewSeconds: number;
  jwksRefetchMinIntervalMs: number;
  jwksFetchTimeoutMs: number;
  /** Keys older than this are refreshed in the background (a removed key stops being trusted). */
  jwksMaxAgeMs: number;
  /** Keys older than this are not used: a refresh is awaited, and tokens are refused (`jwks_unavailable`) if it fails. */
  jwksMaxStalenessMs: number;
}

export interface TokenVerifierDeps {
  clock?: Clock;
  fetcher?: Fetcher;
  /** A JWKS to start with instead of fetching at cold start (tests, or keys bundled at deploy time). */
  jwks?: unknown;
  /** Told about JWKS fetch failures (never about tokens). */
  onJwksError?: (err: unknown) => void;
  /** Called when the trusted key set changes (the verified-token cache must forget tokens of removed keys). */
  onKeysChanged?: () => void;
  /** Told once each time the keys become too old to use (tokens are refused from then until a fetch succeeds). */
  onKeysStale?: (ageMs: number) => void;
}

export type VerifyOutcome = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: TokenReason | KeysReason | 'internal_error' };

/** aws-jwt-verify's errors as reasons (its JWKS cache and parser may throw them). */
export function signatureFailureReason(err: unknown): TokenReason | 'internal_error' {
  if (err instanceof KidNotFoundInJwksError || err instanceof JwksNotAvailableInCacheError || err instanceof JwkInvalidUseError) return 'unknown_kid';
  if (err instanceof JwtInvalidSignatureAlgorithmError || err instanceof JwkInvalidKtyError) return 'alg_mismatch';
  if (err instanceof JwtInvalidSignatureError) return 'bad_signature';
  if (err instanceof JwtExpiredError) return 'expired';
  if (err instanceof JwtNotBeforeError) return 'not_yet_valid';
  if (err instanceof JwtInvalidIssuerError) return 'wrong_issuer';
  if (err instanceof JwtInvalidAudienceError) return 'wrong_audience';
  if (err instanceof JwtParseError || err instanceof JwtWithoutValidKidError) return 'malformed';
  return 'internal_error';
}

export class TokenVerifier {
  private readonly clock: Clock;
  private readonly expect: JwtExpectations<AccessTokenClaims>;
  private readonly jwksCache: SimpleJwksCache;
  private keys = new VerificationKeys([]);
  private lastFetchAt = -Infinity;
  private loadedAt = -Infinity;
  private fingerprint = '';
  private inflight: Promise<boolean> | undefined;
  private coldStart: Promise<unknown> | undefined;
  private staleReported = false;

  constructor(
    private readonly opts: TokenVerifierOptions,
    private readonly deps: TokenVerifierDeps = {},
  ) {
    this.clock = deps.clock ?? systemClock;
    this.expect = accessTokenExpectations({ issuer: opts.issuer, audience: opts.audience, clockSkewSeconds: opts.clockSkewSeconds });
    this.jwksCache = new SimpleJwksCache({ fetcher: deps.fetcher ?? createJwksFetcher(opts.jwksFetchTimeoutMs), jwksParser: parseJwks });
    if (deps.jwks !== undefined) this.loadJwks(deps.jwks);
    else this.coldStart = this.refetch().finally(() => (this.coldStart = undefined));
  }

  /** Replaces the trusted keys (normalized: RS256/ES256 signing keys only). */
  loadJwks(jwks: unknown): void {
    this.install(normalizeJwks(jwks));
  }

  private install(jwks: Jwks): void {
    this.keys = new VerificationKeys(jwks.keys); // KeyObjects of the previous set go with it
    this.loadedAt = this.clock.now();
    this.staleReported = false;
    const fingerprint = JSON.stringify(jwks.keys.map((k) => [k.kid, k.alg, k.kty, k.n, k.e, k.crv, k.x, k.y]).sort());
    if (fingerprint !== this.fingerprint) {
      const first = this.fingerprint === '';
      this.fingerprint = fingerprint;
      if (!first) this.deps.onKeysChanged?.();
    }
  }

  /** Resolves once the JWKS fetch in progress (cold start, refetch or background refresh) has settled. */
  async ready(): Promise<void> {
    await this.coldStart;
    await this.inflight;
  }

  /** Starts a background refresh when the keys are older than jwksMaxAgeMs. Cheap; called on every decision. */
  maintain(): void {
    const now = this.clock.now();
    if (now - this.loadedAt >= this.opts.jwksMaxAgeMs && this.inflight === undefined && this.coldStart === undefined && now - this.lastFetchAt >= this.opts.jwksRefetchMinIntervalMs) {
      void this.refetch(); // this decision still uses the current keys
    }
  }

  /**
   * undefined while the keys are younger than jwksMaxStalenessMs. Older, one refresh is awaited (single flight, at
   * most one per jwksRefetchMinIntervalMs; a container that sat idle gets fresh keys here), and `jwks_unavailable`
   * if they are still too old. Never having had keys (cold start failed) counts as too old.
   */
  staleKeys(): KeysReason | undefined | Promise<KeysReason | undefined> {
    if (this.coldStart) return this.coldStart.then(() => this.staleKeys());
    if (this.fresh()) return undefined;
    if (!this.refetchAllowed()) return this.reportStale();
    return this.refetch().then(() => (this.fresh() ? undefined : this.reportStale()));
  }

  private fresh(): boolean {
    return this.clock.now() - this.loadedAt < this.opts.jwksMaxStalenessMs;
  }

  private reportStale(): KeysReason {
    if (!this.staleReported) {
      this.staleReported = true;
      this.deps.onKeysStale?.(this.clock.now() - this.loadedAt);
    }
    return 'jwks_unavailable';
  }

  verify(token: string): VerifyOutcome | Promise<VerifyOutcome> {
    if (this.coldStart) return this.coldStart.then(() => this.verify(token));
    const now = this.clock.now();
    const pre = precheck(token, this.expect, now / 1000);
    if (typeof pre === 'string') return { ok: false, reason: pre };
    const stale = this.staleKeys();
    if (stale === undefined) return this.verifyPrechecked(token, pre);
    if (typeof stale === 'string') return { ok: false, reason: stale };
    return stale.then((r) => (r === undefined ? this.verifyPrechecked(token, pre) : { ok: false, reason: r }));
  }

  private verifyPrechecked(token: string, pre: Prechecked<AccessTokenClaims>): VerifyOutcome | Promise<VerifyOutcome> {
    const d = pre.decomposed;
    // The signing input is the token up to its last dot (precheck checked there are exactly two).
    const signingInput = Buffer.from(token.slice(0, d.headerB64.length + 1 + d.payloadB64.length), 'latin1');
    const signature = Buffer.from(d.signatureB64, 'base64url');
    const alg = d.header.alg as string;
    const kid = d.header.kid as string;
    const reason = this.keys.verify(alg, kid, signingInput, signature);
    if (reason === undefined) return { ok: true, claims: pre.claims };
    if (reason !== 'unknown_kid' || !this.refetchAllowed()) return { ok: false, reason };
    return this.refetch().then(() => {
      const again = this.keys.verify(alg, kid, signingInput, signature);
      return again === undefined ? { ok: true, claims: pre.claims } : { ok: false, reason: again };
    });
  }

  private refetchAllowed(): boolean {
    return this.inflight !== undefined || this.clock.now() - this.lastFetchAt >= this.opts.jwksRefetchMinIntervalMs;
  }

  /** Single flight; never rejects. On failure the previous keys stay (SimpleJwksCache only stores a parsed, usable JWKS). */
  private refetch(): Promise<boolean> {
    if (this.inflight) return this.inflight;
    this.lastFetchAt = this.clock.now();
    const run = this.jwksCache.getJwks(this.opts.jwksUri).then(
      (jwks) => {
        this.install(jwks);
        return true;
      },
      (err: unknown) => {
        this.deps.onJwksError?.(err);
        return false;
      },
    );
    this.inflight = run.finally(() => (this.inflight = undefined));
    return this.inflight;
  }
}
