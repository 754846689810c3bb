export * from './local-pipeline';
