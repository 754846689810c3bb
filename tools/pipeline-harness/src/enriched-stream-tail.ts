import { ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { enrichedCompanySchema, SILENT_LOGGER, sleep, type EnrichedCompany, type Logger } from '@tenant-analytics/domain';
import type { LocalPipelineProbe } from './local-pipeline';
import { PipelineRunError } from './pipeline-run-error';
import { parseJsonLine } from './runner-log';
import { followShard } from './shard-follower';

/** An enriched record and when it became visible to a consumer (epoch ms). */
export interface EnrichedObservation {
  readonly record: EnrichedCompany;
  readonly outputAtMs: number;
}

/** Options of {@link EnrichedStreamTail.start}. */
export interface EnrichedStreamTailOptions {
  /** Wait between polls of a caught-up shard. @default 100 */
  readonly pollIntervalMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default - silent */
  readonly logger?: Logger;
}

/**
 * A consumer of the enriched stream, from its start (TRIM_HORIZON), as a downstream user would
 * read it: records each distinct `eventID` with the time it was first seen (the stream is
 * at-least-once). This is the "end" of end-to-end latency. Shards are listed once at start.
 *
 * @example
 * const tail = await EnrichedStreamTail.start(pipeline.probe);
 * // … send, drain …
 * await tail.waitFor(expectedCount, 30_000);
 * await tail.stop();
 * const stats = collectRunStats({ observations: tail.observations(), deadLetters, latencyBasis: 'output-stream' });
 */
export class EnrichedStreamTail {
  private readonly seen = new Map<string, EnrichedObservation>();
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  /** Records read in all, repeats included. */
  received = 0;
  /** Records on the stream that are not enriched records. */
  unreadable = 0;

  private constructor(
    private readonly kinesis: KinesisClient,
    private readonly stream: string,
    private readonly settings: Required<EnrichedStreamTailOptions>,
  ) {}

  static async start(probe: LocalPipelineProbe, options: EnrichedStreamTailOptions = {}): Promise<EnrichedStreamTail> {
    const tail = new EnrichedStreamTail(probe.kinesis, probe.endpoints.streams.enriched, {
      pollIntervalMs: options.pollIntervalMs ?? 100,
      now: options.now ?? Date.now,
      logger: options.logger ?? SILENT_LOGGER,
    });
    const shards = (await probe.kinesis.send(new ListShardsCommand({ StreamName: tail.stream }))).Shards ?? [];
    tail.loops = shards.map(({ ShardId }) => tail.follow(ShardId ?? ''));
    return tail;
  }

  /** Distinct enriched events seen so far. */
  get distinct(): number {
    return this.seen.size;
  }

  /** Each distinct event with its first arrival, in arrival order. */
  observations(): EnrichedObservation[] {
    return [...this.seen.values()];
  }

  /** Waits until `count` distinct events were seen. @throws PipelineRunError on timeout */
  async waitFor(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.seen.size < count) {
      if (Date.now() > deadline) {
        throw new PipelineRunError(`The output stream showed ${this.seen.size} of ${count} enriched events within ${timeoutMs} ms`, {
          context: { seen: this.seen.size, count, timeoutMs },
        });
      }
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private follow(shardId: string): Promise<void> {
    const { kinesis, stream, settings } = this;
    return followShard({
      kinesis,
      stream,
      shardId,
      limit: 10_000,
      until: this.abort.signal,
      pollIntervalMs: settings.pollIntervalMs,
      onRecords: (records) => {
        const arrivedAtMs = settings.now();
        for (const record of records) this.accept(Buffer.from(record.Data ?? []).toString('utf8'), arrivedAtMs);
      },
      onError: (error) => settings.logger.warn('output stream read failed; retrying', { shardId, error: String(error) }),
    });
  }

  private accept(text: string, arrivedAtMs: number): void {
    this.received += 1;
    const decoded = enrichedCompanySchema.safeParse(parseJsonLine(text));
    if (!decoded.success) {
      this.unreadable += 1;
      return;
    }
    if (!this.seen.has(decoded.data.eventID)) this.seen.set(decoded.data.eventID, { record: decoded.data, outputAtMs: arrivedAtMs });
  }
}

/** Observations from records read back from S3: `processedAt` stands in for the output time. */
export function observationsFromProcessedAt(records: readonly EnrichedCompany[]): EnrichedObservation[] {
  const byEvent = new Map<string, EnrichedObservation>();
  for (const record of records) if (!byEvent.has(record.eventID)) byEvent.set(record.eventID, { record, outputAtMs: Date.parse(record.processedAt) });
  return [...byEvent.values()];
}
