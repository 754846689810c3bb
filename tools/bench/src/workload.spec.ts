import { decodeJobEvent } from '@tenant-analytics/domain';
import { JobWorkload, shardIdAt } from './workload';

const NOW_MS = Date.parse('2026-11-25T10:00:00Z');

describe('JobWorkload', () => {
  it('cuts the events into shard batches, interleaved shard by shard', () => {
    // Prepare
    const workload = new JobWorkload({ companies: 50, shards: 2, recordsPerBatch: 100, seed: 1 });

    // Act
    const batches = workload.batches(1_000, NOW_MS);

    // Assess
    const total = batches.reduce((sum, batch) => sum + batch.records.length, 0);
    expect(total).toBe(1_000);
    expect(batches.every((batch) => batch.records.length <= 100)).toBe(true);
    expect(batches.slice(0, 2).map((batch) => batch.shardId)).toEqual([shardIdAt(0), shardIdAt(1)]);
  });

  it('keeps every company on one shard, as a partition key would', () => {
    // Prepare
    const workload = new JobWorkload({ companies: 50, shards: 3, recordsPerBatch: 1_000, seed: 1 });

    // Act
    const batches = workload.batches(2_000, NOW_MS);

    // Assess
    const shardsByCompany = new Map<string, Set<string>>();
    for (const batch of batches) {
      for (const record of batch.records) shardsByCompany.set(record.partitionKey, (shardsByCompany.get(record.partitionKey) ?? new Set()).add(batch.shardId));
    }
    expect([...shardsByCompany.values()].every((shards) => shards.size === 1)).toBe(true);
  });

  it('makes valid producer events, in the decoder window, with sequence numbers rising across calls', () => {
    // Prepare
    const workload = new JobWorkload({ companies: 10, shards: 1, recordsPerBatch: 1_000, seed: 3 });

    // Act
    const first = workload.batches(10, NOW_MS).flatMap((batch) => batch.records);
    const second = workload.batches(10, NOW_MS).flatMap((batch) => batch.records);

    // Assess
    const decoded = first.map((record) => decodeJobEvent(record.data, { arrivalTime: record.arrivalTime, now: new Date(NOW_MS) }));
    expect(decoded.every((result) => result.ok && result.value.eventID !== undefined && result.value.sentAt !== undefined)).toBe(true);
    const sequence = [...first, ...second].map((record) => BigInt(record.sequenceNumber));
    expect(sequence.every((value, index) => index === 0 || value > (sequence[index - 1] as bigint))).toBe(true);
  });

  it('rejects a workload without shards', () => {
    expect(() => new JobWorkload({ companies: 10, shards: 0, recordsPerBatch: 10, seed: 1 })).toThrow(RangeError);
  });
});
