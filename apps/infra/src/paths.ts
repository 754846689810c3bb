import * as path from 'node:path';

/** The monorepo root: the processor's entry and the npm lock file live under it. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '../../..');

/** The processor's Lambda entry point (exported function `handler`). */
export const PROCESSOR_ENTRY = path.join(REPOSITORY_ROOT, 'apps/processor/src/handler.ts');

/** The lock file esbuild bundling resolves dependencies against. */
export const LOCK_FILE = path.join(REPOSITORY_ROOT, 'package-lock.json');
