import { processorBudgetOf, shardCountsFor, shardsFor, warmThroughputFor } from './capacity-plan';

describe('shardsFor', () => {
  it('keeps a stream at half of a shard\'s record and byte write limits', () => {
    // act / assess
    expect(shardsFor(1000, 200)).toBe(2);
    expect(shardsFor(500, 200)).toBe(1);
    expect(shardsFor(501, 200)).toBe(2);
    expect(shardsFor(100, 100_000)).toBe(20);
    expect(shardsFor(0.1, 1)).toBe(1);
  });
});

describe('shardCountsFor', () => {
  it('sizes the three streams from one traffic description', () => {
    // act
    const shards = shardCountsFor({ eventsPerSecond: 1000, snapshotsPerSecond: 10, eventBytes: 200, enrichedRecordBytes: 700, snapshotBytes: 300 });

    // assess
    expect(shards).toEqual({ jobs: 2, companies: 1, enriched: 2 });
  });
});

describe('processorBudgetOf', () => {
  it('adds one per-call scoring budget per wave of calls to the fixed overhead', () => {
    // act
    const defaults = processorBudgetOf({ batchSize: 500, scoringBatchSize: 25, asyncCapacity: 20, scoringTotalTimeoutMs: 30_000 });
    const large = processorBudgetOf({ batchSize: 2000, scoringBatchSize: 25, asyncCapacity: 20, scoringTotalTimeoutMs: 30_000 });

    // assess
    expect(defaults).toEqual({ scoringCalls: 20, scoringWaves: 1, scoringSeconds: 30, minimumTimeoutSeconds: 60, minimumMemoryMb: 276 });
    expect(large).toMatchObject({ scoringCalls: 80, scoringWaves: 4, minimumTimeoutSeconds: 150 });
  });
});

describe('warmThroughputFor', () => {
  it('asks for warm throughput only beyond what a new on-demand table has', () => {
    // act / assess
    expect(warmThroughputFor(100, 6, 4)).toBeUndefined();
    expect(warmThroughputFor(1000, 6, 4)).toEqual({ writeUnitsPerSecond: 6000, readUnitsPerSecond: 12000 });
    expect(warmThroughputFor(5000, 6, 4)).toEqual({ writeUnitsPerSecond: 30000, readUnitsPerSecond: 20000 });
  });
});
