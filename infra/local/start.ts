/**
 * `npm start`: the whole suite on http://localhost:3000 — see infra/local/stack.ts.
 * On first start it creates a demo client and prints a ready-to-paste curl.
 */
import '../quiet-sdk';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createContainer } from '../../lib/composition/container';
import { seedPeopleDemo } from './people-demo';
import { LOCAL_STATE_DIR } from './state';
import { nodeRuntimeLine } from '../node-runtime';
import { startLocalStack } from './stack';

async function main() {
  const port = Number(process.env.PORT || 3000);
  const verbose = process.argv.includes('--verbose');
  const firstStart = !existsSync(join(LOCAL_STATE_DIR, 'dynamodb'));
  process.stdout.write(`portcullis: starting the local stack on ${nodeRuntimeLine()}…\n`);
  const stack = await startLocalStack({
    port,
    stateDir: LOCAL_STATE_DIR,
    persist: true,
    log: (line) => {
      if (verbose) process.stdout.write(line);
    },
  });
  const u = stack.url;
  process.stdout.write(
    [
      '',
      `portcullis is running on ${u} (stage local; data, key and audit log under .local/)`,
      `  POST ${u}/oauth2/token`,
      `  POST ${u}/oauth2/revoke`,
      `  POST ${u}/oauth2/introspect`,
      `  GET  ${u}/.well-known/jwks.json`,
      `  GET  ${u}/.well-known/oauth-authorization-server`,
      `  GET  ${u}/demo/data (read:data)   POST ${u}/demo/data (write:data)`,
      `  GET  ${u}/v2/demo/data            POST ${u}/v2/demo/data (HTTP API authorizer)`,
      `  GET  ${u}/oauth2/authorize        the authorization code flow (sign-in and consent pages)`,
      `  GET  ${u}/demo/app                a demo web app that signs its user in`,
      '',
    ].join('\n'),
  );
  const marker = join(LOCAL_STATE_DIR, 'demo-client-id');
  if (firstStart || !existsSync(marker)) {
    const admin = createContainer(stack.config, { table: stack.table, audit: { functionName: 'local-start', stdout: () => {} }, metrics: false }).clientAdmin('npm-start');
    const { client, secret } = await admin.create({ name: 'demo', scopes: ['read:data', 'write:data'], defaultScopes: ['read:data'] });
    writeFileSync(marker, `${client.clientId}\n`, { mode: 0o600 });
    process.stdout.write(
      [
        `Created a demo client (the secret is shown only now): ${client.clientId}`,
        'Get a token:',
        `  curl -s -u '${client.clientId}:${secret}' -d grant_type=client_credentials -d 'scope=read:data' ${u}/oauth2/token`,
        'Call the demo route with it:',
        `  curl -s -H "Authorization: Bearer $TOKEN" ${u}/demo/data`,
        '',
      ].join('\n'),
    );
  } else {
    process.stdout.write('Create a client: npm run --silent admin -- clients create --name my-app --scopes "read:data"\n');
  }
  process.stdout.write(await seedPeopleDemo(stack));
  process.stdout.write('Press Ctrl+C to stop.\n');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`portcullis: could not start the local stack: ${(err as Error).message}\n`);
  process.exit(1);
});
