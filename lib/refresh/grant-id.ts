/**
 * The public id of a grant (a refresh family, or the code exchange that starts it): the `gid` claim of every access
 * token it mints, and the key of its revocation record (revocation#grant#<gid>). It is a one-way hash of the family
 * key, so an access token (readable by any resource server) names its grant without giving away any part of the
 * refresh token. 128 bits, base64url.
 */
import { createHash } from 'node:crypto';

export const grantId = (familyKey: string): string =>
  createHash('sha256').update('portcullis-grant:', 'utf8').update(familyKey, 'utf8').digest().subarray(0, 16).toString('base64url');
