import { generateCompanies } from '@tenant-analytics/domain';
import { METRIC } from '@tenant-analytics/processor';
import { RuleChurnScorer } from '@tenant-analytics/processor/testing';
import { buildOurDesign, rememberedEventIds, processLanes } from './our-design';
import { JobWorkload } from './workload';

const companies = generateCompanies(42, 30);
const clock = { now: () => new Date() };

describe('buildOurDesign', () => {
  it('enriches every event through the core with the batch size given', async () => {
    // Prepare
    const scorer = new RuleChurnScorer();
    const design = buildOurDesign({ companies, scorer, settings: { scoringBatchSize: 10, capacity: 2 }, clock });
    const workload = new JobWorkload({ companies: 30, shards: 2, recordsPerBatch: 50, seed: 5 });

    // Act
    const result = await processLanes(design.processor, workload.streamName, workload.batches(200), 1);

    // Assess: one lookup per company, calls of at most 10 companies
    expect(result).toEqual({ enriched: 200, deadLetters: 0 });
    expect(design.stream.records).toHaveLength(200);
    expect(design.directory.calls).toBeLessThanOrEqual(30);
    expect(design.metrics.counter(METRIC.scoringCalls)).toBe(scorer.calls);
    expect(scorer.calls).toBeGreaterThanOrEqual(20);
  });

  it('tells how many event ids the lanes remember for dedupe', async () => {
    // Prepare
    const design = buildOurDesign({ companies, scorer: new RuleChurnScorer(), settings: { scoringBatchSize: 10, capacity: 2 }, clock });
    const workload = new JobWorkload({ companies: 30, shards: 1, recordsPerBatch: 100, seed: 5 });
    const before = rememberedEventIds(design.laneStore);

    // Act
    await processLanes(design.processor, workload.streamName, workload.batches(300), 1);

    // Assess: 300 events with distinct ids
    expect(before).toBe(0);
    expect(rememberedEventIds(design.laneStore)).toBe(300);
  });
});

describe('processLanes', () => {
  it('keeps each company in order when lanes run side by side', async () => {
    // Prepare
    const design = buildOurDesign({ companies, scorer: new RuleChurnScorer(), settings: { scoringBatchSize: 25, capacity: 4 }, clock });
    const workload = new JobWorkload({ companies: 30, shards: 3, recordsPerBatch: 20, seed: 6 });
    const batches = workload.batches(300);

    // Act
    const result = await processLanes(design.processor, workload.streamName, batches, 3);

    // Assess: per company (one shard each), outputs in sequence order
    expect(result.enriched).toBe(300);
    const byCompany = new Map<string, bigint[]>();
    for (const record of design.stream.records) byCompany.set(record.companyID, [...(byCompany.get(record.companyID) ?? []), BigInt(record.source.sequenceNumber)]);
    for (const sequence of byCompany.values()) expect(sequence.every((value, index) => index === 0 || value > (sequence[index - 1] as bigint))).toBe(true);
  });
});
