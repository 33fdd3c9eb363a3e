/**
 * infra/cli/context.ts gives a deployed stage this issuer when its real one (the API's URL) is not known
 * locally (no --issuer, no custom.stages.<stage>.issuer): the troubleshooting commands then say so instead
 * of comparing against it.
 */
export const UNKNOWN_ISSUER = 'https://issuer.invalid';
