export * from './client-config';
export * from './default-endpoints';
export * from './errors';
export * from './local-stack';
export * from './local-stack-options';
export * from './provided-endpoints';
// For callers that run one of our services alone, with the stack's spawn (own process group, lifeline).
export { spawnManaged, type ManagedProcess, type ProcessSpec } from './managed-process';
export { findFreePort } from './ports';
export { SERVICES, serviceSpec, type ServiceName } from './services';
export * from './pino-logger';
export * from './supervisor-lifeline';
// The endpoints-file contract the stack writes, for the tools that start a stack and read it back.
export {
  awsCredentialsOf,
  DEFAULT_CREDENTIAL_CHAIN,
  DEFAULT_ENDPOINTS_FILE,
  EndpointsFileError,
  EXTERNAL_KINESIS,
  KINESIS_BACKENDS,
  LOCAL_CREDENTIALS,
  LOCAL_SINK_PREFIXES,
  localEndpointsSchema,
  readEndpointsFile,
  removeEndpointsFile,
  REPO_ROOT,
  writeEndpointsFile,
} from '@tenant-analytics/local-endpoints';
export type { KinesisBackend, LocalEndpoints } from '@tenant-analytics/local-endpoints';
export { MOTO_VERSION, MotoServerMissingError, motoServerCommand, startMotoServer, type MotoServer } from './moto-server';
