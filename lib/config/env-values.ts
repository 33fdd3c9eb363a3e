/** Reading typed values from the environment, and the one error a bad value raises. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(`portcullis configuration error: ${message}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export function num(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

/** A whole number ≥ 1 (a limit of 0 would refuse every revocation). */
export function positiveInt(env: Env, name: string, fallback: number): number {
  const value = num(env, name, fallback);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a whole number of at least 1, got "${env[name]}"`);
  return value;
}

export function json<T>(env: Env, name: string, fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new ConfigError(`${name} is not valid JSON`);
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Outside loopback every advertised URL must be https (RFC 6749 §3.1, RFC 8414 §2). */
export function assertSecureUrl(name: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a URL: "${value}"`);
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return;
  throw new ConfigError(`${name} must be an https URL outside the local stack, got "${value}"`);
}

/** One of the allowed values (default when unset), or a ConfigError naming them. */
export function oneOf<const T extends string>(env: Env, name: string, allowed: readonly T[], fallback: NoInfer<T>): T {
  const raw = env[name] || fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be ${allowed.join(' or ')}, got "${raw}"`);
  return raw as T;
}
