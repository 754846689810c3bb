import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { loadChurnModel, scoreCompany } from '@tenant-analytics/churn-model';
import { generateCompany, rememberedEventCount } from '@tenant-analytics/domain';
import type { LocalStack } from '@tenant-analytics/local-stack';
import { eventually, type LocalPipelineProbe } from '@tenant-analytics/pipeline-harness';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { DAY_MS } from '../../src/core/company-state';
import { LOCAL_IDENTITY } from '../../src/esm/lambda-runtime';
import { loadMappingSettings } from '../../src/esm/mapping-settings';
import { runReplay } from '../../src/replay/replay-cli';
import { MemoryLogger } from '../../src/testing/in-memory-adapters';
import {
  MemoryOnFailureDestination,
  countedJobs,
  createTestStreams,
  invocationWhere,
  setChurnFaults,
  setFunctionEnvironment,
  shardIds,
  startTestEmulator,
  startTestStack,
  stopTestEmulators,
  wrappedHandlerLoader,
  type TestStack,
} from './esm-harness';

/**
 * The production handler (`src/handler.ts`) behind the event source mapping emulator, on the real
 * local stack (kinesis-local, s3rver, dynalite, tenant manager and churn API over HTTP). Each test
 * has its own streams, so lanes and S3 keys never meet another test's.
 */
describe('the Lambda path through the event source mapping emulator', () => {
  let stack: LocalStack;
  let probe: LocalPipelineProbe;
  let testStack: TestStack | undefined;
  let restoreEnvironment: (() => void) | undefined;
  const model = loadChurnModel();
  const iso = (ms: number) => new Date(ms).toISOString();
  const yesterdayNoon = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS + 12 * 3_600_000;

  beforeAll(async () => {
    testStack = await startTestStack('processor-esm-');
    ({ stack, probe } = testStack);
  });

  afterEach(async () => {
    await stopTestEmulators();
    restoreEnvironment?.();
    restoreEnvironment = undefined;
    await setChurnFaults(stack, { errorRate: 0, latencyMs: 0 });
  });

  afterAll(async () => {
    await testStack?.stop();
  });

  const enrichedOf = async (stream: string) => (await probe.enrichedInS3()).filter((record) => record.source.stream === stream);

  it('enriches, dedupes and dead-letters the scripted scenario exactly as the local runner does', async () => {
    // Prepare
    const streams = await createTestStreams(probe.kinesis, 'scenario');
    restoreEnvironment = setFunctionEnvironment(stack, streams);
    const { emulator, kinesis } = await startTestEmulator({ stack, streams });
    const snapshot = { ...generateCompany(42, 1), job30: 10, job90: 40, asOf: iso(yesterdayNoon - 2 * DAY_MS) };
    await probe.put(streams.companies, [snapshot]);
    await eventually(async () => ((await probe.companyState('comp_1'))?.profile?.job30 === 10 ? true : undefined), 30_000, 'the comp_1 snapshot in state');

    // Act
    await probe.put(streams.jobs, [
      { companyID: 'comp_1', userID: 'user_1', nbJobs: 2, creationDate: iso(yesterdayNoon), eventID: 'esm-e1' },
      { companyID: 'comp_1', userID: 'user_2', nbJobs: 3, creationDate: iso(yesterdayNoon - DAY_MS), eventID: 'esm-e2' },
      { companyID: 'comp_1', userID: 'user_1', nbJobs: 2, creationDate: iso(yesterdayNoon), eventID: 'esm-e1' },
      `comp_2,user_7,4,${iso(yesterdayNoon - 5 * 3_600_000)}`,
      { companyID: 'comp_99999', userID: 'user_1', nbJobs: 1, creationDate: iso(yesterdayNoon), eventID: 'esm-unknown' },
      '{"companyID":"comp_2","userID":',
      { companyID: 'comp_2', userID: 'user_1', nbJobs: 0, creationDate: iso(yesterdayNoon), eventID: 'esm-zero' },
    ]);
    const enriched = await eventually(async () => {
      const records = await enrichedOf(streams.jobs);
      const letters = (await probe.deadLetters()).filter((letter) => letter.record.stream === streams.jobs);
      return records.length >= 3 && letters.length >= 3 ? records : undefined;
    }, 60_000, '3 enriched records and 3 dead letters');
    await emulator.stop();
    kinesis.destroy();

    // Assess: S3
    const comp2 = generateCompany(42, 2);
    const verdict = (company: typeof comp2, job30: number, job90: number) => {
      const { churn, probability } = scoreCompany(model, { ...company, job30, job90 });
      return { riskOfChurn: churn, churnProbability: probability };
    };
    const byId = new Map(enriched.map((record) => [record.eventID.startsWith(`${streams.jobs}/`) ? 'csv' : record.eventID, record]));
    expect(enriched).toHaveLength(3);
    expect(byId.get('esm-e1')).toMatchObject({ companyID: 'comp_1', job30: 12, job90: 42, nbJobs: 2, ...verdict(snapshot, 12, 42) });
    expect(byId.get('esm-e2')).toMatchObject({ companyID: 'comp_1', job30: 13, job90: 43, nbJobs: 3, ...verdict(snapshot, 13, 43) });
    expect(byId.get('csv')).toMatchObject({ companyID: 'comp_2', industry: comp2.industry, job30: comp2.job30 + 4, job90: comp2.job90 + 4, ...verdict(comp2, comp2.job30 + 4, comp2.job90 + 4) });
    // Dead letters and the output stream
    const letters = (await probe.deadLetters()).filter((letter) => letter.record.stream === streams.jobs);
    expect(letters.map((letter) => letter.reason).sort()).toEqual(['malformed-json', 'out-of-range', 'unknown-company']);
    const onStream = (await probe.enrichedOnStream()).filter((record) => record.source.stream === streams.jobs);
    expect(new Set(onStream.map((record) => record.eventID))).toEqual(new Set(enriched.map((record) => record.eventID)));
    // State
    const comp1 = await probe.companyState('comp_1');
    expect(Object.values(comp1?.buckets ?? {}).sort()).toEqual([2, 3]);
    // Producer ids are in the lane's dedupe window (segments in the state table), not in the company item.
    expect(comp1 === undefined ? -1 : rememberedEventCount(comp1)).toBe(0);
    expect((await probe.companyState('comp_2'))?.profileSource).toBe('lookup');
    expect(await probe.companyState('comp_99999')).toBeUndefined();
    // The mapping: every invocation succeeded, nothing was discarded, real KinesisStreamEvent payloads
    expect(emulator.invocations.every((report) => report.verdict.kind === 'success')).toBe(true);
    expect(emulator.onFailureRecords).toEqual([]);
  });

  it('resumes from the record a partial failure reports, and redelivering that suffix counts every job once', async () => {
    // Prepare: the real handler, whose first response for the batch holding "resume-3" reports it as failed
    const streams = await createTestStreams(probe.kinesis, 'resume');
    restoreEnvironment = setFunctionEnvironment(stack, streams);
    const events = [1, 2, 4, 8, 16, 32].map((nbJobs, n) => ({ companyID: 'comp_300', userID: 'user_1', nbJobs, creationDate: iso(yesterdayNoon), eventID: `resume-${n}` }));
    await probe.put(streams.jobs, events);
    const batches: string[][] = [];
    let reported = false;
    const loadHandler = wrappedHandlerLoader((handler) => async (event: KinesisStreamEvent) => {
      batches.push(event.Records.map((record) => JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')).eventID as string));
      const response = (await handler(event)) as KinesisStreamBatchResponse;
      const failed = event.Records.find((record) => Buffer.from(record.kinesis.data, 'base64').toString('utf8').includes('"resume-3"'));
      if (reported || failed === undefined) return response;
      reported = true;
      return { batchItemFailures: [{ itemIdentifier: failed.kinesis.sequenceNumber }] };
    });

    // Act
    const { emulator, kinesis } = await startTestEmulator({ stack, streams, loadHandler });
    await eventually(async () => ((await enrichedOf(streams.jobs)).length >= 6 && batches.length >= 2 ? true : undefined), 60_000, '6 enriched records');
    await invocationWhere(emulator, (report) => report.verdict.kind === 'success');
    await emulator.stop();
    kinesis.destroy();

    // Assess: one batch of six, then exactly the suffix from resume-3; every job counted once
    expect(batches).toEqual([events.map((event) => event.eventID), ['resume-3', 'resume-4', 'resume-5']]);
    expect(emulator.invocations.map((report) => report.verdict)).toEqual([{ kind: 'partial', failedIndex: 3 }, { kind: 'success' }]);
    expect(await countedJobs(probe, 'comp_300')).toBe(63);
    const enriched = await enrichedOf(streams.jobs);
    expect(enriched.map((record) => record.eventID).sort()).toEqual(events.map((event) => event.eventID).sort());
  });

  it('bisects a batch around a poison record until it is alone, then sends only it to the on-failure destination', async () => {
    // Prepare: 8 events; invocations holding the poison record fail (a function error)
    const streams = await createTestStreams(probe.kinesis, 'bisect');
    restoreEnvironment = setFunctionEnvironment(stack, streams);
    const events = Array.from({ length: 8 }, (_, n) => ({ companyID: 'comp_310', userID: 'user_1', nbJobs: 1 << n, creationDate: iso(yesterdayNoon), eventID: `bisect-${n}` }));
    await probe.put(streams.jobs, events);
    const onFailure = new MemoryOnFailureDestination();
    const { emulator, kinesis } = await startTestEmulator({ stack, streams, onFailure, settings: { retryAttempts: 2 } });
    emulator.faults.failInvocationsWhen((event) => event.Records.some((record) => Buffer.from(record.kinesis.data, 'base64').toString('utf8').includes('"bisect-5"')), 'poison record');

    // Act
    await eventually(async () => (onFailure.records.length >= 1 && (await enrichedOf(streams.jobs)).length >= 7 ? true : undefined), 60_000, 'the poison record discarded and 7 enriched');
    await emulator.stop();
    kinesis.destroy();

    // Assess: halves of 8 → 4 → 2 → 1, the poison record invoked 1 + 2 retries, then discarded alone
    const sizes = emulator.invocations.filter((report) => report.stream === streams.jobs).map((report) => [report.records, report.verdict.kind]);
    expect(sizes).toEqual([
      [8, 'failure'],
      [4, 'success'],
      [4, 'failure'],
      [2, 'failure'],
      [1, 'success'],
      [1, 'failure'],
      [1, 'failure'],
      [1, 'failure'],
      [2, 'success'],
    ]);
    const poison = (await readShard(streams.jobs)).find((record) => record.data.includes('"bisect-5"'));
    expect(onFailure.records).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3, functionArn: `arn:aws:lambda:${stack.endpoints.region}:${LOCAL_IDENTITY.accountId}:function:processor` }),
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        version: '1.0',
        KinesisBatchInfo: expect.objectContaining({
          shardId: 'shardId-000000000000',
          startSequenceNumber: poison?.sequenceNumber,
          endSequenceNumber: poison?.sequenceNumber,
          batchSize: 1,
          streamArn: `arn:aws:kinesis:${stack.endpoints.region}:${LOCAL_IDENTITY.accountId}:stream/${streams.jobs}`,
        }),
      }),
    ]);
    expect(await countedJobs(probe, 'comp_310')).toBe(255 - 32);
    expect((await enrichedOf(streams.jobs)).map((record) => record.eventID).sort()).toEqual(events.filter((_, n) => n !== 5).map((event) => event.eventID).sort());
  });

  it('reads a parent shard to its end before its children after a split, so one company is applied in order', async () => {
    // Prepare: 5 events of one company, then a split, then 5 more (on a child)
    const streams = await createTestStreams(probe.kinesis, 'reshard');
    restoreEnvironment = setFunctionEnvironment(stack, streams);
    const event = (n: number) => ({ companyID: 'comp_320', userID: 'user_1', nbJobs: 1, creationDate: iso(yesterdayNoon), eventID: `reshard-${n}` });
    const { emulator, kinesis } = await startTestEmulator({ stack, streams, settings: { batchSize: 2 } });
    // The parent's first batch stalls 1.5 s after its last effect, so the parent is still being read when the children exist
    emulator.faults.delayAfterStep('completed', 1_500, { stream: streams.jobs });
    await probe.put(streams.jobs, [0, 1, 2, 3, 4].map(event));
    const [parent] = await shardIds(probe.kinesis, streams.jobs);
    await probe.kinesis.send(new SplitShardCommand({ StreamName: streams.jobs, ShardToSplit: parent, NewStartingHashKey: '170141183460469231731687303715884105728' }));
    await eventually(async () => ((await probe.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streams.jobs }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE' ? true : undefined), 30_000, 'the split');
    await probe.put(streams.jobs, [5, 6, 7, 8, 9].map(event));

    // Act
    const enriched = await eventually(async () => {
      const records = await enrichedOf(streams.jobs);
      return records.length >= 10 ? records : undefined;
    }, 60_000, '10 enriched records');
    await emulator.stop();
    kinesis.destroy();

    // Assess: the parent's invocations all ended before the first child invocation, and job30 grows with the send order
    const jobsInvocations = emulator.invocations.filter((report) => report.stream === streams.jobs);
    const lastParent = jobsInvocations.map((report) => report.shardId).lastIndexOf(parent ?? '');
    const firstChild = jobsInvocations.findIndex((report) => report.shardId !== parent);
    expect(firstChild).toBeGreaterThan(lastParent);
    const comp320 = generateCompany(42, 320);
    const job30ById = new Map(enriched.map((record) => [record.eventID, record.job30]));
    expect(Array.from({ length: 10 }, (_, n) => job30ById.get(`reshard-${n}`))).toEqual(Array.from({ length: 10 }, (_, n) => comp320.job30 + n + 1));
    expect(await countedJobs(probe, 'comp_320')).toBe(10);
    expect(emulator.shardStatuses().find((status) => status.shardId === parent)?.status).toBe('finished');
  });

  it('sends a batch to the on-failure destination when a churn outage outlasts the retries; the replay tool recovers it exactly once after later batches completed', async () => {
    // Prepare: churn answers 503 to everything; the scoring budget is short so each attempt fails fast
    const streams = await createTestStreams(probe.kinesis, 'outage');
    restoreEnvironment = setFunctionEnvironment(stack, streams, {
      SCORING_ATTEMPT_TIMEOUT_MS: '400',
      SCORING_TOTAL_TIMEOUT_MS: '500',
      SCORING_RETRY_INITIAL_DELAY_MS: '20',
      SCORING_RETRY_MAX_DELAY_MS: '50',
      SCORING_BREAKER_HALF_OPEN_AFTER_MS: '200',
    });
    await setChurnFaults(stack, { errorRate: 1, errorStatus: 503 });
    const events = [1, 2, 4].map((nbJobs, n) => ({ companyID: 'comp_330', userID: 'user_1', nbJobs, creationDate: iso(yesterdayNoon), eventID: `outage-${n}` }));
    await probe.put(streams.jobs, events);
    const onFailure = new MemoryOnFailureDestination();

    // Act: a bounded retry budget, as a deployment may set (the default, -1, retries until the record age)
    const retryAttempts = 3;
    const { emulator, kinesis } = await startTestEmulator({ stack, streams, onFailure, settings: { retryAttempts } });
    await eventually(async () => (onFailure.records.length >= 1 ? true : undefined), 90_000, 'an on-failure record');
    // The outage ends and the mapping goes on: a later batch of the shard completes first.
    await setChurnFaults(stack, { errorRate: 0 });
    await probe.put(streams.jobs, [{ companyID: 'comp_330', userID: 'user_2', nbJobs: 8, creationDate: iso(yesterdayNoon), eventID: 'outage-3' }]);
    await eventually(async () => ((await countedJobs(probe, 'comp_330')) === 8 ? true : undefined), 60_000, 'the later batch counted');
    await emulator.stop();
    kinesis.destroy();

    // Assess: the whole batch was retried retryAttempts times (the handler reports its first record), then discarded
    const jobs = emulator.invocations.filter((report) => report.stream === streams.jobs);
    expect(jobs.slice(0, retryAttempts + 1).map((report) => [report.records, report.verdict.kind])).toEqual(Array.from({ length: retryAttempts + 1 }, () => [3, 'partial']));
    const [record] = onFailure.records;
    const shard = await readShard(streams.jobs);
    expect(record).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: retryAttempts + 1 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST' },
      KinesisBatchInfo: { shardId: 'shardId-000000000000', startSequenceNumber: shard[0]?.sequenceNumber, endSequenceNumber: shard[2]?.sequenceNumber, batchSize: 3 },
    });
    expect((await enrichedOf(streams.jobs)).map((item) => item.eventID)).toEqual(['outage-3']);

    // Recovery with the replay tool (npx nx run processor:replay -- --from-on-failure <file>), run twice
    const workDir = mkdtempSync(path.join(os.tmpdir(), 'esm-replay-'));
    const onFailureFile = path.join(workDir, 'on-failure.jsonl');
    writeFileSync(onFailureFile, onFailure.records.map((item) => JSON.stringify(item)).join('\n'));
    const configFile = path.join(workDir, 'config.json');
    writeFileSync(configFile, process.env['PROPERTY_GROUPS'] ?? '');
    const options = { fromOnFailure: onFailureFile, config: configFile, endpointsFile: path.join(workDir, 'none.json'), dryRun: false };
    const first = await runReplay(options, new MemoryLogger());
    const second = await runReplay(options, new MemoryLogger());
    rmSync(workDir, { recursive: true, force: true });
    expect(first.onFailure?.records).toMatchObject([{ outcome: 'replayed-skipped-range', records: 3, enriched: 3 }]);
    expect(second.onFailure?.records).toMatchObject([{ outcome: 'already-processed' }]);
    expect(await countedJobs(probe, 'comp_330')).toBe(15);
    expect((await enrichedOf(streams.jobs)).map((item) => item.eventID).sort()).toEqual(['outage-0', 'outage-1', 'outage-2', 'outage-3']);
  });

  it('discards records older than the maximum record age to the on-failure destination without invoking the function', async () => {
    // Prepare: the mapping's clock runs past maxRecordAgeSeconds (apps/infra/cdk.json) after the records arrived
    const streams = await createTestStreams(probe.kinesis, 'age');
    restoreEnvironment = setFunctionEnvironment(stack, streams);
    await probe.put(streams.jobs, [0, 1].map((n) => ({ companyID: 'comp_340', userID: 'user_1', nbJobs: 1, creationDate: iso(yesterdayNoon), eventID: `age-${n}` })));
    const { maxRecordAgeSeconds } = loadMappingSettings();
    const onFailure = new MemoryOnFailureDestination();

    // Act
    const { emulator, kinesis } = await startTestEmulator({ stack, streams, onFailure, now: () => Date.now() + (maxRecordAgeSeconds + 60) * 1000 });
    await eventually(async () => (onFailure.records.length >= 1 ? true : undefined), 30_000, 'an on-failure record');
    await emulator.stop();
    kinesis.destroy();

    // Assess
    const shard = await readShard(streams.jobs);
    expect(onFailure.records).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({ condition: 'RecordAgeExceeded', approximateInvokeCount: 0 }),
        responseContext: { executedVersion: '$LATEST' },
        KinesisBatchInfo: expect.objectContaining({ startSequenceNumber: shard[0]?.sequenceNumber, endSequenceNumber: shard[1]?.sequenceNumber, batchSize: 2, approximateArrivalOfFirstRecord: shard[0]?.arrivalTime.toISOString() }),
      }),
    ]);
    expect(emulator.invocations.filter((report) => report.stream === streams.jobs)).toEqual([]);
    expect(await countedJobs(probe, 'comp_340')).toBe(0);
  });

  /** Every record of a one-shard stream's first shard, from the start. */
  async function readShard(stream: string): Promise<{ sequenceNumber: string; partitionKey: string; arrivalTime: Date; data: string }[]> {
    const { ShardIterator } = await probe.kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records } = await probe.kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
    return (Records ?? []).map((item) => ({
      sequenceNumber: item.SequenceNumber ?? '',
      partitionKey: item.PartitionKey ?? '',
      arrivalTime: item.ApproximateArrivalTimestamp ?? new Date(0),
      data: Buffer.from(item.Data ?? new Uint8Array()).toString('utf8'),
    }));
  }
});
