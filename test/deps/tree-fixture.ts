/** A throw-away project on disk: package.json, node_modules, sources; for the dependency check's own tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Files = Record<string, string | object>;

export function projectWith(files: Files): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'portcullis-deps-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** node_modules/<name>/package.json (under `at`, default the root's node_modules). */
export const pkg = (name: string, manifest: Record<string, unknown>, at = 'node_modules'): Files => ({
  [`${at}/${name}/package.json`]: { name, version: '1.0.0', license: 'MIT', ...manifest },
});
