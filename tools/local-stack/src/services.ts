import { existsSync } from 'node:fs';
import path from 'node:path';
import { ComponentStartError } from './errors';
import { DEFAULT_CREDENTIAL_CHAIN, LOCAL_CREDENTIALS, REPO_ROOT } from '@tenant-analytics/local-endpoints';
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
  /**
   * The tenant manager's Kinesis credentials: keys (in its environment), or `default-chain` (it
   * inherits this process's environment and the SDK's default chain).
   * @default LOCAL_CREDENTIALS
   */
  readonly awsCredentials?: ServiceKeys | typeof DEFAULT_CREDENTIAL_CHAIN;
  /** The keys the churn mock accepts in SigV4 signatures. @default LOCAL_CREDENTIALS */
  readonly churnCredentials?: ServiceKeys;
}

/** An access key pair. */
export interface ServiceKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

function serviceArgs(service: ServiceName, params: ServiceParams, listenHost: string): string[] {
  const common = ['--host', listenHost, '--port', String(params.port), '--region', params.region];
  if (service === 'tenantManager') {
    return [...common, '--kinesis-endpoint', params.kinesisEndpoint, '--companies-stream', params.companiesStream];
  }
  const churnKeys = params.churnCredentials ?? LOCAL_CREDENTIALS;
  return [
    ...common,
    '--access-key-id',
    churnKeys.accessKeyId,
    '--secret-access-key',
    churnKeys.secretAccessKey,
    '--endpoint-name',
    CHURN_ENDPOINT_NAME,
  ];
}

/**
 * `node tsx/cli <repo>/apps/<service>/src/main.ts --host 127.0.0.1 --port P …` on the host, or
 * `node /app/<service>/main.cjs --host 0.0.0.0 --port P …` in its image, with the local
 * credentials (or `awsCredentials`) in the environment too (for the AWS SDK's default provider
 * chain); none with `awsCredentials: 'default-chain'`.
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
  const aws = params.awsCredentials ?? LOCAL_CREDENTIALS;
  const keys: Record<string, string> = aws === DEFAULT_CREDENTIAL_CHAIN ? {} : { AWS_ACCESS_KEY_ID: aws.accessKeyId, AWS_SECRET_ACCESS_KEY: aws.secretAccessKey };
  return {
    name,
    image: name,
    mounts: [],
    command: layout.node,
    args: [...program, ...serviceArgs(service, params, layout.listenHost), ...params.extraArgs],
    cwd: layout.kind === 'host' ? REPO_ROOT : IMAGE_APP_DIR,
    env: { ...keys, AWS_REGION: params.region },
  };
}
