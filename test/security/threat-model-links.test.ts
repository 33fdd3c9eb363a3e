/**
 * SECURITY.md's STRIDE threat model stays true to the repository: every test it links exists, every threat row links
 * at least one test, every endpoint of openapi.yaml has its table, and every data store of the template its row.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readOpenApi } from '../../testkit/openapi';

const ROOT = join(__dirname, '..', '..');
const security = readFileSync(join(ROOT, 'SECURITY.md'), 'utf8');
const start = security.indexOf('## STRIDE, per endpoint and per data store');
const end = security.indexOf('\n## ', start + 1);
const stride = security.slice(start, end);
const links = (text: string) => [...text.matchAll(/\]\(((?:test|testkit)\/[^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]);

describe('SECURITY.md threat model', () => {
  it('has a STRIDE section', () => {
    expect(start).toBeGreaterThan(0);
    expect(stride.length).toBeGreaterThan(2000);
  });

  it('links only test files that exist', () => {
    const all = links(security);
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it('links at least one test from every threat row', () => {
    const rows = stride.split('\n').filter((l) => /^\| [^|-]/.test(l) && !/^\| (\s|store)\|?/.test(l) && !l.startsWith('| |'));
    expect(rows.length).toBeGreaterThan(40);
    expect(rows.filter((r) => links(r).length === 0)).toEqual([]);
  });

  it('names every STRIDE category for every endpoint table', () => {
    const tables = stride.split('\n### ').slice(1).filter((t) => !t.startsWith('Data stores'));
    for (const t of tables) {
      const letters = new Set(t.split('\n').flatMap((l) => /^\| ([STRIDE, ]+) \|/.exec(l)?.[1].split(/,\s*/) ?? []));
      expect([t.split('\n')[0], [...letters].sort().join('')]).toEqual([t.split('\n')[0], 'DEIRST']);
    }
  });

  it('has a table for every endpoint of openapi.yaml', () => {
    const headings = stride.split('\n').filter((l) => l.startsWith('### ')).join('\n');
    expect(Object.keys(readOpenApi().paths).filter((p) => !headings.includes(`\`${p}\``) && !headings.includes(`\`GET ${p}\``) && !headings.includes(`\`POST ${p}\``))).toEqual([]);
  });

  it('has rows for the data stores: the table, the keys, the log groups, the dependencies', () => {
    for (const store of ['DynamoDB table', 'KMS signing keys', 'Audit log group', 'API access log group', 'Dependencies']) expect(stride).toContain(`| ${store}`);
  });

  it('says how to report a vulnerability and what a manual test should look at', () => {
    expect(security).toMatch(/## Reporting a vulnerability/);
    expect(security).toMatch(/what a manual penetration test should look at/);
  });
});
