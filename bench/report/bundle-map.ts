/**
 * Which module a line of an unminified esbuild bundle belongs to: esbuild starts each module's code with a
 * `// <path>` comment, so a function's first line names its package (or file of this repository).
 */
import { readFileSync } from 'node:fs';
import type { OwnerResolver } from './profile-summary';
import { packageOf } from './profile-summary';

const MODULE_COMMENT = /^\/\/ ((?:node_modules|lib|functions|infra)\/\S+)$/;

export function bundleOwnerResolver(bundleFile: string, bundleUrl: string): OwnerResolver {
  const starts: number[] = [];
  const owners: string[] = [];
  readFileSync(bundleFile, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = MODULE_COMMENT.exec(line);
      if (m) {
        starts.push(i);
        owners.push(packageOf(m[1]));
      }
    });
  return (url, lineNumber) => {
    if (url !== bundleUrl) return undefined;
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= lineNumber) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? 'bundle runtime' : owners[found];
  };
}
