import { gunzipSync } from 'node:zlib';
import { deadLetterSchema, generateCompanies, type DeadLetter, type EnrichedCompany } from '@tenant-analytics/domain';
import { ChurnScoringService } from '../core/churn-scoring';
import type { ChurnFeaturesWithId, ChurnScorer, ChurnVerdict, InputRecord } from '../core/ports';
import { buildTestProcessor, jobEvent, kinesisRecordFactory, TEST_SCORING } from '../testing/factories';
import { InMemoryObjectSink, InMemoryStreamSink, ManualClock, MemoryLogger, RuleChurnScorer } from '../testing/in-memory-adapters';
import { InMemoryMetrics } from '../adapters/in-memory-metrics';
import { DeadLetterReplay, replayActionOf, replayMarkerKey, withSourceEventId, type DeadLetterArchive, type RecordResender } from './dead-letter-replay';

/** The in-memory object sink seen as the dead-letter archive (keys are `<bucket>/<key>` there). */
class InMemoryArchive implements DeadLetterArchive {
  constructor(readonly sink: InMemoryObjectSink) {}
  put(...args: Parameters<InMemoryObjectSink['put']>): Promise<void> {
    return this.sink.put(...args);
  }
  async listKeys(bucket: string, prefix: string): Promise<string[]> {
    return [...this.sink.objects.keys()].filter((key) => key.startsWith(`${bucket}/${prefix}`)).map((key) => key.slice(bucket.length + 1)).sort();
  }
  async get(bucket: string, key: string): Promise<Uint8Array | undefined> {
    return this.sink.objects.get(`${bucket}/${key}`)?.body;
  }
}

/** Keeps what was sent back to a stream, as Kinesis records of that stream would carry it. */
class CapturingResender implements RecordResender {
  readonly sent: { stream: string; partitionKey: string; data: Uint8Array }[] = [];
  async resend(stream: string, records: readonly { partitionKey: string; data: Uint8Array }[]): Promise<void> {
    this.sent.push(...records.map((record) => ({ stream, ...record })));
  }
}

/** The rule scorer, failing (not retriable) for the companies in `failFor`. */
class FailingFor implements ChurnScorer {
  readonly maxBatchSize = 1;
  private readonly rule = new RuleChurnScorer();
  constructor(readonly failFor: Set<string>) {}
  async score(companies: readonly ChurnFeaturesWithId[]): Promise<ChurnVerdict[]> {
    if (companies.some((company) => this.failFor.has(company.companyID))) throw Object.assign(new Error('400 bad request'), { retriable: false });
    return this.rule.score(companies);
  }
}

const companies = generateCompanies(42, 5);
const jobs = kinesisRecordFactory('bigdatajobs');
const DEAD_LETTERS = { bucket: 'bucket', prefix: 'dead-letters' };
const SINK = { sink: { bucket: 'bucket', prefix: 'churn/data' } };

function deadLettersIn(objects: InMemoryObjectSink): { key: string; letter: DeadLetter }[] {
  return [...objects.objects.entries()]
    .filter(([key]) => key.startsWith('bucket/dead-letters/') && key.endsWith('.json'))
    .map(([key, { body }]) => ({ key, letter: deadLetterSchema.parse(JSON.parse(Buffer.from(body).toString('utf8'))) }));
}

function enrichedIn(objects: InMemoryObjectSink): EnrichedCompany[] {
  return [...objects.objects.entries()]
    .filter(([key]) => key.startsWith('bucket/churn/data/'))
    .flatMap(([, { body }]) => gunzipSync(body).toString('utf8').trim().split('\n'))
    .map((line) => JSON.parse(line) as EnrichedCompany);
}

function replayWith(objects: InMemoryObjectSink, options: { scorer?: ChurnScorer; resender?: RecordResender; stream?: InMemoryStreamSink } = {}) {
  const logger = new MemoryLogger();
  return new DeadLetterReplay({
    archive: new InMemoryArchive(objects),
    scoring: new ChurnScoringService(options.scorer ?? new RuleChurnScorer(), TEST_SCORING, new InMemoryMetrics(), logger),
    resender: options.resender ?? new CapturingResender(),
    ...(options.stream === undefined ? {} : { enrichedStream: options.stream }),
    clock: new ManualClock(new Date('2026-11-25T11:00:00Z')),
    logger,
  });
}

describe('replayActionOf', () => {
  it('scores score-failed letters, sends lookup failures back, and leaves invalid records alone', () => {
    const letter = (reason: DeadLetter['reason'], extra: Partial<DeadLetter> = {}): DeadLetter => ({
      reason,
      message: 'm',
      stage: 'score',
      attempts: 1,
      firstFailureAt: '2026-11-25T10:00:00.000Z',
      record: { data: '', partitionKey: 'p', sequenceNumber: '1', shardId: 's', stream: 'bigdatajobs', arrivalTime: '2026-11-25T10:00:00.000Z' },
      ...extra,
    });

    expect(replayActionOf(letter('score-failed')).kind).toBe('not-replayable');
    expect(replayActionOf(letter('unknown-company')).kind).toBe('resend');
    expect(replayActionOf(letter('lookup-failed')).kind).toBe('resend');
    expect(replayActionOf(letter('malformed-json')).kind).toBe('not-replayable');
    expect(replayActionOf(letter('out-of-range')).kind).toBe('not-replayable');
  });
});

describe('DeadLetterReplay', () => {
  it('scores score-failed letters into the records a healthy run writes, without counting their events again', async () => {
    // Prepare: comp_2's scoring fails for good in one run, and not in a reference run
    // (the audit's cases: an event with an eventID, and a CSV one without)
    const records = [jobs(jobEvent({ companyID: 'comp_1', eventID: 'a' })), jobs(jobEvent({ companyID: 'comp_2', eventID: 'b', nbJobs: 3 })), jobs('comp_2,user_4,2,2026-11-25T08:00:00.000Z')];
    const failing = buildTestProcessor({ companies, scorer: new FailingFor(new Set(['comp_2'])) });
    const healthy = buildTestProcessor({ companies });
    await failing.processor.process('bigdatajobs', 'shardId-000000000000', records);
    await healthy.processor.process('bigdatajobs', 'shardId-000000000000', records);
    const stateBefore = await failing.stateStore.getMany(['comp_2']);
    expect(deadLettersIn(failing.objects).map(({ letter }) => letter.reason)).toEqual(['score-failed', 'score-failed']);

    // Act
    const summary = await replayWith(failing.objects, { stream: failing.stream }).replay(DEAD_LETTERS, SINK);

    // Assess: the same records as the healthy run (only processedAt differs), in S3 and on the stream
    expect(summary).toMatchObject({ deadLetters: 2, rescored: 2, resent: 0, failed: { count: 0 } });
    const withoutTime = (list: readonly EnrichedCompany[]) => list.map(({ processedAt: _t, ...rest }) => rest).sort((x, y) => x.eventID.localeCompare(y.eventID));
    expect(withoutTime(enrichedIn(failing.objects))).toEqual(withoutTime(enrichedIn(healthy.objects)));
    expect(withoutTime(failing.stream.records)).toEqual(withoutTime(healthy.stream.records));
    expect(await failing.stateStore.getMany(['comp_2'])).toEqual(stateBefore);
  });

  it('replays a letter once: a second run finds its marker and changes nothing', async () => {
    const failing = buildTestProcessor({ companies, scorer: new FailingFor(new Set(['comp_1'])) });
    await failing.processor.process('bigdatajobs', 'shardId-000000000000', [jobs(jobEvent({ eventID: 'a' }))]);
    await replayWith(failing.objects).replay(DEAD_LETTERS, SINK);
    const objectsAfterFirst = new Map(failing.objects.objects);

    const second = await replayWith(failing.objects).replay(DEAD_LETTERS, SINK);

    expect(second).toMatchObject({ deadLetters: 1, alreadyReplayed: 1, rescored: 0 });
    expect(failing.objects.objects).toEqual(objectsAfterFirst);
    const keys = deadLettersIn(failing.objects).map(({ key }) => key.slice('bucket/'.length));
    expect(keys.map((key) => failing.objects.objects.has(`bucket/${replayMarkerKey(key)}`))).toEqual([true]);
  });

  it('leaves letters unmarked when the churn API is still down, so the next run replays them', async () => {
    const failing = buildTestProcessor({ companies, scorer: new FailingFor(new Set(['comp_1'])) });
    await failing.processor.process('bigdatajobs', 'shardId-000000000000', [jobs(jobEvent({ eventID: 'a' }))]);
    const down: ChurnScorer = { maxBatchSize: 10, score: async () => Promise.reject(Object.assign(new Error('503'), { retriable: true })) };

    const summary = await replayWith(failing.objects, { scorer: down }).replay(DEAD_LETTERS, SINK);

    expect(summary).toMatchObject({ rescored: 0, failed: { count: 1 } });
    expect(summary.failed.firstError).toContain('churn API unavailable');
    expect(enrichedIn(failing.objects)).toHaveLength(0);
    expect((await replayWith(failing.objects).replay(DEAD_LETTERS, SINK)).rescored).toBe(1);
  });

  it('sends unknown-company letters back to their stream, where the pipeline counts them once', async () => {
    // Prepare: comp_3 is unknown at first; one event has no eventID
    const known = companies.slice(0, 2);
    const first = buildTestProcessor({ companies: known });
    const unknown = [jobEvent({ companyID: 'comp_3', eventID: 'x', nbJobs: 2 }), jobEvent({ companyID: 'comp_3', nbJobs: 5 })].map((event) => jobs(event));
    await first.processor.process('bigdatajobs', 'shardId-000000000000', unknown);
    const resender = new CapturingResender();

    // Act: replay twice (as after a crash before the markers), then let the pipeline read them
    await replayWith(first.objects, { resender }).replay(DEAD_LETTERS, SINK);
    for (const key of [...first.objects.objects.keys()].filter((key) => key.startsWith('bucket/replay-markers/'))) first.objects.objects.delete(key);
    await replayWith(first.objects, { resender }).replay(DEAD_LETTERS, SINK);
    const later = buildTestProcessor({ companies, shared: { stateStore: first.stateStore, laneStore: first.laneStore, objects: first.objects, stream: first.stream } });
    const resent: InputRecord[] = resender.sent.map(({ stream, partitionKey, data }) => jobs(Buffer.from(data).toString('utf8'), { stream, partitionKey }));
    const result = await later.processor.process('bigdatajobs', 'shardId-000000000000', resent);

    // Assess: each event counted and enriched once; the id-less one now carries its source position
    expect(resender.sent.map(({ stream }) => stream)).toEqual(['bigdatajobs', 'bigdatajobs', 'bigdatajobs', 'bigdatajobs']);
    expect(result.enriched).toBe(2);
    expect(Object.values((await later.stateStore.getMany(['comp_3'])).get('comp_3')?.buckets ?? {})).toEqual([7]);
    expect(enrichedIn(first.objects).map((record) => record.eventID).sort()).toEqual([`bigdatajobs/shardId-000000000000/${unknown[1]?.sequenceNumber}`, 'x']);
  });

  it('lists invalid records and letters it cannot read, and does not replay them', async () => {
    const run = buildTestProcessor({ companies });
    await run.processor.process('bigdatajobs', 'shardId-000000000000', [jobs('{"companyID":'), jobs(jobEvent({ nbJobs: 0 }))]);
    await run.objects.put('bucket', 'dead-letters/dt=2026-11-25/stray.json', Buffer.from('{"not":"a dead letter"}'), 'application/json');

    const summary = await replayWith(run.objects).replay(DEAD_LETTERS, SINK);

    expect(Object.keys(summary.notReplayable).sort()).toEqual(['malformed-json', 'out-of-range']);
    expect(summary.unreadable).toEqual({ count: 1, keys: ['dead-letters/dt=2026-11-25/stray.json'] });
    expect([...run.objects.objects.keys()].filter((key) => key.startsWith('bucket/replay-markers/'))).toEqual([]);
  });

  it('changes nothing in a dry run', async () => {
    const failing = buildTestProcessor({ companies, scorer: new FailingFor(new Set(['comp_1'])) });
    await failing.processor.process('bigdatajobs', 'shardId-000000000000', [jobs(jobEvent({ eventID: 'a' }))]);
    const before = new Map(failing.objects.objects);

    const summary = await replayWith(failing.objects).replay(DEAD_LETTERS, SINK, { dryRun: true });

    expect(summary).toMatchObject({ deadLetters: 1, rescored: 0 });
    expect(failing.objects.objects).toEqual(before);
  });
});

describe('withSourceEventId', () => {
  const letter = (data: string): DeadLetter => ({
    reason: 'unknown-company',
    message: 'm',
    stage: 'lookup',
    attempts: 1,
    firstFailureAt: '2026-11-25T10:00:00.000Z',
    record: { data: Buffer.from(data).toString('base64'), partitionKey: 'p', sequenceNumber: '42', shardId: 'shardId-1', stream: 'bigdatajobs', arrivalTime: '2026-11-25T10:00:00.000Z' },
  });

  it('gives a JSON event without eventID its source position, and leaves the rest unchanged', () => {
    expect(JSON.parse(Buffer.from(withSourceEventId(letter('{"companyID":"comp_1"}'))).toString())).toEqual({ companyID: 'comp_1', eventID: 'bigdatajobs/shardId-1/42' });
    expect(Buffer.from(withSourceEventId(letter('{"eventID":"e"}'))).toString()).toBe('{"eventID":"e"}');
    expect(Buffer.from(withSourceEventId(letter('comp_1,user_1,2,2026-11-25T09:00:00Z'))).toString()).toBe('comp_1,user_1,2,2026-11-25T09:00:00Z');
  });
});
