import type { EffectStep } from '../core/batch-processor';
import type { PendingBatch } from '../core/pending-batch';
import type { ShardSource } from '../runner/shard-lanes-runner';
import { laneIdOf } from '../core/pending-batch';
import type { PrometheusMetrics } from './prometheus-metrics';

/** The stage that ends at each effect step (the core's `afterStep` seam). */
const STAGE_ENDING_AT: Readonly<Record<EffectStep, string>> = {
  'pending-written': 'compute',
  committed: 'commit',
  published: 'publish',
  completed: 'complete',
};

/**
 * Where a batch's time goes, measured outside the core: `read` (GetRecords), `compute` (from the
 * read to the durable pending batch: decode, state reads, tenant lookups, churn scoring, retries
 * and their waits), `commit` (company writes and the dedupe segment), `publish` (S3 objects, dead
 * letters, the output stream) and `complete` (the checkpoint write). The runner's reads and the
 * core's effect steps are timed per lane; a lane's clock restarts at each read, so a batch finished
 * after a crash counts from the read before it.
 */
export class StageTimer {
  private readonly lastMarkMs = new Map<string, number>();

  constructor(
    private readonly metrics: Pick<PrometheusMetrics, 'stageTime' | 'recordsRead' | 'checkpointed'>,
    private readonly now: () => number = () => performance.now(),
    private readonly wallClockMs: () => number = Date.now,
  ) {}

  /** The `afterStep` hook: ends the stage that led to `step`. */
  readonly afterStep = (step: EffectStep, batch: PendingBatch): void => {
    const lane = laneIdOf(batch.stream, batch.shardId);
    const now = this.now();
    const since = this.lastMarkMs.get(lane);
    if (since !== undefined) this.metrics.stageTime(STAGE_ENDING_AT[step], batch.stream, now - since);
    this.lastMarkMs.set(lane, now);
    if (step === 'completed') {
      this.lastMarkMs.delete(lane);
      this.metrics.checkpointed(lane, this.wallClockMs());
    }
  };

  /** `source` with its reads timed (stage `read`) and counted per shard. */
  instrument(source: ShardSource): ShardSource {
    return {
      listShards: (stream) => source.listShards(stream),
      iterator: (stream, shardId, position) => source.iterator(stream, shardId, position),
      read: async (stream, shardId, iterator, limit) => {
        const started = this.now();
        const result = await source.read(stream, shardId, iterator, limit);
        const ended = this.now();
        this.metrics.recordsRead(stream, shardId, result.records.length);
        if (result.records.length > 0) {
          this.metrics.stageTime('read', stream, ended - started);
          this.lastMarkMs.set(laneIdOf(stream, shardId), ended);
        }
        return result;
      },
    };
  }
}
