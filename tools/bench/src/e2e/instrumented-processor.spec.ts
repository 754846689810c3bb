import { buildTestProcessor, InMemoryCompanyStateStore, InMemoryLaneStore, InMemoryObjectSink, InMemoryStreamSink, jobEvent, kinesisRecordFactory } from '@tenant-analytics/processor';
import { emptyBatchStats, instrumentedProcessor } from './instrumented-processor';

/** Processors over one set of in-memory stores, as processors over one DynamoDB table would be. */
function sharedStores() {
  const shared = { stateStore: new InMemoryCompanyStateStore(), laneStore: new InMemoryLaneStore(), objects: new InMemoryObjectSink(), stream: new InMemoryStreamSink() };
  return { shared, build: () => buildTestProcessor({ shared }).processor };
}

describe('instrumentedProcessor', () => {
  it('builds one processor and reuses it, counting and timing the batches that carry records', async () => {
    // Prepare
    const { build, shared } = sharedStores();
    const stats = emptyBatchStats();
    const processor = instrumentedProcessor(build, { freshPerBatch: false }, stats);
    const record = kinesisRecordFactory('bigdatajobs');

    // Act
    await processor.process('bigdatajobs', 'shardId-000000000000', []);
    await processor.process('bigdatajobs', 'shardId-000000000000', [record(jobEvent({ eventID: 'e1' })), record(jobEvent({ eventID: 'e2' }))]);
    await processor.process('bigdatajobs', 'shardId-000000000000', [record(jobEvent({ eventID: 'e3' }))]);

    // Assess
    expect(stats).toMatchObject({ batches: 2, records: 3, processorsBuilt: 1 });
    expect(stats.wallMs).toBeGreaterThan(0);
    expect(shared.stream.records).toHaveLength(3);
  });

  it('hands every call to a newly built processor when asked for no reuse, with the same outcome', async () => {
    // Prepare
    const { build, shared } = sharedStores();
    const stats = emptyBatchStats();
    const processor = instrumentedProcessor(build, { freshPerBatch: true }, stats);
    const record = kinesisRecordFactory('bigdatajobs');

    // Act
    const first = await processor.process('bigdatajobs', 'shardId-000000000000', [record(jobEvent({ eventID: 'e1' }))]);
    const second = await processor.process('bigdatajobs', 'shardId-000000000000', [record(jobEvent({ eventID: 'e2' }))]);

    // Assess: the template, then one per call
    expect(stats.processorsBuilt).toBe(3);
    expect(first.checkpoint).toBeDefined();
    expect(second.checkpoint).not.toBe(first.checkpoint);
    expect(shared.stream.records).toHaveLength(2);
  });
});
