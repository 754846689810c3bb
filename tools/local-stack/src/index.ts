export * from './client-config';
export * from './endpoints';
export * from './errors';
export * from './local-stack';
export * from './local-stack-options';
export * from './supervisor-lifeline';
export { DEFAULT_ENDPOINTS_FILE, REPO_ROOT } from './repo-paths';
