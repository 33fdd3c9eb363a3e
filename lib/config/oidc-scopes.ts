/**
 * The OpenID Connect scopes (OpenID Connect Core 1.0 §5.4, §11): always in the scope catalogue, so clients can be
 * given them, and never role-gated (a user's roles cap only the API scopes). A declaration in serverless.yml may
 * reword a description.
 */
export const OIDC_SCOPES: Readonly<Record<string, string>> = {
  openid: 'Sign you in with your account',
  profile: 'See your name and username',
  email: 'See your email address',
  offline_access: 'Stay connected while you are away',
};

export const isOidcScope = (scope: string): boolean => Object.prototype.hasOwnProperty.call(OIDC_SCOPES, scope);

/** The catalogue the functions use: the declared scopes plus the OpenID Connect ones. */
export const withOidcScopes = (declared: Record<string, string>): Record<string, string> => ({ ...OIDC_SCOPES, ...declared });
