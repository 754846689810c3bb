// The tools' logger adapter lives beside the port in libs/domain (one adapter for the workspace);
// re-exported here for the tools that already import it from the local stack.
export { pinoLogger } from '@tenant-analytics/domain';
