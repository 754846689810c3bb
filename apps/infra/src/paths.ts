import * as path from 'node:path';

/** The monorepo root: the functions' entries and the npm lock file live under it. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '../../..');

/** The processor's Lambda entry point (exported function `handler`). */
export const PROCESSOR_ENTRY = path.join(REPOSITORY_ROOT, 'apps/processor/src/handler.ts');

/** The churn model function's entry point. */
export const CHURN_MODEL_ENTRY = path.join(__dirname, 'functions/churn-model/handler.ts');

/** The tenant manager stand-in's entry point. */
export const TENANT_MANAGER_ENTRY = path.join(__dirname, 'functions/tenant-manager/handler.ts');

/** The trained churn model artifact the churn function ships (the one `apps/churn-mock` serves). */
export const CHURN_MODEL_ARTIFACT = path.join(REPOSITORY_ROOT, 'libs/churn-model/model/churn-model.json');

/** The lock file esbuild bundling resolves dependencies against. */
export const LOCK_FILE = path.join(REPOSITORY_ROOT, 'package-lock.json');
