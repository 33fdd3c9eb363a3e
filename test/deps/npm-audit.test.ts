/**
 * npm audit --omit=dev, run by the real npm client against a registry on loopback that plays the advisory service:
 * a service that answers 405 (as here), or does not answer at all, skips the audit with a clear line and no
 * failure; a service that reports a critical advisory in a production package fails, naming it. What npm prints is
 * classified the same way without a server (recorded outputs).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../infra/deps/check';
import { classifyNpmAudit, runNpmAudit, type NpmAuditRun } from '../../infra/deps/npm-audit';

let cache: string;
let server: Server | undefined;
beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), 'portcullis-npm-cache-'));
});
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});
afterAll(() => rmSync(cache, { recursive: true, force: true }));

/** A registry on a free loopback port; `handle` answers each request (its body already read). */
async function registry(handle: (method: string, url: string, res: import('node:http').ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(req.method ?? '', req.url ?? '', res));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const audit = (registryUrl: string, timeoutMs = 30_000) =>
  runNpmAudit({ cwd: REPO_ROOT, registry: registryUrl, timeoutMs, env: { ...process.env, npm_config_cache: cache, npm_config_update_notifier: 'false' } });

const json = (res: import('node:http').ServerResponse, body: unknown) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
};

test('an advisory service that answers 405: "advisory service unreachable (HTTP 405): npm audit skipped", not a failure', async () => {
  const url = await registry((_m, _u, res) => {
    res.statusCode = 405;
    res.setHeader('allow', 'GET, HEAD');
    res.end();
  });
  const result = classifyNpmAudit(await audit(url));
  expect(result).toMatchObject({ skipped: true, failures: [], summary: 'advisory service unreachable (HTTP 405): npm audit skipped' });
}, 60_000);

test('a critical advisory in a production dependency fails, naming the package, the advisory and what it reaches', async () => {
  const url: string = await registry((method, path, res) => {
    if (method === 'POST' && path.includes('/advisories/bulk')) {
      return json(res, {
        obliterator: [{ id: 1, url: 'https://github.com/advisories/GHSA-test-0001', title: 'Prototype pollution (test)', severity: 'critical', vulnerable_versions: '<=1.6.1', cwe: [], cvss: { score: 9.8, vectorString: null } }],
        // A dev-only package: --omit=dev never asks about it, so it cannot appear.
        'js-yaml': [{ id: 2, url: 'https://github.com/advisories/GHSA-test-0002', title: 'dev only', severity: 'critical', vulnerable_versions: '<=9.9.9', cwe: [], cvss: { score: 9.8, vectorString: null } }],
      });
    }
    if (method === 'GET' && path === '/obliterator') {
      const version = (v: string) => ({ name: 'obliterator', version: v, dist: { tarball: `${url}obliterator-${v}.tgz` } });
      // No fixed version published: npm also names the packages that pull it in, and says there is no fix.
      return json(res, { name: 'obliterator', 'dist-tags': { latest: '1.6.1' }, versions: { '1.6.1': version('1.6.1') } });
    }
    res.statusCode = 404;
    res.end('{}');
  });
  const result = classifyNpmAudit(await audit(url));
  expect(result.skipped).toBeUndefined();
  expect(result.failures[0]).toMatch(/^advisory in a production dependency: critical obliterator \S+: Prototype pollution \(test\) https:\/\/github\.com\/advisories\/GHSA-test-0001 \(no fix available yet\)$/);
  expect(result.failures[1]).toMatch(/^advisory in a production dependency: affected through a dependency: .*mnemonist/);
  expect(result.failures.join('\n')).not.toContain('js-yaml');
}, 60_000);

test('an advisory service that never answers is cut off at the time limit and skipped: it cannot hang CI', async () => {
  const url = await registry(() => undefined); // holds every request open
  const started = Date.now();
  const run = await audit(url, 3000);
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(classifyNpmAudit(run)).toMatchObject({ skipped: true, failures: [], summary: expect.stringMatching(/^advisory service unreachable \((no answer within 3 s|network timeout)\): npm audit skipped$/) });
}, 30_000);

describe('what npm prints, classified', () => {
  const ran = (stdout: string, over: Partial<NpmAuditRun> = {}): NpmAuditRun => ({ stdout, stderr: '', exitCode: 1, timedOut: false, timeoutMs: 90_000, ...over });

  test('a refused connection, an unknown host, a network timeout or our own time limit: "unreachable", with the reason', () => {
    const message = (m: string) => JSON.stringify({ message: m, error: { summary: '', detail: '' } });
    const cases: Array<[NpmAuditRun, string]> = [
      [ran(message('request to http://127.0.0.1:9/-/npm/v1/security/advisories/bulk failed, reason: connect ECONNREFUSED 127.0.0.1:9')), 'ECONNREFUSED'],
      [ran(message('request to http://nowhere.invalid/-/npm/v1/security/advisories/bulk failed, reason: getaddrinfo ENOTFOUND nowhere.invalid')), 'ENOTFOUND'],
      [ran(message('network timeout at: http://127.0.0.1:41189/-/npm/v1/security/advisories/bulk')), 'network timeout'],
      [ran('', { timedOut: true, exitCode: null, timeoutMs: 90_000 }), 'no answer within 90 s'],
    ];
    for (const [run, reason] of cases) {
      expect(classifyNpmAudit(run)).toMatchObject({ skipped: true, failures: [], summary: `advisory service unreachable (${reason}): npm audit skipped` });
    }
  });

  test('a clean report passes with its counts; advisories below high are reported, not failed', () => {
    const report = (vulnerabilities: object, counts: object) => JSON.stringify({ auditReportVersion: 2, vulnerabilities, metadata: { vulnerabilities: counts, dependencies: { prod: 36 } } });
    expect(classifyNpmAudit(ran(report({}, { critical: 0, high: 0, moderate: 0, low: 0 }), { exitCode: 0 }))).toMatchObject({ failures: [], notes: [], summary: '36 production dependencies audited: 0 critical, 0 high, 0 moderate, 0 low' });
    const moderate = classifyNpmAudit(ran(report({ x: { name: 'x', severity: 'moderate', range: '<2', via: [{ title: 'ReDoS', url: 'https://a/1' }], fixAvailable: true } }, { moderate: 1 })));
    expect(moderate.failures).toEqual([]);
    expect(moderate.notes).toEqual(['advisory below high (reported, not failing): moderate x <2: ReDoS https://a/1 (a fix is available: npm audit fix --omit=dev, then pin the new version)']);
  });

  test('npm failing for any other reason (no lock file, no JSON at all) is a failure, not a skip', () => {
    const noLock = classifyNpmAudit(ran(JSON.stringify({ error: { code: 'ENOLOCK', summary: 'This command requires an existing lockfile.' } })));
    expect(noLock).toMatchObject({ failures: ['npm audit failed (exit code 1): ENOLOCK This command requires an existing lockfile.'] });
    expect(noLock.skipped).toBeUndefined();
    expect(classifyNpmAudit(ran('', { stderr: 'Segmentation fault', exitCode: 139 })).failures).toEqual(['npm audit printed no report (exit code 139): Segmentation fault']);
  });
});
