import { existsSync } from 'node:fs';
import path from 'node:path';
import { ComponentStartError } from './errors';
import { LOCAL_CREDENTIALS, REPO_ROOT } from '@tenant-analytics/local-endpoints';
import { CHURN_ENDPOINT_NAME } from './local-stack-options';
import type { ComponentSpec } from './emulators';
import { HOST_LAYOUT, IMAGE_APP_DIR, type RuntimeLayout } from './runtime-layout';

/** Our two HTTP services: run from source with tsx, or bundled (esbuild) into their image. */
export const SERVICES = {
  tenantManager: { name: 'tenant-manager-mock', main: 'apps/tenant-manager-mock/src/main.ts', readyPath: '/health' },
  churnApi: { name: 'churn-mock', main: 'apps/churn-mock/src/main.ts', readyPath: '/ping' },
} as const;

/** Where a service image keeps the service's bundle. */
export function serviceBundlePath(service: ServiceName): string {
  return `${IMAGE_APP_DIR}/${SERVICES[service].name}/main.cjs`;
}
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

function serviceArgs(service: ServiceName, params: ServiceParams, listenHost: string): string[] {
  const common = ['--host', listenHost, '--port', String(params.port), '--region', params.region];
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
 * `node tsx/cli <repo>/apps/<service>/src/main.ts --host 127.0.0.1 --port P …` on the host, or
 * `node /app/<service>/main.cjs --host 0.0.0.0 --port P …` in its image, with the local
 * credentials in the environment too (for the AWS SDK's default provider chain).
 *
 * @throws ComponentStartError when the service's main.ts does not exist
 */
export function serviceSpec(service: ServiceName, params: ServiceParams, layout: RuntimeLayout = HOST_LAYOUT): ComponentSpec {
  const { name, main } = SERVICES[service];
  const entry = path.join(REPO_ROOT, main);
  if (!existsSync(entry)) {
    throw new ComponentStartError(`Cannot start ${name}: ${entry} does not exist`, { context: { component: name, entry } });
  }
  const program = layout.kind === 'host' ? [require.resolve('tsx/cli'), entry] : [serviceBundlePath(service)];
  return {
    name,
    image: name,
    mounts: [],
    command: layout.node,
    args: [...program, ...serviceArgs(service, params, layout.listenHost), ...params.extraArgs],
    cwd: layout.kind === 'host' ? REPO_ROOT : IMAGE_APP_DIR,
    env: {
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_REGION: params.region,
    },
  };
}
