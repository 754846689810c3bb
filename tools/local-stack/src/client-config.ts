import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { KinesisClientConfig } from '@aws-sdk/client-kinesis';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { awsCredentialsOf, type LocalEndpoints } from '@tenant-analytics/local-endpoints';

/** The AWS services the local stack emulates. */
export type LocalService = 'kinesis' | 's3' | 'dynamodb';

/** The part of {@link LocalEndpoints} a client needs. */
export type ClientEndpoints = Pick<LocalEndpoints, 'region' | 'credentials' | 'kinesis' | 's3' | 'dynamodb'> & Partial<Pick<LocalEndpoints, 'awsCredentials'>>;

/**
 * AWS SDK v3 client configuration for one emulator: endpoint, region and the local credentials
 * (none with `awsCredentials: 'default-chain'`: the SDK's default provider chain then).
 * Kinesis gets an HTTP/1.1 handler (the SDK defaults to HTTP/2, which the emulators reject); S3
 * gets path-style addressing (s3rver has no virtual-host buckets on 127.0.0.1).
 *
 * @example
 * const kinesis = new KinesisClient(clientConfig(stack.endpoints, 'kinesis'));
 * const s3 = new S3Client(clientConfig(stack.endpoints, 's3'));
 */
export function clientConfig(endpoints: ClientEndpoints, service: 'kinesis'): KinesisClientConfig;
export function clientConfig(endpoints: ClientEndpoints, service: 's3'): S3ClientConfig;
export function clientConfig(endpoints: ClientEndpoints, service: 'dynamodb'): DynamoDBClientConfig;
export function clientConfig(
  endpoints: ClientEndpoints,
  service: LocalService,
): KinesisClientConfig | S3ClientConfig | DynamoDBClientConfig {
  const credentials = awsCredentialsOf(endpoints);
  const common = {
    endpoint: endpoints[service],
    region: endpoints.region,
    ...(credentials === undefined ? {} : { credentials }),
  };
  switch (service) {
    case 'kinesis':
      return { ...common, requestHandler: new NodeHttpHandler() };
    case 's3':
      return { ...common, forcePathStyle: true };
    case 'dynamodb':
      return common;
  }
}
