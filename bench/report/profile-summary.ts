/**
 * Where the time goes: a V8 CPU profile (.cpuprofile, as written by `node --cpu-prof`) reduced to self time
 * by function and by owner (a package under node_modules, a file of this repository, node internals, GC).
 */
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileShare {
  name: string;
  /** Share of all samples, 0..1. */
  share: number;
}

export interface ProfileSummary {
  samples: number;
  durationMs: number;
  byOwner: ProfileShare[];
  byFunction: ProfileShare[];
}

/** `node_modules/@scope/pkg/...` → `@scope/pkg`; anything else unchanged. */
export function packageOf(path: string): string {
  const nm = path.lastIndexOf('node_modules/');
  if (nm < 0) return path;
  const parts = path.slice(nm + 'node_modules/'.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** Who owns a frame: `aws-jwt-verify`, `lib/audit/scrub.ts`, `node:crypto`, `(garbage collector)`, ... */
export function ownerOf(url: string, functionName: string, repoRoot: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const path = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
  if (path.includes('/node_modules/')) return packageOf(path);
  if (path.startsWith('node:')) return path.split('/')[0];
  if (path.startsWith('/')) {
    const rel = relative(repoRoot, path);
    return rel.startsWith('..') ? path : rel;
  }
  return path;
}

/** Names the owner of a frame the URL alone cannot tell (a bundle: one file holding every module). */
export type OwnerResolver = (url: string, lineNumber: number) => string | undefined;

export function summarizeProfile(profile: CpuProfile, repoRoot: string, top = 12, resolve?: OwnerResolver): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  if (profile.samples?.length) for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  else for (const n of profile.nodes) if (n.hitCount) hits.set(n.id, n.hitCount);

  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  for (const [id, count] of hits) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') continue; // waiting for I/O is not CPU
    total += count;
    const owner = resolve?.(url, lineNumber) ?? ownerOf(url, functionName, repoRoot);
    owners.set(owner, (owners.get(owner) ?? 0) + count);
    const fn = `${functionName || '(anonymous)'} (${owner})`;
    functions.set(fn, (functions.get(fn) ?? 0) + count);
  }
  const ranked = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({ name, share: total ? count / total : 0 }));
  return { samples: total, durationMs: (profile.endTime - profile.startTime) / 1000, byOwner: ranked(owners), byFunction: ranked(functions) };
}
