export * from './put-records';
