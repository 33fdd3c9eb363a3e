/**
 * `doctor`: the roles of serverless.yml (custom.portcullis.roles) name declared scopes. A role that names an
 * undeclared scope fails packaging and the functions' cold start; one that names no scope gives users nothing.
 */
import { isOidcScope } from '../../../../lib/config/oidc-scopes';
import type { Finding } from '../types';
import type { DeclaredSource } from './declared';
import { error, ok, warning } from './finding';

const scopesOf = (v: unknown): string[] | undefined => (typeof v === 'string' ? v.split(' ').filter(Boolean) : Array.isArray(v) ? v.map(String) : undefined);

export function roleChecks(src: DeclaredSource): Finding[] {
  const out: Finding[] = [];
  const declared = src.settings.scopes ?? {};
  const roles = src.settings.roles ?? {};
  let problems = 0;
  for (const [role, value] of Object.entries(roles)) {
    const scopes = scopesOf(value);
    if (!scopes) {
      problems++;
      out.push(error('roles.invalid', `role "${role}" in ${src.file} does not list scopes`, `write it as ${role}: [scope-a, scope-b] in custom.portcullis.roles`));
      continue;
    }
    for (const s of scopes) {
      if (Object.prototype.hasOwnProperty.call(declared, s) || isOidcScope(s)) continue;
      problems++;
      out.push(
        error(
          'roles.undeclared-scope',
          `role "${role}" names scope "${s}", which is not declared in custom.portcullis.scopes (${src.file}): packaging fails, and so would the functions`,
          `declare it: custom.portcullis.scopes: { ${s}: <description> }, or correct the scope name in the role`,
        ),
      );
    }
    if (scopes.length === 0) {
      problems++;
      out.push(warning('roles.empty', `role "${role}" gives no scope: users with only this role get no API scope`, `give it scopes in custom.portcullis.roles, or remove it`));
    }
  }
  if (problems === 0) out.push(ok('roles', `${Object.keys(roles).length} role(s), every scope they name declared`));
  return out;
}
