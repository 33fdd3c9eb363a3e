/**
 * The admin CLI (a stable contract; scripts rely on its commands and --json output):
 *   npm run --silent admin -- clients create --name NAME --scopes "a b" [--default-scopes "a"] [--lifetime S] [--introspect] [--json]
 *       [--grant-types "authorization_code refresh_token | password"] [--redirect-uris "URI …"] [--post-logout-redirect-uris "URI …"] [--public] [--third-party]
 *   npm run --silent admin -- clients list|show ID|rotate-secret ID [--old-secret-ttl S]|retire-secret ID|disable ID|enable ID [--json]
 *   npm run --silent admin -- clients create … [--auth-method private_key_jwt --jwks JSON|--jwks-uri URL] [--max-tokens-per-minute N]
 *   npm run --silent admin -- clients update ID [--max-tokens-per-minute N|none] [--jwks JSON|--jwks-uri URL] [--post-logout-redirect-uris "URI …"|""] [--json]
 *   npm run --silent admin -- users create --username NAME --roles "a b" [--password-stdin] [--email E [--email-verified]] [--name N] [--json]
 *   npm run --silent admin -- users set-profile NAME [--email E|""] [--name N|""] [--email-verified|--email-unverified] [--json]
 *   npm run --silent admin -- users list|show NAME|disable NAME|enable NAME|set-password NAME --password-stdin|set-roles NAME --roles "a b"|delete NAME|revoke-consent NAME [--client ID] [--json]
 *   npm run --silent admin -- revoke --client ID | --sub SUB | --jti JTI [--json]
 *   npm run --silent admin -- tokens list --sub SUB [--json]
 *   npm run --silent admin -- keys init|rotate|list [--json]
 *   npm run --silent admin -- explain TOKEN|- [--route "GET /demo/data"] [--json]     (exit 0 allow, 1 deny)
 *   npm run --silent admin -- doctor [--serverless FILE] [--json]                     (exit 1 when an error is found)
 * Every command takes --stage S --region R to act on a deployed stage instead of the local stack, with the
 * configuration its functions run with (serverless.yml resolved for that stage; --param name=value as given to
 * `serverless deploy`).
 */
import '../quiet-sdk';
import { parseArgs } from 'node:util';
import { AdminError, describeClient } from '../../lib/clients/client-admin';
import { CliError, resolveTarget, type CliTarget } from './context';
import { runRevokeCommand } from './revoke-commands';
import { runTokensCommand } from './tokens-commands';
import { runUsersCommand } from './users-commands';
import { runKeysCommand } from './keys-commands';
import { runExplainCommand } from './explain-command';
import { runDoctorCommand } from './doctor-command';
import { ConflictError, NotFoundError } from '../../lib/stores/ports';
import type { GrantType } from '../../lib/models/client';
import { paramsOf } from '../portcullis-environment';
import { CLIENT_SETTINGS_OPTIONS, CLIENT_SETTINGS_USAGE, CLIENT_UPDATE_USAGE, clientSettingsInput, clientSettingsUpdate } from './client-settings-flags';

const USAGE = `usage: npm run --silent admin -- <command> [options]
  clients create --name NAME --scopes "a b" [--default-scopes "a"] [--lifetime SECONDS] [--introspect]
                 [--grant-types "authorization_code refresh_token | password"] [--redirect-uris "URI …"]
                 [--post-logout-redirect-uris "URI …"] [--public] [--third-party]
  clients list | show ID | rotate-secret ID [--old-secret-ttl SECONDS] | retire-secret ID | disable ID | enable ID
  clients create … ${CLIENT_SETTINGS_USAGE}
  ${CLIENT_UPDATE_USAGE}
  users create --username NAME --roles "reader writer" [--password-stdin] [--email E [--email-verified]] [--name N]
  users set-profile NAME [--email E|""] [--name N|""] [--email-verified|--email-unverified]
  users list | show NAME | disable NAME | enable NAME | set-password NAME --password-stdin
  users set-roles NAME --roles "a b" | delete NAME | revoke-consent NAME [--client ID]
  revoke --client ID | --sub SUB | --jti JTI
  tokens list --sub SUB                          a user's refresh-token families (never a token)
  keys init | keys list | keys rotate [--now] [--force] | keys retire KID
  explain TOKEN|- [--route "METHOD /path"] [--audience URI]   why the authorizer allows or denies a token (exit 0 allow, 1 deny)
  doctor [--serverless FILE]                  check the configuration and live state (exit 1 when an error is found)
options: --json (machine output, last line)  --stage S --region R [--param name=value …] (a deployed stage, with the
         --param values it was deployed with; default: the local stack)`;

const OPTIONS = {
  json: { type: 'boolean' },
  stage: { type: 'string' },
  region: { type: 'string' },
  issuer: { type: 'string' },
  param: { type: 'string', multiple: true },
  name: { type: 'string' },
  scopes: { type: 'string' },
  'default-scopes': { type: 'string' },
  lifetime: { type: 'string' },
  introspect: { type: 'boolean' },
  'grant-types': { type: 'string' },
  'redirect-uris': { type: 'string' },
  'post-logout-redirect-uris': { type: 'string' },
  public: { type: 'boolean' },
  'third-party': { type: 'boolean' },
  'old-secret-ttl': { type: 'string' },
  client: { type: 'string' },
  sub: { type: 'string' },
  jti: { type: 'string' },
  now: { type: 'boolean' },
  force: { type: 'boolean' },
  route: { type: 'string' },
  audience: { type: 'string' },
  serverless: { type: 'string' },
  username: { type: 'string' },
  roles: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  email: { type: 'string' },
  'email-verified': { type: 'boolean' },
  'email-unverified': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  ...CLIENT_SETTINGS_OPTIONS,
} as const;

export type AdminValues = ReturnType<typeof parse>['values'];
const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });

const out = (line: string) => process.stdout.write(`${line}\n`);

/** `clients create --grant-types "… password"` (on stderr: stdout is the --json contract). */
const passwordGrantWarning = (enabled: boolean) =>
  'warning: this client may use the password grant, which gives users\' passwords to it; RFC 9700 §2.4 says it must not be used. ' +
  'Prefer the authorization code flow with PKCE (users) or client_credentials (machines). ' +
  (enabled
    ? 'custom.portcullis.passwordGrant.enabled is true in this stage: the client can use it now, and doctor warns while it is on.'
    : 'custom.portcullis.passwordGrant.enabled is false in this stage: its password requests get unsupported_grant_type.');
const words = (s: string | undefined) => (s ?? '').split(/\s+/).filter(Boolean);

function wholeSeconds(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new CliError(`${flag} must be a whole number of seconds`);
  return Number(raw);
}

async function clientsCommand(sub: string | undefined, id: string | undefined, v: AdminValues, target: CliTarget): Promise<number> {
  const admin = target.container.clientAdmin(target.actor);

  const needId = () => {
    if (!id) throw new CliError(`clients ${sub} needs a client id`);
    return id;
  };
  const show = (value: object, text: string) => out(v.json ? JSON.stringify(value) : text);
  switch (sub) {
    case 'create': {
      const input = {
        name: v.name ?? '',
        scopes: words(v.scopes),
        defaultScopes: v['default-scopes'] === undefined ? undefined : words(v['default-scopes']),
        tokenLifetimeSeconds: wholeSeconds('--lifetime', v.lifetime),
        canIntrospectOthers: v.introspect,
        ...clientSettingsInput(v),
        grantTypes: v['grant-types'] === undefined ? undefined : (words(v['grant-types']) as GrantType[]),
        redirectUris: words(v['redirect-uris']),
        postLogoutRedirectUris: words(v['post-logout-redirect-uris']),
        thirdParty: v['third-party'],
      };
      if (v.public) {
        const { client } = await admin.createPublic(input);
        show(describeClient(client), `client_id:     ${client.clientId} (public: no secret)\nscopes:        ${client.allowedScopes.join(' ')}`);
        return 0;
      }
      const { client, secret } = await admin.create(input);
      if (client.grantTypes.includes('password')) process.stderr.write(`${passwordGrantWarning(target.container.config.passwordGrant?.enabled === true)}\n`);
      if (!secret) {
        // private_key_jwt: no secret exists; the client signs with its own key.
        show(describeClient(client), `client_id:     ${client.clientId}\nauth method:   private_key_jwt (${client.jwksUri ?? `${client.jwks?.keys.length} inline key(s)`})\nscopes:        ${client.allowedScopes.join(' ')}`);
        return 0;
      }
      if (!v.json) out('The secret is shown once; store it now.');
      show(
        { ...describeClient(client), client_secret: secret },
        `client_id:     ${client.clientId}\nclient_secret: ${secret}\nscopes:        ${client.allowedScopes.join(' ')}`,
      );
      return 0;
    }
    case 'update': {
      const c = await admin.update(needId(), clientSettingsUpdate(v, ['name', 'scopes', 'default-scopes', 'lifetime', 'introspect', 'old-secret-ttl']));
      show(describeClient(c), `updated ${c.clientId}: max tokens per minute ${c.maxTokensPerMinute ?? 'none'}${c.tokenEndpointAuthMethod ? `, keys ${c.jwksUri ?? 'inline'}` : ''}`);
      return 0;
    }
    case 'list': {
      const clients = (await target.container.clientStore().list()).sort((a, b) => a.createdAt - b.createdAt);
      if (v.json) out(JSON.stringify({ clients: clients.map(describeClient) }));
      else if (clients.length === 0) out('no clients');
      else for (const c of clients) out(`${c.clientId}\t${c.status}\t${c.name}\t${c.allowedScopes.join(' ')}`);
      return 0;
    }
    case 'show': {
      const record = await admin.get(needId());
      const quota = await admin.quotaUse(record);
      const c = { ...describeClient(record), ...(quota ? { token_quota: quota } : {}) };
      show(c, JSON.stringify(c, null, 2));
      return 0;
    }
    case 'rotate-secret': {
      const { client, secret } = await admin.rotateSecret(needId(), wholeSeconds('--old-secret-ttl', v['old-secret-ttl']));
      if (!v.json) out('The new secret is shown once; the previous one keeps working until `clients retire-secret` or its expiry.');
      show({ ...describeClient(client), client_secret: secret }, `client_id:     ${client.clientId}\nclient_secret: ${secret}`);
      return 0;
    }
    case 'retire-secret': {
      const c = await admin.retireSecret(needId());
      show(describeClient(c), `retired the previous secret of ${c.clientId}`);
      return 0;
    }
    case 'disable':
    case 'enable': {
      const c = await admin.setStatus(needId(), sub === 'disable' ? 'disabled' : 'active');
      show(describeClient(c), `${c.clientId} is now ${c.status}${sub === 'disable' ? '; its existing tokens are revoked' : ''}`);
      return 0;
    }
    default:
      throw new CliError(`unknown clients command "${sub ?? ''}"\n${USAGE}`, 2);
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values: v, positionals: [command, sub, id] } = parsed;
  if (v.help || !command) {
    out(USAGE);
    return v.help ? 0 : 2;
  }
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const badParam = (v.param ?? []).find((p) => !/^[^=]+=.+$/.test(p));
  if (badParam !== undefined) {
    process.stderr.write(`--param must look like name=value (got "${badParam}")\n${USAGE}\n`);
    return 2;
  }
  const where = { json: v.json, stage: v.stage, region: v.region, issuer: v.issuer, params: paramsOf(v.param) };
  if (command === 'explain') return runExplainCommand({ ...where, token: sub, extra: parsed.positionals.slice(2), route: v.route, audience: v.audience }, { out, err });
  if (command === 'doctor') return runDoctorCommand({ ...where, extra: parsed.positionals.slice(1), serverlessFile: v.serverless }, { out, err });
  if (!['clients', 'users', 'revoke', 'keys', 'tokens'].includes(command)) {
    process.stderr.write(`unknown command "${command}"\n${USAGE}\n`);
    return 2;
  }
  let target: CliTarget | undefined;
  try {
    target = await resolveTarget(where);
    if (command === 'clients') return await clientsCommand(sub, id, v, target);
    if (command === 'users') return await runUsersCommand(sub, id, v, target, { out });
    if (command === 'revoke') return await runRevokeCommand(v, target, out);
    if (command === 'tokens') return await runTokensCommand(sub, v, target, out);
    return await runKeysCommand([sub, id, ...(v.now ? ['--now'] : []), ...(v.force ? ['--force'] : [])].filter(Boolean) as string[], {
      actor: target.actor,
      config: target.config,
      keyStore: target.container.keyStore(),
      json: Boolean(v.json),
      out,
      audit: target.container.audit(),
    });
  } catch (err) {
    if (err instanceof CliError || err instanceof AdminError || err instanceof NotFoundError || err instanceof ConflictError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err instanceof CliError ? err.exitCode : 1;
    }
    process.stderr.write(`error: ${(err as Error).message ?? String(err)}\n`);
    return 1;
  } finally {
    target?.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
