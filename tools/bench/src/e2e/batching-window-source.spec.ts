import type { ShardReadResult, ShardSource } from '@tenant-analytics/processor';
import { kinesisRecordFactory } from '@tenant-analytics/processor/testing';
import { BatchingWindowSource, type WindowClock } from './batching-window-source';

const record = kinesisRecordFactory('bigdatajobs');

/** A clock whose sleeps only move time forward. */
function fakeClock(): WindowClock & { readonly slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** A shard that hands out `pages` in order (then empty pages), recording each read's limit. */
function scriptedSource(pages: readonly Omit<ShardReadResult, 'nextIterator'>[], closesAfter?: number): ShardSource & { readonly limits: number[] } {
  const limits: number[] = [];
  let read = 0;
  return {
    limits,
    listShards: async () => [{ shardId: 'shardId-000000000000' }],
    iterator: async () => 'iterator-0',
    read: async (_stream, _shardId, _iterator, limit) => {
      limits.push(limit);
      const page = pages[read] ?? { records: [], millisBehindLatest: 0 };
      read += 1;
      return { ...page, records: page.records.slice(0, limit), ...(closesAfter !== undefined && read >= closesAfter ? {} : { nextIterator: `iterator-${read}` }) };
    },
  };
}

const records = (count: number) => Array.from({ length: count }, (_, index) => record({ companyID: `comp_${index}` }));

describe('BatchingWindowSource', () => {
  it('gathers records until the window closes, reading the shard every poll interval', async () => {
    // Prepare: 80 records arrive per read, the window is 1 s, reads every 250 ms
    const inner = scriptedSource([0, 1, 2, 3, 4, 5, 6].map(() => ({ records: records(80), millisBehindLatest: 0 })));
    const clock = fakeClock();
    const source = new BatchingWindowSource(inner, { maxBatchSize: 500, windowMs: 1_000, pollMs: 250 }, clock);

    // Act
    const batch = await source.read('bigdatajobs', 'shardId-000000000000', 'iterator-0', 10_000);

    // Assess: reads at 0, 250, 500, 750 and, as the window closes, 1,000
    expect(batch.records).toHaveLength(400);
    expect(clock.slept).toEqual([250, 250, 250, 250]);
    expect(batch.nextIterator).toBe('iterator-5');
  });

  it('sends a full batch at once, asking the shard for no more than the batch size', async () => {
    // Prepare: a backlog
    const inner = scriptedSource([
      { records: records(300), millisBehindLatest: 5_000 },
      { records: records(400), millisBehindLatest: 4_000 },
    ]);
    const clock = fakeClock();
    const source = new BatchingWindowSource(inner, { maxBatchSize: 500, windowMs: 1_000, pollMs: 250 }, clock);

    // Act
    const batch = await source.read('bigdatajobs', 'shardId-000000000000', 'iterator-0', 10_000);

    // Assess: no wait while behind; the second read asks for the 200 that fill the batch
    expect(batch.records).toHaveLength(500);
    expect(inner.limits).toEqual([500, 200]);
    expect(clock.slept).toEqual([]);
    expect(batch.millisBehindLatest).toBe(4_000);
  });

  it('returns an empty batch when nothing arrived within the window', async () => {
    // Prepare
    const clock = fakeClock();
    const source = new BatchingWindowSource(scriptedSource([]), { maxBatchSize: 500, windowMs: 1_000, pollMs: 300 }, clock);

    // Act
    const batch = await source.read('bigdatajobs', 'shardId-000000000000', 'iterator-0', 10_000);

    // Assess: the last wait is cut to the window's end
    expect(batch.records).toEqual([]);
    expect(clock.slept).toEqual([300, 300, 300, 100]);
  });

  it('stops at the end of a closed shard and hands over no iterator', async () => {
    // Prepare
    const source = new BatchingWindowSource(scriptedSource([{ records: records(10), millisBehindLatest: 0 }], 1), { maxBatchSize: 500, windowMs: 1_000, pollMs: 250 }, fakeClock());

    // Act
    const batch = await source.read('bigdatajobs', 'shardId-000000000000', 'iterator-0', 10_000);

    // Assess
    expect(batch.records).toHaveLength(10);
    expect(batch).not.toHaveProperty('nextIterator');
  });

  it('respects a runner limit below the batch size', async () => {
    // Prepare
    const inner = scriptedSource([{ records: records(100), millisBehindLatest: 0 }]);
    const source = new BatchingWindowSource(inner, { maxBatchSize: 500, windowMs: 1_000, pollMs: 250 }, fakeClock());

    // Act
    const batch = await source.read('bigdatajobs', 'shardId-000000000000', 'iterator-0', 50);

    // Assess
    expect(batch.records).toHaveLength(50);
    expect(inner.limits).toEqual([50]);
  });
});
