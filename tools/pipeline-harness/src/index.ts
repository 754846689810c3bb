export * from './local-pipeline';
export * from './pipeline-run';
export * from './accounting';
export * from './sink-reader';
