import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createRandom } from '@tenant-analytics/domain';
import { StreamNotFoundError } from './errors';
import type { GeneratedRecord } from './job-event-generator';
import { SendFailedError, sendJobEvents, type SendJobEventsOptions, type SendProgress } from './send-job-events';
import { givenPutRecords, givenStream, mockedKinesis } from './testing/kinesis-mock';

const options = (overrides: Partial<SendJobEventsOptions> = {}): SendJobEventsOptions => ({
  streamName: 'jobs',
  count: 1_200,
  ratePerSecond: Number.POSITIVE_INFINITY,
  companyIds: ['comp_0', 'comp_1', 'comp_2'],
  runId: 'run1',
  seed: 5,
  lingerMs: 0,
  retry: { initialDelayMs: 1, maxDelayMs: 2 },
  ...overrides,
});

const eventIdOf = (data: string): string => (JSON.parse(data) as { eventID: string }).eventID;

describe('sendJobEvents', () => {
  it('puts records in PutRecords calls of at most 500, partition key = companyID', async () => {
    // Prepare
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub);
    const stream = givenPutRecords(stub);

    // Act
    const summary = await sendJobEvents(options({ concurrency: 2 }), { kinesis });

    // Assess
    expect(stream.callSizes).toEqual([500, 500, 200]);
    expect(stub.commandCalls(PutRecordsCommand).every((call) => call.args[0].input.StreamName === 'jobs')).toBe(true);
    for (const record of stream.accepted) {
      expect(record.partitionKey).toBe((JSON.parse(record.data) as { companyID: string }).companyID);
    }
    expect(summary).toMatchObject({ requested: 1_200, sent: 1_200, accepted: 1_200, rejected: 0, putRecordsCalls: 3, retriedEntries: 0, valid: 1_200 });
  });

  it('retries only throttled entries: every record is accepted exactly once', async () => {
    // Prepare: about a third of the entries are throttled on each of their first two attempts
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub);
    const throttle = createRandom(99);
    const stream = givenPutRecords(stub, (_data, attempt) => attempt <= 2 && throttle() < 0.33);

    // Act
    const summary = await sendJobEvents(options({ count: 2_000, ratePerSecond: 20_000, lingerMs: 10, concurrency: 3 }), { kinesis });

    // Assess
    const acceptedIds = stream.accepted.map((record) => eventIdOf(record.data));
    expect(acceptedIds).toHaveLength(2_000);
    expect(new Set(acceptedIds)).toEqual(new Set(Array.from({ length: 2_000 }, (_, index) => `run1-${index}`)));
    expect(stream.injectedFailures()).toBeGreaterThan(500);
    expect(summary).toMatchObject({ sent: 2_000, accepted: 2_000, rejected: 0, retriedEntries: stream.injectedFailures() });
    expect(Math.max(...stream.callSizes)).toBeLessThanOrEqual(500);
  });

  it('fails with a partial summary when entries stay rejected, never re-sending accepted ones', async () => {
    // Prepare: one record is throttled forever
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub);
    const stream = givenPutRecords(stub, (data) => data.includes('"run1-7"'));

    // Act
    const sending = sendJobEvents(options({ count: 600, retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 } }), { kinesis });

    // Assess
    await expect(sending).rejects.toBeInstanceOf(SendFailedError);
    const error = (await sending.catch((caught: unknown) => caught)) as SendFailedError;
    expect(error.message).toMatch(/1 record\(s\) still rejected by jobs after 3 attempts/);
    expect(error.retriable).toBe(true);
    expect(error.summary).toMatchObject({ rejected: 1, accepted: stream.accepted.length });
    const acceptedIds = stream.accepted.map((record) => eventIdOf(record.data));
    expect(new Set(acceptedIds).size).toBe(acceptedIds.length);
    expect(acceptedIds).not.toContain('run1-7');
  });

  it('hands over the records of each accepted batch, with their expected outcomes', async () => {
    // Prepare
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub);
    const stream = givenPutRecords(stub);
    const handed: GeneratedRecord[][] = [];

    // Act
    await sendJobEvents(options({ count: 1_200, invalidRatio: 0.1 }), { kinesis, onRecordsAccepted: (records) => handed.push([...records]) });

    // Assess: every accepted record exactly once, in batches, bytes as sent
    expect(handed.map((batch) => batch.length)).toEqual(stream.callSizes);
    const decoder = new TextDecoder();
    expect(handed.flat().map((record) => decoder.decode(record.data))).toEqual(stream.accepted.map((record) => record.data));
    expect(handed.flat().filter((record) => record.outcome.type === 'invalid').length).toBeGreaterThan(0);
  });

  it('hands over no record of a batch that failed', async () => {
    // Prepare: one record of the third batch is throttled forever, so that batch fails
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub);
    givenPutRecords(stub, (data) => data.includes('"run1-250"'));
    const handed: GeneratedRecord[] = [];

    // Act
    const sending = sendJobEvents(options({ count: 600, maxBatchSize: 100, concurrency: 1, retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 } }), {
      kinesis,
      onRecordsAccepted: (records) => handed.push(...records),
    });

    // Assess: the two batches before it, and nothing of it
    await expect(sending).rejects.toBeInstanceOf(SendFailedError);
    expect(handed.map((record) => record.sequence)).toEqual(Array.from({ length: 200 }, (_, index) => index));
  });

  it('tallies the records by expected outcome', async () => {
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub);
    givenPutRecords(stub);

    const summary = await sendJobEvents(options({ count: 3_000, invalidRatio: 0.1, duplicateRatio: 0.05, outOfOrderRatio: 0.2 }), { kinesis });

    expect(summary.valid + summary.duplicates + summary.invalid.total).toBe(3_000);
    expect(Object.values(summary.invalid.byReason).reduce((sum, count) => sum + (count ?? 0), 0)).toBe(summary.invalid.total);
    expect(Object.values(summary.invalid.byKind).reduce((sum, count) => sum + count, 0)).toBe(summary.invalid.total);
    expect(summary.duplicates).toBeGreaterThan(0);
    expect(summary.outOfOrder).toBeGreaterThan(0);
    expect(summary).toMatchObject({ runId: 'run1', seed: 5, format: 'json', targetRatePerSecond: null, interrupted: false });
  });

  it('reports progress up to every record accepted', async () => {
    const { kinesis, stub } = mockedKinesis();
    givenStream(stub);
    givenPutRecords(stub);
    const snapshots: SendProgress[] = [];

    await sendJobEvents(options({ count: 1_000, maxBatchSize: 100 }), { kinesis, onProgress: (progress) => snapshots.push(progress) });

    const accepted = snapshots.map((snapshot) => snapshot.accepted);
    expect(accepted).toEqual([...accepted].sort((a, b) => a - b));
    expect(snapshots.at(-1)).toMatchObject({ total: 1_000, accepted: 1_000, sent: 1_000 });
  });

  it('rejects a missing stream before sending anything', async () => {
    const { kinesis, stub } = mockedKinesis();
    stub.onAnyCommand().rejects(Object.assign(new Error('Stream jobs under account 1 not found.'), { name: 'ResourceNotFoundException' }));

    await expect(sendJobEvents(options(), { kinesis })).rejects.toBeInstanceOf(StreamNotFoundError);
    expect(stub.commandCalls(PutRecordsCommand)).toHaveLength(0);
  });
});
