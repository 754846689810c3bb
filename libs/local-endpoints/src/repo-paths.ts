import path from 'node:path';

/** The repository root: this library is consumed as source from `libs/local-endpoints/src`. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Where `nx serve mocks` publishes the endpoints it serves (git-ignored). */
export const DEFAULT_ENDPOINTS_FILE = path.join(REPO_ROOT, '.local', 'endpoints.json');
