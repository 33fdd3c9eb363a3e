/**
 * `admin doctor` against the real local stack through the CLI: a healthy stack has no error; each kind of
 * broken configuration or live state is reported with the right finding and a fix, and the exit code says so.
 * serverless.yml problems are tested on temporary copies (--serverless FILE), never on the real file.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { DynamoClientStore } from '../../lib/stores/dynamo/client-store';
import type { DoctorReport, Finding } from '../../infra/cli/troubleshoot/types';
import { cli, lastJson } from '../../testkit/cli';
import { startTestStack, type TestStack } from '../../testkit/stack';

let stack: TestStack;
let scratch: string;
const doctor = async (...args: string[]) => {
  const r = await cli('admin', ['doctor', '--json', ...args], stack.stateDir);
  return { code: r.code, report: lastJson(r.stdout) as DoctorReport, stderr: r.stderr };
};
const find = (r: DoctorReport, id: string, severity?: Finding['severity']) => r.findings.filter((f) => f.id === id && (!severity || f.severity === severity));

beforeAll(async () => {
  stack = await startTestStack();
  scratch = mkdtempSync(join(tmpdir(), 'portcullis-doctor-'));
  await stack.createClient({ name: 'healthy' }); // an audited action: the local audit file exists
}, 180_000);
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await stack?.stop();
});

/** A copy of serverless.yml with `change` applied. */
function serverlessCopy(change: (doc: Record<string, any>) => void): string {
  const doc = load(readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8')) as Record<string, any>;
  change(doc);
  const file = join(scratch, `serverless-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, dump(doc, { lineWidth: -1 }));
  return file;
}

test('a healthy stack and a broken serverless.yml, side by side', async () => {
  const broken = serverlessCopy((doc) => {
    doc.custom.portcullis.routes = { 'GET /reports': 'admin:all', 'GET /health': [], 'GET /ghost': 'read:data' };
    doc.custom.portcullis.authorizerCacheSeconds = 60;
    doc.custom.portcullis.roles = { ...doc.custom.portcullis.roles, auditor: ['audit:read', 'openid'] };
    doc.functions.reports = {
      handler: 'functions/demo.handler',
      events: [
        { http: { path: 'reports', method: 'get' } },
        { http: { path: 'orders', method: 'get', authorizer: '${self:custom.restAuthorizer}' } },
        { http: { path: 'health', method: 'get', authorizer: '${self:custom.restAuthorizer}' } },
      ],
    };
  });
  const [healthy, bad] = await Promise.all([doctor(), doctor('--serverless', broken)]);

  // Healthy: no error, exit 0, and the checks that ran are listed.
  expect(healthy.code).toBe(0);
  expect(healthy.report.errors).toBe(0);
  expect(healthy.report.findings.filter((f) => f.severity === 'error')).toEqual([]);
  expect(find(healthy.report, 'keys.probe', 'ok')).toHaveLength(1);
  expect(find(healthy.report, 'issuer.metadata', 'ok')[0].message).toContain(stack.config.issuer);
  expect(find(healthy.report, 'table.ttl', 'info')[0].message).toContain('unknown locally');
  expect(find(healthy.report, 'revocation.bound', 'info')[0].message).toMatch(/at most 6 s/);
  expect(find(healthy.report, 'routes.authorizer', 'ok')).toHaveLength(1);
  expect(find(healthy.report, 'audit.destination', 'ok')).toHaveLength(1);
  expect(find(healthy.report, 'roles', 'ok')[0].message).toBe('2 role(s), every scope they name declared');
  expect(find(healthy.report, 'config.drift', 'ok')).toHaveLength(1); // the OpenID Connect scopes are part of the catalogue on both sides
  expect(find(healthy.report, 'runtime.node', 'ok')[0].message).toMatch(/Node v22\.\d+\.\d+, the major of the Lambda runtime \(nodejs22\.x\)/);

  // Broken: every route problem, each with a fix; exit 1.
  expect(bad.code).toBe(1);
  const undeclared = find(bad.report, 'routes.undeclared-scope', 'error');
  expect(undeclared).toHaveLength(1);
  expect(undeclared[0].message).toContain('GET /reports needs scope "admin:all", which is not declared');
  expect(undeclared[0].fix).toContain('custom.portcullis.scopes');
  expect(find(bad.report, 'routes.no-authorizer', 'error')[0].message).toContain('GET /reports');
  expect(find(bad.report, 'routes.undeclared', 'error')[0].message).toMatch(/GET \/orders .*every request is denied \(403, route_not_declared\)/);
  expect(find(bad.report, 'routes.no-scope', 'warning')[0].message).toContain('GET /health requires no scope');
  expect(find(bad.report, 'routes.not-served', 'warning')[0].message).toContain('GET /ghost');
  expect(find(bad.report, 'config.drift', 'warning')[0].message).toContain('route table');
  // Roles name declared scopes (the OpenID Connect ones need no declaration).
  const role = find(bad.report, 'roles.undeclared-scope', 'error');
  expect(role.map((f) => f.message)).toEqual([expect.stringContaining('role "auditor" names scope "audit:read", which is not declared')]);
  expect(role[0].fix).toContain('custom.portcullis.scopes');
  // the running authorizer does not know about the cache serverless.yml now asks for, and what the cache costs
  expect(find(bad.report, 'config.drift', 'warning')[0].message).toContain('authorizer cache TTL');
  expect(find(bad.report, 'revocation.cache-ttl', 'warning')[0].message).toMatch(/up to 60 s after a token is revoked.*refuses paths not spelled canonically.*non_canonical_path/);
  for (const f of bad.report.findings.filter((x) => x.severity === 'error' || x.severity === 'warning')) expect(f.fix).toBeTruthy();
  // Not reported on the healthy run.
  for (const id of ['routes.undeclared-scope', 'routes.no-authorizer', 'routes.undeclared', 'config.drift']) expect(find(healthy.report, id).every((f) => f.severity === 'ok')).toBe(true);
});

test('live state: a client with an undeclared scope, a disabled client nothing revokes, a key file that no longer matches', async () => {
  const store = new DynamoClientStore(stack.table);
  const now = Math.floor(Date.now() / 1000);
  await store.create({
    clientId: 'pc_ghost',
    name: 'ghost',
    allowedScopes: ['ghost:scope'],
    defaultScopes: ['ghost:scope'],
    grantTypes: ['client_credentials'],
    status: 'active',
    secrets: [],
    createdAt: now,
    updatedAt: now,
  });
  // Disabled behind the admin's back (a direct table edit): no revocation record is written.
  const { clientId } = await stack.createClient({ name: 'sneaky' });
  await store.update(clientId, (c) => ({ ...c, status: 'disabled', updatedAt: now }));
  // The active key's file now holds another key.
  const keyDir = join(stack.stateDir, 'keys');
  const keyFile = join(keyDir, readdirSync(keyDir).find((f) => f.endsWith('.pem'))!);
  const original = readFileSync(keyFile);
  writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
  let broken: Awaited<ReturnType<typeof doctor>>;
  try {
    broken = await doctor();
  } finally {
    writeFileSync(keyFile, original);
  }
  expect(broken.code).toBe(1);
  const ghost = find(broken.report, 'clients.undeclared-scope', 'error');
  expect(ghost.map((f) => f.message).join('\n')).toContain('client pc_ghost ("ghost") has scope(s) ghost:scope that are not declared');
  expect(find(broken.report, 'clients.no-usable-scope', 'error')[0].message).toContain('pc_ghost');
  const unrevoked = find(broken.report, 'clients.disabled-unrevoked', 'error');
  expect(unrevoked).toHaveLength(1);
  expect(unrevoked[0].message).toContain(`client ${clientId}`);
  expect(unrevoked[0].fix).toBe(`npm run --silent admin -- revoke --client ${clientId}`);
  const mismatch = find(broken.report, 'keys.signer-mismatch', 'error');
  expect(mismatch).toHaveLength(1);
  expect(mismatch[0].message).toContain(`${keyFile} holds key`);
  expect(mismatch[0].message).toContain('not the active key');

  // Apply the fix doctor gave; the error becomes a warning ("revoked via not-before, which is fine"). The key is restored.
  expect((await cli('admin', ['revoke', '--client', clientId], stack.stateDir)).code).toBe(0);
  const after = await doctor();
  expect(find(after.report, 'clients.disabled-unrevoked')).toEqual([]);
  expect(find(after.report, 'clients.disabled-tokens', 'warning')[0].message).toMatch(new RegExp(`${clientId}.*revoked by a client not-before record`));
  expect(find(after.report, 'keys.signer-mismatch')).toEqual([]);
  expect(find(after.report, 'keys.probe', 'ok')).toHaveLength(1);
  expect(after.report.findings.filter((f) => f.severity === 'error').map((f) => f.id).sort()).toEqual(['clients.no-usable-scope', 'clients.undeclared-scope']);
});
