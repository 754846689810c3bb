import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { DEFAULT_DATASET, generateCompanies, SILENT_LOGGER, type CompanyEvent, type Logger } from '@tenant-analytics/domain';
import { PUT_RECORDS_LIMITS } from '@tenant-analytics/kinesis-writer';
import { runOpenLoopSchedule } from './open-loop-schedule';
import { StreamWriter, type RetrySettings, type StreamWriterCounters } from './stream-writer';

/** Which data set to publish, and where. */
export interface SeedCompaniesOptions {
  readonly streamName: string;
  /** @default 42 - the tenant manager's data set */
  readonly seed?: number;
  /** Companies `comp_0 … comp_{size-1}`. @default 10000 */
  readonly size?: number;
  /** The snapshots' `asOf`. @default - now */
  readonly asOf?: Date;
  /** PutRecords batches in flight at most. @default 4 */
  readonly concurrency?: number;
  readonly retry?: RetrySettings;
}

/** Clients and observers of a seeding run. */
export interface SeedCompaniesDeps {
  readonly kinesis: KinesisClient;
  /** @default - silent */
  readonly logger?: Logger;
  readonly onProgress?: (progress: StreamWriterCounters & { readonly total: number }) => void;
}

/** What a seeding run did. */
export interface SeedCompaniesSummary extends StreamWriterCounters {
  readonly streamName: string;
  readonly seed: number;
  readonly size: number;
  readonly asOf: string;
  readonly durationMs: number;
}

const utf8 = new TextEncoder();

/**
 * Publishes the company data set (`generateCompanies(seed, size)`, the same profiles the tenant
 * manager serves) as snapshots on the companies stream, `asOf` = now, partition key = companyID,
 * in full PutRecords batches as fast as the stream takes them.
 *
 * @throws StreamNotFoundError, CredentialsError or EndpointUnreachableError before sending;
 *   ProducerError when a batch fails for good.
 * @example
 * await seedCompanies({ streamName: 'companies', size: 1_000 }, { kinesis });
 */
export async function seedCompanies(options: SeedCompaniesOptions, deps: SeedCompaniesDeps): Promise<SeedCompaniesSummary> {
  const seed = options.seed ?? DEFAULT_DATASET.seed;
  const size = options.size ?? DEFAULT_DATASET.size;
  const asOf = (options.asOf ?? new Date()).toISOString();
  const logger = deps.logger ?? SILENT_LOGGER;
  const writer = await StreamWriter.open(deps.kinesis, options.streamName, {
    ...(options.retry ? { retry: options.retry } : {}),
    logger,
    onChange: () => deps.onProgress?.({ ...writer.counters, total: size }),
  });
  const snapshots = generateCompanies(seed, size).map((company): CompanyEvent => ({ ...company, asOf }));
  const startedAtMs = Date.now();
  await runOpenLoopSchedule(
    { total: size, ratePerSecond: Number.POSITIVE_INFINITY, maxBatchSize: PUT_RECORDS_LIMITS.maxRecords, lingerMs: 0, concurrency: options.concurrency ?? 4 },
    (batch) =>
      writer.put(
        snapshots.slice(batch.first, batch.first + batch.count).map((snapshot) => ({ data: utf8.encode(JSON.stringify(snapshot)), partitionKey: snapshot.companyID })),
      ),
  );
  const summary = { streamName: options.streamName, seed, size, asOf, ...writer.counters, durationMs: Date.now() - startedAtMs };
  logger.info('company snapshots published', { ...summary });
  return summary;
}
