export * from './endpoints-file';
export * from './errors';
export * from './repo-paths';
