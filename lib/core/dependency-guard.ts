import { OAuthError, temporarilyUnavailable } from './errors';

/** A failing store or key service becomes 503 temporarily_unavailable with Retry-After, never a 500 or a silent success. */
export async function guardDependency<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof OAuthError) throw err;
    throw temporarilyUnavailable(err);
  }
}
