import { sleep } from '@tenant-analytics/domain';
import type { BatchProcessor } from '@tenant-analytics/processor';

/** What the processor did with the batches that carried records (lane recoveries, called with none, are not counted). */
export interface BatchStats {
  batches: number;
  records: number;
  /** Wall time inside `process`, summed over batches (lanes run side by side, so this exceeds elapsed time). */
  wallMs: number;
  /** Processors built: 1 with reuse, one per call without. */
  processorsBuilt: number;
  /** Batches with records being processed right now. */
  inFlight: number;
}

/** A fresh {@link BatchStats}. */
export function emptyBatchStats(): BatchStats {
  return { batches: 0, records: 0, wallMs: 0, processorsBuilt: 0, inFlight: 0 };
}

/**
 * Resolves once no batch is being processed (checked every 20 ms), or after `timeoutMs`; true if
 * idle. A measurement window that starts and ends idle holds whole batches only: the last batches
 * of the step before it have finished (their outputs appear before their final writes), and its
 * own have too.
 */
export async function waitUntilIdle(stats: Pick<BatchStats, 'inFlight'>, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (stats.inFlight > 0) {
    if (performance.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}

/**
 * The processor the local runner gets in scenario 4: `build()`'s processor, every batch timed and
 * counted into `stats`. With `freshPerBatch`, every call of `process` goes to a newly built
 * processor — new tenant cache, new scoring breaker, new state caches, whatever the composition
 * builds — as a Lambda invocation landing on a container that has not seen the shard does (Lambda
 * does not route a shard's next batch to the same warm container). The SDK clients stay shared:
 * the meter bills per client.
 */
export function instrumentedProcessor(build: () => BatchProcessor, options: { readonly freshPerBatch: boolean }, stats: BatchStats): BatchProcessor {
  const create = () => {
    stats.processorsBuilt += 1;
    return build();
  };
  const template = create();
  const process = async (...args: Parameters<BatchProcessor['process']>): ReturnType<BatchProcessor['process']> => {
    const processor = options.freshPerBatch ? create() : template;
    const records = args[2].length;
    const started = performance.now();
    if (records > 0) stats.inFlight += 1;
    try {
      return await processor.process(...args);
    } finally {
      if (records > 0) {
        stats.inFlight -= 1;
        stats.batches += 1;
        stats.records += records;
        stats.wallMs += performance.now() - started;
      }
    }
  };
  // A proxy rather than a subclass: the runner takes the class, and only `process` changes.
  return new Proxy(template, { get: (target, property, receiver) => (property === 'process' ? process : Reflect.get(target, property, receiver)) });
}
