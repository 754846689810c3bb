import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { DomainError, sleep } from '@tenant-analytics/domain';

/** Kinesis PutRecords limits: records per call, bytes per call, bytes per record (data + key). */
export const PUT_RECORDS_LIMITS = { maxRecords: 500, maxBytes: 5 * 1024 * 1024, maxRecordBytes: 1024 * 1024 } as const;

/** One record to put. */
export interface StreamEntry {
  readonly data: Uint8Array;
  readonly partitionKey: string;
}

/** Retry settings for entries Kinesis rejects (throttling, internal failures). */
export interface PutRecordsOptions {
  /** Attempts per entry in all. @default 8 */
  readonly maxAttempts?: number;
  /** @default 100 */
  readonly initialDelayMs?: number;
  /** @default 5000 */
  readonly maxDelayMs?: number;
  /** Called before each retry round with the number of entries retried. */
  readonly onRetry?: (failedEntries: number, attempt: number, errorCodes: readonly string[]) => void;
  readonly signal?: AbortSignal;
}

/** What a reliable put did. */
export interface PutRecordsSummary {
  readonly records: number;
  readonly calls: number;
  /** Entries that had to be sent again after a partial failure. */
  readonly retriedEntries: number;
}

/** Entries still rejected after every attempt. `retriable`: trying again later may succeed. */
export class StreamWriteError extends DomainError {
  declare readonly context: { readonly streamName: string; readonly failedEntries: number; readonly errorCodes: readonly string[] };

  constructor(message: string, context: StreamWriteError['context']) {
    super(message, { context, retriable: true });
  }
}

/** An entry larger than Kinesis accepts: never retriable. */
export class OversizedRecordError extends DomainError {
  constructor(readonly partitionKey: string, readonly bytes: number) {
    super(`record for partition key ${partitionKey} is ${bytes} bytes; Kinesis accepts at most ${PUT_RECORDS_LIMITS.maxRecordBytes}`, { context: { partitionKey, bytes } });
  }
}

const entryBytes = (entry: StreamEntry) => entry.data.byteLength + Buffer.byteLength(entry.partitionKey);

/** Splits entries into PutRecords calls of at most 500 records and 5 MiB, keeping their order. */
export function planPutRecordsCalls<T extends StreamEntry>(entries: readonly T[]): T[][] {
  const calls: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entryBytes(entry);
    if (size > PUT_RECORDS_LIMITS.maxRecordBytes) throw new OversizedRecordError(entry.partitionKey, size);
    if (current.length === PUT_RECORDS_LIMITS.maxRecords || bytes + size > PUT_RECORDS_LIMITS.maxBytes) {
      calls.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/**
 * Puts every entry on `streamName`: batches of ≤ 500 records / ≤ 5 MiB, and after a partial
 * failure only the rejected entries are sent again, with capped exponential backoff and full
 * jitter. An accepted entry is never sent twice by this function; an entry is either accepted or
 * reported in the thrown {@link StreamWriteError}. Errors of the call itself (network, throttling
 * of the whole call) are retried by the SDK client's own retry strategy first.
 *
 * @example
 * await putRecordsReliably(kinesis, 'bigdatajobs', events.map((e) => ({ data: encode(e), partitionKey: e.companyID })));
 */
export async function putRecordsReliably(
  client: KinesisClient,
  streamName: string,
  entries: readonly StreamEntry[],
  options: PutRecordsOptions = {},
): Promise<PutRecordsSummary> {
  const maxAttempts = options.maxAttempts ?? 8;
  const initialDelayMs = options.initialDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 5_000;
  let calls = 0;
  let retriedEntries = 0;
  let pending: readonly StreamEntry[] = entries;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const failed: StreamEntry[] = [];
    const errorCodes = new Set<string>();
    for (const call of planPutRecordsCalls(pending)) {
      calls += 1;
      const records: PutRecordsRequestEntry[] = call.map((entry) => ({ Data: entry.data, PartitionKey: entry.partitionKey }));
      const response = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: records }), { abortSignal: options.signal });
      if ((response.FailedRecordCount ?? 0) === 0) continue;
      (response.Records ?? []).forEach((result, index) => {
        const entry = call[index];
        if (result.ErrorCode !== undefined && entry !== undefined) {
          failed.push(entry);
          errorCodes.add(result.ErrorCode);
        }
      });
    }
    if (failed.length === 0) break;
    if (attempt >= maxAttempts) {
      throw new StreamWriteError(`${failed.length} record(s) still rejected by ${streamName} after ${attempt} attempts (${[...errorCodes].join(', ')})`, {
        streamName,
        failedEntries: failed.length,
        errorCodes: [...errorCodes],
      });
    }
    retriedEntries += failed.length;
    options.onRetry?.(failed.length, attempt, [...errorCodes]);
    await sleep(Math.random() * Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1)), options.signal);
    options.signal?.throwIfAborted();
    pending = failed;
  }
  return { records: entries.length, calls, retriedEntries };
}
