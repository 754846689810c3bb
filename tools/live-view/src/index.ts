export * from './browser-bundle';
export * from './live-collector';
export type * from './live-model';
export * from './live-view-server';
export * from './processor-sample';
export type * from './report-data';
export * from './view-series';
export * from './view-style';
export * from './processor-endpoint';
