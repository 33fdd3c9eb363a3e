/**
 * Licences against the policy (infra/deps/policy.yml): every production package's declared licence is an SPDX
 * expression over the allow-list, or a reviewed exception for that exact version and licence string. Dev-only
 * packages are reported, not enforced (they are never shipped).
 */
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import type { CheckResult } from './check-result';
import type { DependencyTree, InstalledPackage } from './installed-tree';

export interface LicenceException {
  package: string;
  version: string;
  licence: string;
  reason: string;
}

export interface LicencePolicy {
  allowed: string[];
  exceptions: LicenceException[];
}

export function readLicencePolicy(file: string): LicencePolicy {
  const doc = load(readFileSync(file, 'utf8')) as { licences?: { allowed?: unknown }; exceptions?: unknown };
  const allowed = doc?.licences?.allowed;
  const exceptions = doc?.exceptions ?? [];
  if (!Array.isArray(allowed) || allowed.some((l) => typeof l !== 'string')) throw new Error(`${file}: licences.allowed must be a list of SPDX identifiers`);
  if (!Array.isArray(exceptions)) throw new Error(`${file}: exceptions must be a list`);
  for (const e of exceptions as Array<Partial<LicenceException>>) {
    for (const field of ['package', 'version', 'licence', 'reason'] as const) {
      if (typeof e?.[field] !== 'string' || !e[field]) throw new Error(`${file}: every exception needs package, version, licence and reason (${JSON.stringify(e)})`);
    }
  }
  return { allowed: allowed as string[], exceptions: exceptions as LicenceException[] };
}

type Node = { id: string } | { op: 'AND' | 'OR'; left: Node; right: Node };

/** An SPDX license expression (ids, `A WITH exception`, AND, OR, parentheses); undefined when it is not one. */
export function parseSpdx(expression: string): Node | undefined {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const term = (): Node | undefined => {
    const t = tokens[i++];
    if (t === '(') {
      const inner = or();
      return tokens[i++] === ')' ? inner : undefined;
    }
    if (!t || t === ')' || /^(AND|OR|WITH)$/i.test(t) || !/^[A-Za-z0-9.+:-]+$/.test(t)) return undefined;
    if (/^WITH$/i.test(tokens[i] ?? '')) {
      const exception = tokens[i + 1];
      if (!exception || !/^[A-Za-z0-9.+-]+$/.test(exception)) return undefined;
      i += 2;
      return { id: `${t} WITH ${exception}` };
    }
    return { id: t };
  };
  const binary = (op: 'AND' | 'OR', next: () => Node | undefined) => (): Node | undefined => {
    let left = next();
    while (left && (tokens[i] ?? '').toUpperCase() === op) {
      i++;
      const right = next();
      left = right ? { op, left, right } : undefined;
    }
    return left;
  };
  const and = binary('AND', term);
  const or = binary('OR', and);
  const tree = or();
  return tree && i === tokens.length ? tree : undefined;
}

/** True when the expression is satisfied by allowed licences (OR: one alternative, AND: every part). */
export function licenceAllowed(expression: string, allowed: readonly string[]): boolean {
  const ok = new Set(allowed.map((l) => l.toLowerCase()));
  const tree = parseSpdx(expression);
  const holds = (n: Node): boolean => ('id' in n ? ok.has(n.id.toLowerCase()) : n.op === 'OR' ? holds(n.left) || holds(n.right) : holds(n.left) && holds(n.right));
  return tree !== undefined && holds(tree);
}

const label = (p: InstalledPackage) => `${p.name}@${p.version}`;

export function checkLicences(tree: DependencyTree, policy: LicencePolicy): CheckResult {
  const failures: string[] = [];
  const used = new Set<LicenceException>();
  const counts = new Map<string, number>();
  for (const p of tree.production) {
    counts.set(p.licence, (counts.get(p.licence) ?? 0) + 1);
    if (licenceAllowed(p.licence, policy.allowed)) continue;
    const exception = policy.exceptions.find((e) => e.package === p.name && e.version === p.version && e.licence === p.licence);
    if (exception) {
      used.add(exception);
      continue;
    }
    failures.push(`${label(p)} (${p.path}) declares licence "${p.licence}", which is not on the allow-list: review it, then add it to licences.allowed or as an exception in infra/deps/policy.yml`);
  }
  for (const e of policy.exceptions) {
    if (!used.has(e)) failures.push(`the exception for ${e.package}@${e.version} ("${e.licence}") matches no installed production package: remove it from infra/deps/policy.yml`);
  }
  const outside = new Map<string, string[]>();
  for (const p of tree.devOnly) {
    if (!licenceAllowed(p.licence, policy.allowed)) outside.set(p.licence, [...(outside.get(p.licence) ?? []), label(p)]);
  }
  const notes = [...outside.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([licence, pkgs]) => `dev only (not shipped, not enforced): "${licence}": ${pkgs.join(', ')}`);
  const summary = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([l, n]) => `${l} ${n}`)
    .join(', ');
  return { name: 'licences', failures, notes, summary: `${tree.production.length} production packages (${summary}); ${tree.devOnly.length} dev-only packages reported` };
}
