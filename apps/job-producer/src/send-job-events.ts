import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { SILENT_LOGGER, type DeadLetterReason, type Logger } from '@tenant-analytics/domain';
import { ProducerError } from './errors';
import { createJobEventGenerator, type GeneratedRecord, type JobEventGeneratorOptions } from './job-event-generator';
import { runOpenLoopSchedule } from './open-loop-schedule';
import { StreamWriter, type RetrySettings, type StreamWriterCounters } from './stream-writer';

/** What to send, how fast, where. */
export interface SendJobEventsOptions extends JobEventGeneratorOptions {
  readonly streamName: string;
  /** Records in all (valid, invalid and duplicates). */
  readonly count: number;
  /** Open-loop target rate, records per second; `Infinity` sends as fast as the stream takes them. */
  readonly ratePerSecond: number;
  /** PutRecords batches in flight at most. @default 4 */
  readonly concurrency?: number;
  /** How long a due record may wait for others to share its batch. @default 50 */
  readonly lingerMs?: number;
  /** Records per batch at most (a PutRecords call takes 500). @default 500 */
  readonly maxBatchSize?: number;
  readonly retry?: RetrySettings;
  /** Stops scheduling; batches in flight finish and the summary says `interrupted`. */
  readonly signal?: AbortSignal;
}

/** Clients and observers of a send run. */
export interface SendJobEventsDeps {
  readonly kinesis: KinesisClient;
  /** @default - silent */
  readonly logger?: Logger;
  /** Called whenever a counter changes; keep it cheap. */
  readonly onProgress?: (progress: SendProgress) => void;
  /**
   * Called with the records of each batch Kinesis accepted in full, with their expected outcomes,
   * so that a test can account for every record downstream. Records of a batch that failed are
   * never passed (some of them may still be on the stream: the send then fails).
   */
  readonly onRecordsAccepted?: (records: readonly GeneratedRecord[]) => void;
}

/** A snapshot of a running send. */
export interface SendProgress extends StreamWriterCounters {
  readonly total: number;
  readonly elapsedMs: number;
  /** Lag of the latest batch behind its schedule. */
  readonly lagMs: number;
  readonly maxLagMs: number;
}

/** What a send run did; the JSON written by `--json-summary`. */
export interface SendSummary extends StreamWriterCounters {
  readonly runId: string;
  readonly streamName: string;
  readonly format: 'json' | 'csv';
  readonly seed: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly requested: number;
  /** `null` when unlimited. */
  readonly targetRatePerSecond: number | null;
  /** Accepted records per second over the run. */
  readonly achievedRatePerSecond: number;
  /** Largest delay of a batch behind its schedule. */
  readonly maxScheduleLagMs: number;
  /** Valid, first-time events: what the pipeline should enrich. */
  readonly valid: number;
  /** Valid events whose creationDate was moved into the past. */
  readonly outOfOrder: number;
  /** Re-sent records (same eventID): the pipeline should skip them. */
  readonly duplicates: number;
  /** Bad records by the dead-letter reason and by the kind of mistake. */
  readonly invalid: {
    readonly total: number;
    readonly byReason: Readonly<Partial<Record<DeadLetterReason, number>>>;
    readonly byKind: Readonly<Record<string, number>>;
  };
  readonly interrupted: boolean;
}

/** A send that stopped on an unrecoverable error; `summary` covers what happened until then. */
export class SendFailedError extends ProducerError {
  constructor(
    readonly summary: SendSummary,
    cause: ProducerError,
  ) {
    super(cause.message, { cause, context: cause.context, retriable: cause.retriable });
  }
}

/** Tallies of generated records by expected outcome. */
class OutcomeTally {
  valid = 0;
  outOfOrder = 0;
  duplicates = 0;
  invalidTotal = 0;
  readonly byReason: Partial<Record<DeadLetterReason, number>> = {};
  readonly byKind: Record<string, number> = {};

  add(record: GeneratedRecord): void {
    const { outcome } = record;
    if (outcome.type === 'valid') {
      this.valid += 1;
      this.outOfOrder += outcome.outOfOrder ? 1 : 0;
    } else if (outcome.type === 'duplicate') {
      this.duplicates += 1;
    } else {
      this.invalidTotal += 1;
      this.byReason[outcome.reason] = (this.byReason[outcome.reason] ?? 0) + 1;
      this.byKind[outcome.kind] = (this.byKind[outcome.kind] ?? 0) + 1;
    }
  }
}

const LAG_WARNING_MS = 1_000;

/**
 * Sends `count` generated job events to the jobs stream on an open-loop schedule (record `i` is
 * due at `start + i / rate`, and its `sentAt` is that time), in PutRecords batches of ≤ 500 with
 * `concurrency` in flight, partition key = companyID. Rejected entries are retried one by one by
 * `putRecordsReliably`; a batch is never re-sent as a whole, so every accepted record is on the
 * stream exactly once (duplicates asked for with `duplicateRatio` are separate records, counted as such).
 *
 * @throws StreamNotFoundError, CredentialsError or EndpointUnreachableError before sending anything;
 *   SendFailedError (with the partial summary) when a batch fails for good.
 * @example
 * const summary = await sendJobEvents(
 *   { streamName: 'bigdatajobs', count: 1_000, ratePerSecond: 500, companyIds: ['comp_0', 'comp_1'], runId: 'demo', seed: 1 },
 *   { kinesis },
 * );
 */
export async function sendJobEvents(options: SendJobEventsOptions, deps: SendJobEventsDeps): Promise<SendSummary> {
  const logger = deps.logger ?? SILENT_LOGGER;
  const next = createJobEventGenerator(options);
  const tally = new OutcomeTally();
  let startedAtMs = Date.now();
  let lagMs = 0;
  let maxLagMs = 0;
  let lastLagWarningMs = 0;
  const report = (): void =>
    deps.onProgress?.({ ...writer.counters, total: options.count, elapsedMs: Date.now() - startedAtMs, lagMs, maxLagMs });
  const writer = await StreamWriter.open(deps.kinesis, options.streamName, { ...(options.retry ? { retry: options.retry } : {}), logger, onChange: report });

  const summarize = (interrupted: boolean): SendSummary => {
    const finishedAtMs = Date.now();
    const durationMs = finishedAtMs - startedAtMs;
    const counters = writer.counters;
    return {
      runId: options.runId,
      streamName: options.streamName,
      format: options.format ?? 'json',
      seed: options.seed,
      startedAt: new Date(startedAtMs).toISOString(),
      finishedAt: new Date(finishedAtMs).toISOString(),
      durationMs,
      requested: options.count,
      targetRatePerSecond: Number.isFinite(options.ratePerSecond) ? options.ratePerSecond : null,
      ...counters,
      achievedRatePerSecond: durationMs > 0 ? Math.round((counters.accepted * 1000 * 10) / durationMs) / 10 : counters.accepted,
      maxScheduleLagMs: Math.round(maxLagMs),
      valid: tally.valid,
      outOfOrder: tally.outOfOrder,
      duplicates: tally.duplicates,
      invalid: { total: tally.invalidTotal, byReason: { ...tally.byReason }, byKind: { ...tally.byKind } },
      interrupted,
    };
  };

  logger.info('sending job events', { runId: options.runId, streamName: options.streamName, count: options.count, ratePerSecond: options.ratePerSecond });
  startedAtMs = Date.now();
  try {
    const outcome = await runOpenLoopSchedule(
      {
        total: options.count,
        ratePerSecond: options.ratePerSecond,
        maxBatchSize: options.maxBatchSize ?? 500,
        lingerMs: options.lingerMs ?? 50,
        concurrency: options.concurrency ?? 4,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      async (batch) => {
        lagMs = batch.lagMs;
        maxLagMs = Math.max(maxLagMs, batch.lagMs);
        if (batch.lagMs > LAG_WARNING_MS && Date.now() - lastLagWarningMs > 5 * LAG_WARNING_MS) {
          lastLagWarningMs = Date.now();
          logger.warn('falling behind schedule: the stream or the network is slower than --rate', { lagMs: Math.round(batch.lagMs), first: batch.first });
        }
        const records = batch.scheduledAtMs.map((scheduledAtMs) => next(scheduledAtMs));
        records.forEach((record) => tally.add(record));
        await writer.put(records.map(({ data, partitionKey }) => ({ data, partitionKey })));
        deps.onRecordsAccepted?.(records);
      },
    );
    const summary = summarize(outcome.interrupted);
    logger.info('job events sent', { accepted: summary.accepted, durationMs: summary.durationMs, maxScheduleLagMs: summary.maxScheduleLagMs });
    return summary;
  } catch (error) {
    const cause = error instanceof ProducerError ? error : new ProducerError(String(error), { cause: error });
    throw new SendFailedError(summarize(false), cause);
  }
}
