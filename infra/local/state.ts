/** Where the local stack keeps its state (DynamoDB data, the key, the audit file, stack.json): `.local/`, git-ignored. */
import { join } from 'node:path';
import { REPO_ROOT } from '../serverless-config';

export const LOCAL_STATE_DIR = process.env.PORTCULLIS_LOCAL_DIR || join(REPO_ROOT, '.local');
