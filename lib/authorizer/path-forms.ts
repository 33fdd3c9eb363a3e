/**
 * Canonical request paths, for policies API Gateway may cache (custom.portcullis.authorizerCacheSeconds > 0).
 *
 * A cached policy is evaluated against the execute-api ARN of each later request with the same token. The route
 * Allow/Deny patterns (policy.ts) are exact over canonical paths: one `/` between non-empty segments, no trailing
 * `/` (but the root `/`), no `.`/`..` segment, no percent-encoding, no `\`. But how API Gateway normalizes a path
 * before routing it, and which spelling it writes into methodArn/routeArn, is not documented. If it routes
 * `GET /users/7/admin/` (or `//`, `%2F`, `%61dmin`, `/.`, `\`) to `GET /users/{id}/admin` while the ARN keeps the
 * spelling as sent, `Allow GET/users/*` matches and `Deny GET/users/*\/admin` does not: a cached Allow wider than
 * the route table.
 *
 * So with caching on, the policy also denies every non-canonical spelling, with the fixed patterns below, and the
 * decision core refuses such a request itself (403 `non_canonical_path`), so a fresh answer and every cached policy
 * agree on it. Why this is safe whatever API Gateway does: a request whose ARN path is not canonical is denied
 * outright; one whose ARN path is canonical is routed by that path (normalizing a canonical path changes nothing),
 * which is exactly what the route patterns are computed for. Assumed, as IAM documents it: `*` spans any
 * characters, `/` included, and matching is case-sensitive (as API Gateway routing is), so `/Users/7` is simply
 * another path. Cost: with caching on, a client that sends such a spelling gets 403 instead of the route; the
 * policy grows by these 8 resources, whatever the route table.
 */

/** ARN suffixes (after `…/{stage}/`) of non-canonical requests: `METHOD` + path. */
export const NON_CANONICAL_GLOBS: readonly string[] = [
  '*//*', // an empty segment: doubled slash anywhere, a leading `//`, trailing `//`
  '*/?*/', // a trailing slash after a non-empty path (the root `GET/` does not match)
  '*/.', // a trailing `.` segment
  '*/./*', // an inner `.` segment
  '*/..', // a trailing `..` segment
  '*/../*', // an inner `..` segment
  '*%*', // percent-encoding: `%2F` may split a segment, `%61dmin` may read as `admin`
  '*\\*', // a backslash, which some front ends read as `/`
];

const toRegExp = (glob: string) =>
  new RegExp(`^${glob.split('*').map((part) => part.split('?').map((s) => s.replace(/[.+^${}()|[\]\\/]/g, '\\$&')).join('.')).join('.*')}$`, 's');
const NON_CANONICAL = NON_CANONICAL_GLOBS.map(toRegExp);

/** `GET/users/7` yes, `GET/users/7/` no: the same patterns the policy denies, so the decision and the policy agree. */
export function isCanonicalArnSuffix(suffix: string): boolean {
  return !NON_CANONICAL.some((re) => re.test(suffix));
}
