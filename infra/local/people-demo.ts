/**
 * `npm start`, first start: a demo user (username `demo`, a generated password printed once) and the demo app's
 * public client (client id `demo-app`, redirect URI http://127.0.0.1/demo/app/callback: any port, RFC 8252 §7.3),
 * so someone trying portcullis opens /demo/app and signs in within a minute.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientAdmin } from '../../lib/clients/client-admin';
import { createContainer } from '../../lib/composition/container';
import { createUserAdmin } from '../../lib/composition/user-admin';
import { randomIds } from '../../lib/core/ids';
import { DEMO_APP_CLIENT_ID, DEMO_APP_SCOPE, demoAppPostLogoutUri, demoAppRedirectUri } from '../../lib/demo-app/demo-app';
import { DynamoClientStore } from '../../lib/stores/dynamo/client-store';
import { generatePassword } from '../../lib/users/password';
import type { LocalStack } from './stack';
import { LOCAL_STATE_DIR } from './state';

export const DEMO_USERNAME = 'demo';

export async function seedPeopleDemo(stack: Pick<LocalStack, 'config' | 'table' | 'url'>, stateDir = LOCAL_STATE_DIR): Promise<string> {
  const c = createContainer(stack.config, { table: stack.table, audit: { functionName: 'local-start', stdout: () => {} }, metrics: false });
  const lines: string[] = [];
  const admin = new ClientAdmin({ config: stack.config, clients: new DynamoClientStore(stack.table), audit: c.audit(), actor: 'npm-start', ids: { ...randomIds, clientId: () => DEMO_APP_CLIENT_ID } });
  const postLogout = demoAppPostLogoutUri(stack.config.issuer);
  const demoApp = await c.clientStore().get(DEMO_APP_CLIENT_ID);
  if (!demoApp) {
    await admin.createPublic({ name: 'Demo app', scopes: DEMO_APP_SCOPE.split(' '), redirectUris: [demoAppRedirectUri(stack.config.issuer, { registered: true })], postLogoutRedirectUris: [postLogout] });
  } else if (!(demoApp.postLogoutRedirectUris ?? []).includes(postLogout)) {
    // A state directory of an earlier version (or another port): its sign-out goes back to this stack's demo app.
    await admin.update(DEMO_APP_CLIENT_ID, { postLogoutRedirectUris: [postLogout] });
  }
  const marker = join(stateDir, 'demo-user');
  const existing = await c.userStore().findByUsername(DEMO_USERNAME);
  if (!existing) {
    const password = generatePassword();
    await createUserAdmin(stack.config, stack.table, c.audit(), 'npm-start').create({ username: DEMO_USERNAME, password, roles: ['reader'] });
    writeFileSync(marker, `${DEMO_USERNAME}\n`, { mode: 0o600 });
    lines.push(
      'Created a demo user (the password is shown only now):',
      `  username: ${DEMO_USERNAME}`,
      `  password: ${password}`,
      `Sign in to the demo app: open ${stack.url}/demo/app`,
    );
  } else {
    lines.push(
      `Demo app: open ${stack.url}/demo/app and sign in as ${DEMO_USERNAME} (its password was shown at the first start; set a new one with`,
      `  npm run --silent admin -- users set-password ${DEMO_USERNAME} --password-stdin)`,
    );
  }
  if (!existsSync(marker)) writeFileSync(marker, `${DEMO_USERNAME}\n`, { mode: 0o600 });
  return `${lines.join('\n')}\n`;
}
