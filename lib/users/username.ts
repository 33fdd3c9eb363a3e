/**
 * Usernames: compared case-insensitively after Unicode NFKC normalization, stored normalized, 1–128 characters of
 * letters, digits and `. _ @ + -` (an email address is a valid username). What a user types at the login page is
 * normalized the same way before it is looked up.
 */
const USERNAME = /^[a-z0-9][a-z0-9._@+-]{0,127}$/;

/** The normalized username, or undefined when it cannot be one (such a name never exists). */
export function normalizeUsername(raw: string): string | undefined {
  const n = raw.normalize('NFKC').trim().toLowerCase();
  return USERNAME.test(n) ? n : undefined;
}
