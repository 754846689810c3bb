import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createSignedFetch, type PipelineConfig } from '@tenant-analytics/domain';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { ChurnApiScorer, type ChurnApiTarget } from './adapters/churn-api-scorer';
import { DynamoDbCompanyStateStore } from './adapters/dynamodb-company-state-store';
import { DynamoDbLaneStore } from './adapters/dynamodb-lane-store';
import { meterConsumedCapacity } from './adapters/consumed-capacity-metrics';
import { KinesisEnrichedStream } from './adapters/kinesis-enriched-stream';
import { S3ObjectSink } from './adapters/s3-object-sink';
import { TenantManagerDirectory } from './adapters/tenant-manager-directory';
import { BatchProcessor, type BatchProcessorDependencies } from './core/batch-processor';
import { ChurnScoringService } from './core/churn-scoring';
import type { Clock, Logger, Metrics } from './core/ports';
import { TenantProfiles } from './core/tenant-profiles';

/** The AWS SDK clients of one runtime, built once and shared by every adapter. */
export interface AwsClients {
  readonly kinesis: KinesisClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
}

/**
 * Builds the SDK clients from config. HTTP/1.1 keep-alive handlers everywhere: the Kinesis client
 * defaults to HTTP/2, which the local emulators reject; credentials come from the default provider
 * chain unless given (the local runner and tests pass the stack's fixed local ones). A client keeps
 * the credentials it resolves first until they expire, so a provider is not a way to rotate keys.
 */
export function createAwsClients(config: PipelineConfig, credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider): AwsClients {
  const common = {
    region: config.region,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
    ...(credentials === undefined ? {} : { credentials }),
  };
  return {
    kinesis: new KinesisClient({ ...common, ...(config.endpoints.kinesis === undefined ? {} : { endpoint: config.endpoints.kinesis }) }),
    s3: new S3Client({
      ...common,
      forcePathStyle: config.endpoints.s3ForcePathStyle,
      ...(config.endpoints.s3 === undefined ? {} : { endpoint: config.endpoints.s3 }),
    }),
    dynamodb: new DynamoDBClient({ ...common, ...(config.endpoints.dynamodb === undefined ? {} : { endpoint: config.endpoints.dynamodb }) }),
  };
}

/** What a runtime hands to {@link createBatchProcessor} besides config and clients. */
export interface RuntimeServices {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock?: Clock;
  /**
   * Credentials for signing churn calls only (not the SDK clients'), resolved per call, so a
   * refreshing provider rotates keys without a restart. @default - the provider chain
   */
  readonly credentials?: AwsCredentialIdentityProvider;
  readonly afterStep?: BatchProcessorDependencies['afterStep'];
}

function churnTarget(config: PipelineConfig): ChurnApiTarget {
  const { churn } = config;
  return churn.mode === 'apigateway'
    ? { mode: 'apigateway', endpoint: churn.endpoint, maxBatchSize: churn.batchSize }
    : { mode: 'sagemaker', endpoint: churn.endpoint, endpointName: churn.sageMaker.endpointName, contentType: churn.sageMaker.contentType, maxBatchSize: churn.batchSize };
}

/** The churn scoring service of a runtime (signed client, retries, breaker), as the pipeline uses it. */
export function createChurnScoring(config: PipelineConfig, services: Pick<RuntimeServices, 'logger' | 'metrics' | 'credentials'>): ChurnScoringService {
  const churnFetch = createSignedFetch({
    service: config.churn.signing.service,
    region: config.region,
    timeoutMs: config.churn.attemptTimeoutMs,
    sign: config.churn.signing.enabled,
    ...(config.churn.apiKey === undefined ? {} : { apiKey: config.churn.apiKey }),
    ...(services.credentials === undefined ? {} : { credentials: services.credentials }),
  });
  return new ChurnScoringService(
    new ChurnApiScorer(churnTarget(config), churnFetch),
    {
      ...config.churn.retry,
      totalTimeoutMs: config.churn.totalTimeoutMs,
      breakerConsecutiveFailures: config.churn.breaker.consecutiveFailures,
      breakerHalfOpenAfterMs: config.churn.breaker.halfOpenAfterMs,
      batchSize: config.churn.batchSize,
      capacity: config.churn.asyncCapacity,
    },
    services.metrics,
    services.logger.child({ component: 'churn-scoring' }),
  );
}

/** Wires the pipeline core to its adapters: the one place both runtimes share. */
export function createBatchProcessor(config: PipelineConfig, clients: AwsClients, services: RuntimeServices): BatchProcessor {
  const { logger, metrics } = services;
  meterConsumedCapacity(clients.dynamodb, metrics);
  // Lookups have no budget key of their own: allow every attempt its timeout plus the longest backoff.
  const clock: Clock = services.clock ?? { now: () => new Date() };
  const { tenantManager } = config;
  const lookupBudgetMs = tenantManager.retry.maxAttempts * (tenantManager.attemptTimeoutMs + tenantManager.retry.maxDelayMs);
  const tenantFetch = createSignedFetch({
    service: 'execute-api',
    region: config.region,
    timeoutMs: config.tenantManager.attemptTimeoutMs,
    sign: config.tenantManager.signing.enabled,
    ...(services.credentials === undefined ? {} : { credentials: services.credentials }),
  });
  const tenantProfiles = new TenantProfiles(
    new TenantManagerDirectory(config.tenantManager.endpoint, tenantFetch),
    {
      ...config.tenantManager.retry,
      totalTimeoutMs: lookupBudgetMs,
      concurrency: config.tenantManager.concurrency,
      cacheMaxEntries: config.tenantManager.cache.maxEntries,
      cacheTtlMs: config.tenantManager.cache.ttlMs,
    },
    metrics,
    logger.child({ component: 'tenant-profiles' }),
    clock,
  );
  const scoring = createChurnScoring(config, services);
  return new BatchProcessor(
    {
      streams: { jobs: config.streams.jobs.name, companies: config.streams.companies.name },
      limits: config.validation,
      dedupe: { windowMs: config.state.dedupeWindowMinutes * 60_000 },
      compaction: config.state.compaction,
      onScoringFailure: config.churn.onFailure,
      locations: {
        sink: { bucket: config.sink.path.bucket, prefix: config.sink.path.prefix },
        deadLetters: { bucket: config.sink.deadLetterPath.bucket, prefix: config.sink.deadLetterPath.prefix },
      },
    },
    {
      stateStore: new DynamoDbCompanyStateStore(clients.dynamodb, config.state.tableName),
      laneStore: new DynamoDbLaneStore(clients.dynamodb, config.runner.checkpointTableName),
      tenantProfiles,
      scoring,
      objects: new S3ObjectSink(clients.s3),
      ...(config.streams.enriched.enabled ? { enrichedStream: new KinesisEnrichedStream(clients.kinesis, config.streams.enriched.name, metrics) } : {}),
      clock,
      logger,
      metrics,
      ...(services.afterStep === undefined ? {} : { afterStep: services.afterStep }),
    },
  );
}
