export * from './body';
export * from './cli-options';
export * from './fault-config';
export * from './fault-injector';
export * from './http-error';
export * from './logger';
export * from './server';
export * from './service-app';
