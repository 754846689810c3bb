import { existsSync } from 'node:fs';
import path from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsCredentialsOf, EndpointsFileError as LocalEndpointsFileError, readEndpointsFile, type LocalEndpoints } from '@tenant-analytics/local-endpoints';
import { z } from 'zod';
import { EndpointsFileError, UsageError } from './errors';

/** Stream names of the seed, used when no endpoints file names them. */
export const DEFAULT_STREAMS = { jobs: 'bigdatajobs', companies: 'companies' } as const;

/** The connection flags every command takes. */
export interface ConnectionFlags {
  /** A path, `false` for `--no-endpoints-file`, undefined for the default file. */
  readonly endpointsFile?: string | false;
  readonly region?: string;
  readonly endpointUrl?: string;
}

/** Where to send, resolved from the flags and the endpoints file. */
export interface KinesisConnection {
  /** `local-stack`: from the endpoints file; `aws`: default credential chain. */
  readonly source: 'local-stack' | 'aws';
  /** Undefined: the region's AWS endpoint. */
  readonly endpoint?: string;
  /** Undefined: the SDK's default chain (`AWS_REGION`, profile). */
  readonly region?: string;
  /** Undefined: the SDK's default credential chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly streams: { readonly jobs: string; readonly companies: string };
  /** The endpoints file used, when one was. */
  readonly endpointsFile?: string;
}

/** The workspace root (the folder holding nx.json) above `from`, or `from` itself. */
export function findWorkspaceRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      return path.resolve(from);
    }
  }
}

/** `<workspace root>/.local/endpoints.json`, found from the current directory. */
export function defaultEndpointsFile(cwd: string = process.cwd()): string {
  return path.join(findWorkspaceRoot(cwd), '.local', 'endpoints.json');
}

/**
 * Reads and validates the local stack's endpoints file (`.local/endpoints.json`, written by
 * `npx nx serve mocks`) through the contract in `libs/local-endpoints`.
 *
 * @throws EndpointsFileError (the producer's) naming the file and the bad key
 */
export function readProducerEndpoints(file: string): LocalEndpoints {
  try {
    return readEndpointsFile(file);
  } catch (error) {
    if (error instanceof LocalEndpointsFileError) throw new EndpointsFileError(error.message, { cause: error, context: { file } });
    throw error;
  }
}

/**
 * Chooses the target: `--endpoint-url` (default credential chain, e.g. a LocalStack or a VPC
 * endpoint), else the endpoints file (`--endpoints-file`, or the default one when it exists), else
 * real AWS with the default credential chain. `--region` overrides the file's region.
 *
 * @throws UsageError when `--endpoint-url` and `--endpoints-file` are both given, or the URL is bad;
 *   EndpointsFileError when a file named with `--endpoints-file` is missing or invalid.
 */
export function resolveConnection(flags: ConnectionFlags, defaultFile: string = defaultEndpointsFile()): KinesisConnection {
  const region = flags.region === undefined ? {} : { region: flags.region };
  if (flags.endpointUrl !== undefined) {
    if (typeof flags.endpointsFile === 'string') {
      throw new UsageError('--endpoint-url', 'cannot be combined with --endpoints-file: choose one target');
    }
    if (!z.url({ protocol: /^https?$/ }).safeParse(flags.endpointUrl).success) {
      throw new UsageError('--endpoint-url', `must be an http(s) URL, got ${JSON.stringify(flags.endpointUrl)}`);
    }
    return { source: 'aws', endpoint: flags.endpointUrl, ...region, streams: DEFAULT_STREAMS };
  }
  const file = flags.endpointsFile === false ? undefined : (flags.endpointsFile ?? defaultFile);
  if (file === undefined || (flags.endpointsFile === undefined && !existsSync(file))) {
    return { source: 'aws', ...region, streams: DEFAULT_STREAMS };
  }
  const endpoints = readProducerEndpoints(file);
  const credentials = awsCredentialsOf(endpoints);
  return {
    source: 'local-stack',
    endpoint: endpoints.kinesis,
    region: flags.region ?? endpoints.region,
    ...(credentials === undefined ? {} : { credentials }),
    streams: { jobs: endpoints.streams.jobs, companies: endpoints.streams.companies },
    endpointsFile: file,
  };
}

/**
 * A Kinesis client for `connection`, over HTTP/1.1: the emulators reject the SDK's default HTTP/2.
 * The SDK's own retries handle failed calls; `putRecordsReliably` handles rejected entries.
 */
export function createKinesisClient(connection: KinesisConnection): KinesisClient {
  return new KinesisClient({
    requestHandler: new NodeHttpHandler(),
    ...(connection.region === undefined ? {} : { region: connection.region }),
    ...(connection.endpoint === undefined ? {} : { endpoint: connection.endpoint }),
    ...(connection.credentials === undefined ? {} : { credentials: { ...connection.credentials } }),
  });
}
