import { createJobEventGenerator, companyIdsUpTo, type JobEventGenerator } from '@tenant-analytics/job-producer';
import type { InputRecord } from '@tenant-analytics/processor';
import { kinesisRecordFactory } from '@tenant-analytics/processor/testing';

/** The shape of the in-memory workload of scenarios 1 and 2. */
export interface WorkloadOptions {
  /** Companies the events are spread over (ids of the tenant data set, `comp_0…`). */
  readonly companies: number;
  /** Shards of the jobs stream: each company's events go to one of them, as a partition key would. */
  readonly shards: number;
  /** Records per shard batch (what one GetRecords call or Lambda invocation hands over). */
  readonly recordsPerBatch: number;
  readonly seed: number;
  /** @default 'bigdatajobs' */
  readonly stream?: string;
}

/** One shard's batch, as a runtime hands it to the processor. */
export interface ShardBatch {
  readonly shardId: string;
  readonly records: readonly InputRecord[];
}

/** FNV-1a: a stable stand-in for Kinesis's MD5 partition-key hashing. */
function shardIndexOf(partitionKey: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < partitionKey.length; i++) {
    hash ^= partitionKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** Shard ids as Kinesis names them: `shardId-000000000000`. */
export function shardIdAt(index: number): string {
  return `shardId-${String(index).padStart(12, '0')}`;
}

/**
 * Job-event records like the producer sends (`@tenant-analytics/job-producer`'s generator: JSON
 * with `eventID` and `sentAt`), split over shards by partition key and cut into shard batches.
 * Sequence numbers keep increasing from one call to the next, so successive rounds continue the
 * same streams; event times lie just before `nowMs`, inside the decoder's accepted window.
 */
export class JobWorkload {
  private readonly next: JobEventGenerator;
  private readonly factories: ((payload: string, overrides?: Partial<InputRecord>) => InputRecord)[];
  private readonly stream: string;
  private readonly decoder = new TextDecoder();

  constructor(private readonly options: WorkloadOptions) {
    if (!(options.companies > 0 && options.shards > 0 && options.recordsPerBatch > 0)) {
      throw new RangeError(`companies, shards and recordsPerBatch must be positive, got ${options.companies}, ${options.shards}, ${options.recordsPerBatch}`);
    }
    this.stream = options.stream ?? 'bigdatajobs';
    this.next = createJobEventGenerator({ companyIds: companyIdsUpTo(options.companies), runId: `bench-${options.seed}`, seed: options.seed });
    this.factories = Array.from({ length: options.shards }, (_, index) => kinesisRecordFactory(this.stream, shardIdAt(index)));
  }

  /** The next `events` records as shard batches, interleaved shard by shard (as lanes would take turns). */
  batches(events: number, nowMs: number = Date.now()): ShardBatch[] {
    const perShard: InputRecord[][] = this.factories.map(() => []);
    const arrivalTime = new Date(nowMs);
    for (let i = 0; i < events; i++) {
      const generated = this.next(nowMs - (events - i));
      const shard = shardIndexOf(generated.partitionKey, this.options.shards);
      const factory = this.factories[shard] as (typeof this.factories)[number];
      (perShard[shard] as InputRecord[]).push(factory(this.decoder.decode(generated.data), { partitionKey: generated.partitionKey, arrivalTime }));
    }
    const chunked = perShard.map((records, shard) => {
      const chunks: ShardBatch[] = [];
      for (let start = 0; start < records.length; start += this.options.recordsPerBatch) {
        chunks.push({ shardId: shardIdAt(shard), records: records.slice(start, start + this.options.recordsPerBatch) });
      }
      return chunks;
    });
    const interleaved: ShardBatch[] = [];
    for (let round = 0; interleaved.length < chunked.reduce((sum, chunks) => sum + chunks.length, 0); round++) {
      for (const chunks of chunked) {
        const batch = chunks[round];
        if (batch !== undefined) interleaved.push(batch);
      }
    }
    return interleaved;
  }

  get streamName(): string {
    return this.stream;
  }
}
