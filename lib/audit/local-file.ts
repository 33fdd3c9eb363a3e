import { isAbsolute, resolve } from 'node:path';

/** The local stack's audit file, relative to the repository root (git-ignored `.local/`). */
export const LOCAL_AUDIT_FILE = '.local/audit.log';

/** The repository root, for code run from the source tree (local stack, CLIs, tests). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Absolute path of the local audit file; a relative `file` is taken from the repository root. */
export function localAuditFilePath(file: string = LOCAL_AUDIT_FILE, root: string = REPO_ROOT): string {
  return isAbsolute(file) ? file : resolve(root, file);
}
