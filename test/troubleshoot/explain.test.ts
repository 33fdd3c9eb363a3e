/**
 * `admin explain` against the real local stack, through the CLI as a user runs it: for each kind of rejected
 * token the explanation names the right cause and the authorizer's reason code, and the exit code says
 * allow (0) or deny (1). The token never appears in the output.
 */
import { cli, lastJson, type CliResult } from '../../testkit/cli';
import { attackerKey, claimsFor, signJwt, stackSigner } from '../../testkit/stack-tokens';
import { startTestStack, type TestStack } from '../../testkit/stack';
import type { Explanation } from '../../infra/cli/troubleshoot/types';

let stack: TestStack;
const results = new Map<string, CliResult>();
const tokens = new Map<string, string>();
let forgedAt = 0;
const clients = new Map<string, string>();

const explain = (token: string, ...args: string[]) => cli('admin', ['explain', token, ...args], stack.stateDir);
const json = (name: string) => lastJson(results.get(name)!.stdout) as Explanation;
const check = (name: string, check: string) => json(name).checks.find((c) => c.name === check)!;

/** Runs at most `n` at once (each CLI run is a process). */
async function pool(jobs: Array<() => Promise<void>>, n = 3): Promise<void> {
  const queue = [...jobs];
  await Promise.all(Array.from({ length: n }, async () => {
    while (queue.length) await queue.shift()!();
  }));
}

beforeAll(async () => {
  stack = await startTestStack();
  const signer = stackSigner(stack.stateDir);
  const { issuer, audience } = stack.config;
  const now = Math.floor(Date.now() / 1000);
  const forge = (over: Record<string, unknown>, key = signer.key, kid = signer.kid) =>
    signJwt({ alg: 'RS256', typ: 'at+jwt', kid }, { ...claimsFor(issuer, audience, 'forged-client', 'read:data'), ...over }, key);

  // One client per revocation mechanism, so each token is killed by exactly one record.
  const names = ['valid', 'jti', 'client', 'subject', 'disabled'];
  // Sequential token requests: the local functions start cold.
  for (const name of names) {
    const c = await stack.createClient();
    clients.set(name, c.clientId);
    tokens.set(name, await stack.token(c.clientId, c.secret, 'read:data'));
  }
  const jtiOf = (t: string) => JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()).jti as string;
  const revocations = [
    ['revoke', '--jti', jtiOf(tokens.get('jti')!)],
    ['revoke', '--client', clients.get('client')!],
    ['revoke', '--sub', clients.get('subject')!],
    ['clients', 'disable', clients.get('disabled')!],
  ];
  for (const r of await Promise.all(revocations.map((args) => cli('admin', args, stack.stateDir)))) expect(r.code).toBe(0);

  tokens.set('expired', forge({ iat: now - 3600, exp: now - 300 }));
  forgedAt = now;
  tokens.set('unknown-key', forge({}, attackerKey(), 'attacker-kid'));
  tokens.set('wrong-audience', forge({ aud: 'https://another-api.example' }));

  const runs: Array<[string, string, string[]]> = [
    ['valid', tokens.get('valid')!, ['--route', 'GET /demo/data']],
    ['no-route', tokens.get('valid')!, []],
    ['scope', tokens.get('valid')!, ['--route', 'POST /demo/data']],
    ['undeclared-route', tokens.get('valid')!, ['--route', 'GET /nowhere']],
    ['jti', tokens.get('jti')!, ['--route', 'GET /demo/data']],
    ['client', tokens.get('client')!, ['--route', 'GET /demo/data']],
    ['subject', tokens.get('subject')!, ['--route', 'GET /demo/data']],
    ['disabled', tokens.get('disabled')!, ['--route', 'GET /demo/data']],
    ['expired', tokens.get('expired')!, []],
    ['expired-text', tokens.get('expired')!, []],
    ['unknown-key', tokens.get('unknown-key')!, []],
    ['wrong-audience', tokens.get('wrong-audience')!, []],
  ];
  await pool(runs.map(([name, token, args]) => async () => void results.set(name, await explain(token, ...args, ...(name.endsWith('-text') ? [] : ['--json'])))));
}, 240_000);
afterAll(() => stack?.stop());

test('a valid token on its route: allow, exit 0, every check passes', () => {
  expect(results.get('valid')!.code).toBe(0);
  const e = json('valid');
  expect(e.verdict).toMatchObject({ effect: 'allow', reason: 'allowed', status: 200, route: 'GET /demo/data' });
  expect(e.checks.map((c) => c.name)).toEqual(['structure', 'header', 'encoding', 'claims', 'issuer', 'audience', 'times', 'signature', 'revocation', 'route', 'scopes']);
  expect(e.checks.every((c) => c.status === 'pass')).toBe(true);
  expect(check('valid', 'signature').detail).toContain('the active key');
  expect(e.key).toMatchObject({ in_jwks: true, state: 'active' });
  expect(check('valid', 'header').notes!.join(' ')).toMatch(/: in the JWKS .*the active key/);
});

test('the output never contains the token or its signature; the last line is the verdict', () => {
  const token = tokens.get('valid')!;
  const signature = token.split('.')[2];
  for (const name of ['valid', 'no-route', 'scope']) {
    const r = results.get(name)!;
    expect(r.stdout + r.stderr).not.toContain(signature);
    expect(r.stdout + r.stderr).not.toContain(token);
  }
  const expired = tokens.get('expired')!;
  const text = results.get('expired-text')!;
  expect(text.stdout + text.stderr).not.toContain(expired.split('.')[2]);
  expect(text.stdout).toContain('Token, decoded without trusting it');
  expect(text.stdout.trim().split('\n').at(-1)).toBe('verdict: deny expired (HTTP 401, token checks only)');
});

test('without --route: the token checks only, and the routes its scopes open', () => {
  const e = json('no-route');
  expect(results.get('no-route')!.code).toBe(0);
  expect(e.verdict).toMatchObject({ effect: 'allow', route: null });
  expect(e.verdict.summary).toContain('GET /demo/data');
  expect(e.verdict.summary).not.toContain('POST /demo/data');
});

test('expired: "expired 5 min ago", yet the signature is genuine', () => {
  expect(results.get('expired')!.code).toBe(1);
  const e = json('expired');
  expect(e.verdict).toMatchObject({ effect: 'deny', reason: 'expired', status: 401 });
  expect(check('expired', 'times')).toMatchObject({ status: 'fail', reason: 'expired', decisive: true });
  // Forged 5 min past its exp; the CLI runs may take a while on a loaded machine, so allow the minutes that passed since.
  const minutes = Number(/^expired (\d+) min ago/.exec(check('expired', 'times').detail)?.[1]);
  expect(minutes).toBeGreaterThanOrEqual(5);
  expect(minutes).toBeLessThanOrEqual(5 + Math.ceil((Date.now() / 1000 - forgedAt) / 60));
  expect(check('expired', 'signature').status).toBe('pass');
});

test('signed by an unknown key: unknown_kid, and the key store has never held it', () => {
  expect(results.get('unknown-key')!.code).toBe(1);
  expect(json('unknown-key').verdict.reason).toBe('unknown_kid');
  const sig = check('unknown-key', 'signature');
  expect(sig).toMatchObject({ status: 'fail', reason: 'unknown_kid', decisive: true });
  expect(sig.detail).toContain('"attacker-kid" is not among the keys the authorizer trusts');
  expect(sig.detail).toContain('never held it');
  expect(json('unknown-key').key).toEqual({ kid: 'attacker-kid', in_jwks: false, state: 'unknown' });
});

test('wrong audience: names the audience the authorizer expects', () => {
  expect(json('wrong-audience').verdict.reason).toBe('wrong_audience');
  const row = check('wrong-audience', 'audience');
  expect(row.status).toBe('fail');
  expect(row.detail).toContain('"https://another-api.example"');
  expect(row.detail).toContain(`expects exactly "${stack.config.audience}"`);
});

test('lacking a scope for --route: what the route needs against what the token has (403)', () => {
  expect(results.get('scope')!.code).toBe(1);
  expect(json('scope').verdict).toMatchObject({ effect: 'deny', reason: 'insufficient_scope', status: 403, route: 'POST /demo/data' });
  const row = check('scope', 'scopes');
  expect(row.detail).toContain('needs write:data');
  expect(row.detail).toContain('the token has read:data');
  expect(row.detail).toContain('missing write:data');
});

test('a route not in the table: denied by default', () => {
  expect(json('undeclared-route').verdict).toMatchObject({ reason: 'route_not_declared', status: 403 });
  expect(check('undeclared-route', 'route').detail).toContain('denied by default');
});

test.each([
  ['jti', 'revoked', 'this token (jti', 'token.revoked'],
  ['client', 'client_revoked', 'revoke --client', 'revocation.client'],
  ['subject', 'subject_revoked', 'revoke --sub', 'revocation.subject'],
  ['disabled', 'client_disabled', 'was disabled at', 'client.disabled'],
])('revoked (%s): the record that kills it, when and by whom', (name, reason, words, auditEvent) => {
  expect(results.get(name)!.code).toBe(1);
  expect(json(name).verdict).toMatchObject({ effect: 'deny', reason, status: 401 });
  const row = check(name, 'revocation');
  expect(row).toMatchObject({ status: 'fail', reason, decisive: true });
  expect(row.detail).toContain(words);
  expect(row.detail).toMatch(/at \d{4}-\d\d-\d\dT[\d:]+Z by admin-cli/);
  expect(row.notes!.join('\n')).toContain(`audit trail: `);
  expect(row.notes!.join('\n')).toContain(auditEvent);
  // Everything before revocation passed: the token itself is fine.
  expect(json(name).checks.slice(0, 8).every((c) => c.status === 'pass')).toBe(true);
});

test('the token can come from stdin; a bad --route is a usage error', async () => {
  const { execFile } = await import('node:child_process');
  const { join } = await import('node:path');
  const root = join(__dirname, '..', '..');
  const viaStdin = await new Promise<{ code: number; stdout: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'infra/cli/admin.ts'), 'explain', '-', '--route', 'GET /demo/data', '--json'],
      { env: { ...process.env, PORTCULLIS_LOCAL_DIR: stack.stateDir } },
      (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout }),
    );
    child.stdin!.end(`Bearer ${tokens.get('valid')}\n`);
  });
  expect(viaStdin.code).toBe(0);
  expect(lastJson(viaStdin.stdout).verdict.reason).toBe('allowed');
  const bad = await explain(tokens.get('valid')!, '--route', 'demo/data');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--route must look like');
});
