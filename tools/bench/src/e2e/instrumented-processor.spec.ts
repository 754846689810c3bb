import { buildTestProcessor, InMemoryCompanyStateStore, InMemoryLaneStore, InMemoryObjectSink, InMemoryStreamSink, jobEvent, kinesisRecordFactory } from '@tenant-analytics/processor/testing';
import { emptyBatchStats, instrumentedProcessor, waitUntilIdle } from './instrumented-processor';

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
    expect(stats).toMatchObject({ batches: 2, records: 3, processorsBuilt: 1, inFlight: 0 });
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

  it('counts a batch in flight until it is done, and waits for none to be', async () => {
    // Prepare
    const { build } = sharedStores();
    const stats = emptyBatchStats();
    const processor = instrumentedProcessor(build, { freshPerBatch: false }, stats);
    const record = kinesisRecordFactory('bigdatajobs');

    // Act
    const running = processor.process('bigdatajobs', 'shardId-000000000000', [record(jobEvent({ eventID: 'e1' }))]);
    const during = stats.inFlight;
    const idle = await waitUntilIdle(stats, 5_000);
    await running;

    // Assess
    expect(during).toBe(1);
    expect(idle).toBe(true);
    expect(stats.inFlight).toBe(0);
  });

  it('gives up waiting after the timeout', async () => {
    // Act & assess
    expect(await waitUntilIdle({ inFlight: 1 }, 30)).toBe(false);
  });
});
