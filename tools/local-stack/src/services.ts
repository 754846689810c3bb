import { existsSync } from 'node:fs';
import path from 'node:path';
import { ComponentStartError } from './errors';
import { LOCAL_CREDENTIALS, REPO_ROOT } from '@tenant-analytics/local-endpoints';
import { CHURN_ENDPOINT_NAME } from './local-stack-options';
import type { ProcessSpec } from './managed-process';
import { LOOPBACK } from './ports';

/** Our two HTTP services, run from source with tsx. */
export const SERVICES = {
  tenantManager: { name: 'tenant-manager-mock', main: 'apps/tenant-manager-mock/src/main.ts', readyPath: '/health' },
  churnApi: { name: 'churn-mock', main: 'apps/churn-mock/src/main.ts', readyPath: '/ping' },
} as const;
export type ServiceName = keyof typeof SERVICES;

/** What a service needs to know about the stack it joins. */
export interface ServiceParams {
  readonly port: number;
  readonly region: string;
  readonly kinesisEndpoint: string;
  readonly companiesStream: string;
  /** Extra flags from the caller, appended last so they win. */
  readonly extraArgs: readonly string[];
}

function serviceArgs(service: ServiceName, params: ServiceParams): string[] {
  const common = ['--host', LOOPBACK, '--port', String(params.port), '--region', params.region];
  if (service === 'tenantManager') {
    return [...common, '--kinesis-endpoint', params.kinesisEndpoint, '--companies-stream', params.companiesStream];
  }
  return [
    ...common,
    '--access-key-id',
    LOCAL_CREDENTIALS.accessKeyId,
    '--secret-access-key',
    LOCAL_CREDENTIALS.secretAccessKey,
    '--endpoint-name',
    CHURN_ENDPOINT_NAME,
  ];
}

/**
 * `node tsx/cli <repo>/apps/<service>/src/main.ts --host 127.0.0.1 --port P …`, with the local
 * credentials in the environment too (for the AWS SDK's default provider chain).
 *
 * @throws ComponentStartError when the service's main.ts does not exist
 */
export function serviceSpec(service: ServiceName, params: ServiceParams): ProcessSpec {
  const { name, main } = SERVICES[service];
  const entry = path.join(REPO_ROOT, main);
  if (!existsSync(entry)) {
    throw new ComponentStartError(`Cannot start ${name}: ${entry} does not exist`, { context: { component: name, entry } });
  }
  return {
    name,
    command: process.execPath,
    args: [require.resolve('tsx/cli'), entry, ...serviceArgs(service, params), ...params.extraArgs],
    cwd: REPO_ROOT,
    env: {
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: params.region,
    },
  };
}
