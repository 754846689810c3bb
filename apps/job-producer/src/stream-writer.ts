import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { putRecordsReliably, StreamWriteError, type PutRecordsOptions, type StreamEntry } from '@tenant-analytics/kinesis-writer';
import type { Logger } from '@tenant-analytics/domain';
import { StreamNotFoundError, translateKinesisError, type KinesisTarget } from './errors';

/** How hard to retry entries Kinesis rejects; see `putRecordsReliably`. */
export type RetrySettings = Pick<PutRecordsOptions, 'maxAttempts' | 'initialDelayMs' | 'maxDelayMs'>;

/** Running totals of a {@link StreamWriter}. */
export interface StreamWriterCounters {
  /** Entries handed to Kinesis (each once, however often it was retried). */
  readonly sent: number;
  readonly accepted: number;
  /** Entries not confirmed as accepted when a batch gave up (still rejected, or the call failed). */
  readonly rejected: number;
  /** Re-sends of rejected entries (throttling, internal failures). */
  readonly retriedEntries: number;
  readonly putRecordsCalls: number;
}

/** Stream states in which PutRecords succeeds. */
const WRITABLE_STATUSES = new Set(['ACTIVE', 'UPDATING']);

/** The endpoint URL a client was given, or undefined for the region's AWS endpoint. */
async function customEndpointOf(kinesis: KinesisClient): Promise<string | undefined> {
  const endpoint = kinesis.config.isCustomEndpoint ? await kinesis.config.endpoint?.() : undefined;
  return endpoint === undefined ? undefined : `${endpoint.protocol}//${endpoint.hostname}${endpoint.port === undefined ? '' : `:${endpoint.port}`}`;
}

/**
 * Puts batches on one stream through `putRecordsReliably` (which retries only the rejected entries
 * and never re-sends an accepted one), keeps the totals, and turns SDK errors into
 * {@link ProducerError}s that say what to do. A failed batch is never sent again as a whole.
 */
export class StreamWriter {
  private totals = { sent: 0, accepted: 0, rejected: 0, retriedEntries: 0, putRecordsCalls: 0 };

  private constructor(
    private readonly kinesis: KinesisClient,
    readonly target: KinesisTarget,
    private readonly options: { readonly retry?: RetrySettings; readonly logger?: Logger; readonly onChange?: () => void },
  ) {}

  /**
   * A writer for `streamName`, after checking that the stream exists and accepts writes, so a
   * typo or a stopped stack fails before the first event is scheduled.
   *
   * @throws StreamNotFoundError, CredentialsError, EndpointUnreachableError
   */
  static async open(
    kinesis: KinesisClient,
    streamName: string,
    options: { readonly retry?: RetrySettings; readonly logger?: Logger; readonly onChange?: () => void } = {},
  ): Promise<StreamWriter> {
    const target = { streamName, endpoint: await customEndpointOf(kinesis) };
    let status: string | undefined;
    try {
      const reply = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
      status = reply.StreamDescriptionSummary?.StreamStatus;
    } catch (error) {
      throw translateKinesisError(error, target);
    }
    if (status === undefined || !WRITABLE_STATUSES.has(status)) {
      throw new StreamNotFoundError(`Stream ${streamName} is ${status ?? 'in an unknown state'}, not ACTIVE: wait for it or pass another --stream`, {
        context: { ...target, status },
      });
    }
    return new StreamWriter(kinesis, target, options);
  }

  get counters(): StreamWriterCounters {
    return { ...this.totals };
  }

  /**
   * Puts `entries` (any number: split into calls of ≤ 500 records / ≤ 5 MiB). Takes no abort
   * signal on purpose: a batch that has started finishes, so its outcome is known.
   *
   * @throws ProducerError when entries stay rejected after every attempt or the call fails.
   */
  async put(entries: readonly StreamEntry[]): Promise<void> {
    this.totals.sent += entries.length;
    this.options.onChange?.();
    try {
      const summary = await putRecordsReliably(this.kinesis, this.target.streamName, entries, {
        ...this.options.retry,
        onRetry: (failedEntries, attempt, errorCodes) => {
          this.totals.retriedEntries += failedEntries;
          this.options.logger?.debug('retrying rejected entries', { failedEntries, attempt, errorCodes });
          this.options.onChange?.();
        },
      });
      this.totals.accepted += summary.records;
      this.totals.putRecordsCalls += summary.calls;
    } catch (error) {
      if (error instanceof StreamWriteError) {
        this.totals.rejected += error.context.failedEntries;
        this.totals.accepted += entries.length - error.context.failedEntries;
      } else {
        this.totals.rejected += entries.length;
      }
      throw translateKinesisError(error, this.target);
    } finally {
      this.options.onChange?.();
    }
  }
}
