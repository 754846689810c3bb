import { decodeJobEvent, type EnrichedCompany, type JobEventLimits } from '@tenant-analytics/domain';
import { mapLimited } from '@tenant-analytics/domain';
import type { ChurnScorer, Clock, InputRecord, ObjectSink, StreamSink, TenantDirectory } from '@tenant-analytics/processor';

/** Settings of the seed's design. */
export interface SeedDesignSettings {
  /** Events in flight at most (the seed's `AsyncDataStream` capacity, 20). */
  readonly capacity: number;
  readonly limits: JobEventLimits;
  readonly sink: { readonly bucket: string; readonly prefix: string };
  /** Records per S3 object (the file sink's roll size). @default 1000 */
  readonly recordsPerObject?: number;
}

/** What the seed's design needs: the same ports as ours, so both run over the same adapters. */
export interface SeedDesignDependencies {
  readonly directory: TenantDirectory;
  readonly scorer: ChurnScorer;
  readonly objects: ObjectSink;
  readonly stream: StreamSink;
  readonly clock: Clock;
}

/** What a run of the seed's design did. */
export interface SeedRunResult {
  readonly enriched: number;
  /** Records the seed dropped without a trace: undecodable, unknown company, or a failed score. */
  readonly dropped: number;
}

/**
 * The seed's design (the Flink job this project replaces), rebuilt faithfully over our ports so
 * that benchmarks compare designs rather than implementations: every event is decoded, looked up
 * in the tenant manager (no state, no cache), scored with one churn call of its own (no batching,
 * no dedupe) with `capacity` events in flight as a continuous window, and its counts are the
 * profile's `job30 + nbJobs`, `job90 + nbJobs`. Output is uncompressed JSON Lines rolled every
 * `recordsPerObject` records, and the same records on the output stream. Failures are dropped, as
 * the seed's `statusCode == 200` filter did.
 */
export class SeedDesignPipeline {
  private buffer: EnrichedCompany[] = [];
  private objectsWritten = 0;

  constructor(
    private readonly settings: SeedDesignSettings,
    private readonly deps: SeedDesignDependencies,
  ) {}

  /** Runs `records` through the pipeline and flushes the sink. */
  async run(records: readonly InputRecord[]): Promise<SeedRunResult> {
    let enriched = 0;
    let dropped = 0;
    await mapLimited(records, this.settings.capacity, async (record) => {
      const output = await this.enrich(record);
      if (output === undefined) {
        dropped += 1;
        return;
      }
      enriched += 1;
      this.buffer.push(output);
      if (this.buffer.length >= (this.settings.recordsPerObject ?? 1_000)) await this.flush();
    });
    await this.flush();
    return { enriched, dropped };
  }

  private async enrich(record: InputRecord): Promise<EnrichedCompany | undefined> {
    const now = this.deps.clock.now();
    const decoded = decodeJobEvent(record.data, { arrivalTime: record.arrivalTime, now, limits: this.settings.limits });
    if (!decoded.ok) return undefined;
    const event = decoded.value;
    try {
      const lookup = await this.deps.directory.lookup(event.companyID);
      if (!lookup.found) return undefined;
      const company = { ...lookup.company, job30: lookup.company.job30 + event.nbJobs, job90: lookup.company.job90 + event.nbJobs };
      const [verdict] = await this.deps.scorer.score([company]);
      if (verdict === undefined) return undefined;
      return {
        ...company,
        riskOfChurn: verdict.churn,
        churnProbability: verdict.probability,
        eventID: event.eventID ?? `${record.stream}/${record.shardId}/${record.sequenceNumber}`,
        userID: event.userID,
        nbJobs: event.nbJobs,
        eventTime: event.eventTime,
        processedAt: this.deps.clock.now().toISOString(),
        ...(event.sentAt === undefined ? {} : { sentAt: event.sentAt }),
        source: { stream: record.stream, shardId: record.shardId, sequenceNumber: record.sequenceNumber },
      };
    } catch {
      // The seed kept only calls that answered 200 and dropped the rest silently: so does its model.
      return undefined;
    }
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const records = this.buffer;
    this.buffer = [];
    this.objectsWritten += 1;
    const serialized = records.map((record) => ({ record, json: JSON.stringify(record) }));
    const body = Buffer.from(serialized.map(({ json }) => json).join('\n') + '\n');
    const key = `${this.settings.sink.prefix}/seed-part-${String(this.objectsWritten).padStart(8, '0')}.jsonl`;
    await this.deps.objects.put(this.settings.sink.bucket, key, body, 'application/x-ndjson');
    await this.deps.stream.putRecords(serialized);
  }
}
