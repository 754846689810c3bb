import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { mapLimited, type CompanyEvent } from '@tenant-analytics/domain';
import { PUT_RECORDS_LIMITS, putRecordsReliably, StreamWriteError, type StreamEntry } from '@tenant-analytics/kinesis-writer';
import type { Logger } from 'pino';
import { PublishError } from '../errors';
import type { PublishSummary, SnapshotPublisher } from '../snapshot-publisher';

/** Kinesis accepts at most 500 entries per PutRecords call. */
export const MAX_PUT_RECORDS_ENTRIES = PUT_RECORDS_LIMITS.maxRecords;

/** Where the Kinesis endpoint is. */
export interface KinesisConnection {
  /** E.g. the local emulator's `http://127.0.0.1:4567`; unset means the region's AWS endpoint. */
  readonly endpoint?: string;
  readonly region: string;
}

/**
 * A Kinesis client for `connection`, over HTTP/1.1 (the emulators reject the SDK's default
 * HTTP/2). Credentials come from the default provider chain (env `AWS_ACCESS_KEY_ID` /
 * `AWS_SECRET_ACCESS_KEY`, profile, …). The SDK retries throttled and failed calls itself.
 */
export function createKinesisClient(connection: KinesisConnection): KinesisClient {
  return new KinesisClient({
    region: connection.region,
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    requestHandler: new NodeHttpHandler(),
  });
}

/** What {@link KinesisSnapshotPublisher} needs. */
export interface KinesisSnapshotPublisherOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly logger: Logger;
  /** Attempts of a batch whose entries keep failing (the first included). @default 8 */
  readonly maxBatchAttempts?: number;
  /** PutRecords calls in flight during {@link KinesisSnapshotPublisher.publishAll}. @default 4 */
  readonly concurrency?: number;
  /** First backoff delay between batch attempts (then exponential with full jitter, capped at 5 s). @default 100 */
  readonly initialBackoffMs?: number;
}

/**
 * Publishes company snapshots to a Kinesis stream as JSON, partition key = companyID, so every
 * snapshot of one company lands on one shard in order.
 */
export class KinesisSnapshotPublisher implements SnapshotPublisher {
  constructor(private readonly options: KinesisSnapshotPublisherOptions) {}

  async publish(snapshot: CompanyEvent): Promise<void> {
    const { client, streamName } = this.options;
    try {
      const entry = toEntry(snapshot);
      await client.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: entry.partitionKey, Data: entry.data }));
    } catch (error) {
      throw new PublishError(
        `could not publish the snapshot of ${snapshot.companyID} to ${streamName}: ${(error as Error).message}`,
        { streamName, companyID: snapshot.companyID },
        isRetriableSdkError(error),
        { cause: error },
      );
    }
  }

  async publishAll(snapshots: readonly CompanyEvent[]): Promise<PublishSummary> {
    const batches: StreamEntry[][] = [];
    for (let start = 0; start < snapshots.length; start += MAX_PUT_RECORDS_ENTRIES) {
      batches.push(snapshots.slice(start, start + MAX_PUT_RECORDS_ENTRIES).map(toEntry));
    }
    let published = 0;
    let retriedEntries = 0;
    await mapLimited(batches, Math.max(1, this.options.concurrency ?? 4), async (batch) => {
      retriedEntries += await this.putBatch(batch);
      published += batch.length;
      this.options.logger.debug({ published, total: snapshots.length }, 'batch published');
    });
    return { published, batches: batches.length, retriedEntries };
  }

  /**
   * Sends one batch with the workspace's PutRecords writer (`libs/kinesis-writer`): only the entries
   * Kinesis rejected are sent again. Returns how many were re-sent.
   */
  private async putBatch(entries: readonly StreamEntry[]): Promise<number> {
    const { client, streamName, logger } = this.options;
    try {
      const summary = await putRecordsReliably(client, streamName, entries, {
        maxAttempts: this.options.maxBatchAttempts ?? 8,
        initialDelayMs: this.options.initialBackoffMs ?? 100,
        maxDelayMs: 5_000,
        onRetry: (failedCount, attempt, errorCodes) => logger.warn({ failedCount, errorCodes, attempt }, 'PutRecords rejected some entries; retrying them'),
      });
      return summary.retriedEntries;
    } catch (error) {
      if (error instanceof StreamWriteError) {
        const { failedEntries: failedCount, errorCodes } = error.context;
        throw new PublishError(`${failedCount} entries rejected by ${streamName}`, { streamName, failedCount, errorCodes }, true, { cause: error });
      }
      // The call itself failed after the SDK's own retries (a missing stream, bad credentials).
      throw new PublishError(`PutRecords to ${streamName} failed: ${(error as Error).message}`, { streamName }, false, { cause: error });
    }
  }
}

function toEntry(snapshot: CompanyEvent): StreamEntry {
  return { partitionKey: snapshot.companyID, data: Buffer.from(JSON.stringify(snapshot), 'utf8') };
}

/** The SDK already retried; its verdict (`$retryable`, 5xx, throttling) says whether a later try may work. */
function isRetriableSdkError(error: unknown): boolean {
  const { $retryable, $metadata, name } = (error ?? {}) as { $retryable?: unknown; $metadata?: { httpStatusCode?: number }; name?: string };
  return $retryable !== undefined || ($metadata?.httpStatusCode ?? 500) >= 500 || name === 'ProvisionedThroughputExceededException';
}
