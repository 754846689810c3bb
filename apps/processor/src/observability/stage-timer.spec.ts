import type { PendingBatch } from '../core/pending-batch';
import type { ShardSource } from '../runner/shard-lanes-runner';
import { StageTimer } from './stage-timer';

function recorder() {
  return { stages: [] as [string, string, number][], reads: [] as [string, string, number][], checkpoints: [] as [string, number][] };
}

const batch = { id: 'bigdatajobs/shardId-1/1-2', stream: 'bigdatajobs', shardId: 'shardId-1', firstSequenceNumber: '1', lastSequenceNumber: '2', createdAt: '' } as unknown as PendingBatch;

function source(records: number): ShardSource {
  return {
    listShards: () => Promise.resolve([]),
    iterator: () => Promise.resolve('it'),
    read: () => Promise.resolve({ records: Array.from({ length: records }, () => ({}) as never), nextIterator: 'next', millisBehindLatest: 0 }),
  };
}

describe('StageTimer', () => {
  it('times read, compute, commit, publish and complete of a batch from the read and the effect steps', async () => {
    // Prepare
    const seen = recorder();
    let now = 0;
    const timer = new StageTimer(
      {
        stageTime: (stage, stream, ms) => seen.stages.push([stage, stream, ms]),
        recordsRead: (stream, shardId, records) => seen.reads.push([stream, shardId, records]),
        checkpointed: (lane, atMs) => seen.checkpoints.push([lane, atMs]),
      },
      () => now,
      () => 42_000,
    );
    const instrumented = timer.instrument({ ...source(3), read: async () => ((now += 5), source(3).read('', '', '', 1)) });

    // Act
    await instrumented.read('bigdatajobs', 'shardId-1', 'it', 100);
    now += 100;
    timer.afterStep('pending-written', batch);
    now += 20;
    timer.afterStep('committed', batch);
    now += 7;
    timer.afterStep('published', batch);
    now += 2;
    timer.afterStep('completed', batch);

    // Assess
    expect(seen.reads).toEqual([['bigdatajobs', 'shardId-1', 3]]);
    expect(seen.stages).toEqual([
      ['read', 'bigdatajobs', 5],
      ['compute', 'bigdatajobs', 100],
      ['commit', 'bigdatajobs', 20],
      ['publish', 'bigdatajobs', 7],
      ['complete', 'bigdatajobs', 2],
    ]);
    expect(seen.checkpoints).toEqual([['bigdatajobs/shardId-1', 42_000]]);
  });

  it('counts an empty read but times no stage for it, and starts a recovered batch at its first step', async () => {
    // Prepare
    const seen = recorder();
    const timer = new StageTimer({ stageTime: (...args) => seen.stages.push(args), recordsRead: (...args) => seen.reads.push(args), checkpointed: () => undefined }, () => 10);

    // Act
    await timer.instrument(source(0)).read('bigdatajobs', 'shardId-1', 'it', 100);
    timer.afterStep('committed', batch);

    // Assess
    expect(seen.reads).toEqual([['bigdatajobs', 'shardId-1', 0]]);
    expect(seen.stages).toEqual([]);
  });
});
