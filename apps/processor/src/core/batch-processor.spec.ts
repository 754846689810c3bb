import { gunzipSync } from 'node:zlib';
import { deadLetterSchema, enrichedCompanySchema, generateCompanies, rememberedEventCount, type Company, type EnrichedCompany } from '@tenant-analytics/domain';
import { EFFECT_STEPS, scoringUnavailable, type EffectStep } from './batch-processor';
import type { ScoringOutcome } from './churn-scoring';
import type { GiveUpReason } from './resilience';
import { eventKeyDigest } from './dedupe-window';
import { emptyCompanyState, eventDigest } from './company-state';
import { ScoringUnavailableError } from './errors';
import type { ChurnScorer, InputRecord } from './ports';
import { buildTestProcessor, jobEvent, kinesisRecordFactory, scriptedJobRecords } from '../testing/factories';
import { InMemoryCompanyStateStore, InMemoryLaneStore, InMemoryObjectSink, InMemoryStreamSink, InMemoryTenantDirectory, ManualClock } from '../testing/in-memory-adapters';

const companies = generateCompanies(42, 20);
/** comp_1's profile, as state keeps it (without its id). */
function comp1Profile() {
  const { companyID: _id, ...profile } = companies[1] as Company;
  return profile;
}
const [, comp1, comp2] = companies as [Company, Company, Company];

function s3Records(objects: InMemoryObjectSink, prefix: string): EnrichedCompany[] {
  return [...objects.objects.entries()]
    .filter(([key]) => key.startsWith(prefix))
    .flatMap(([, object]) =>
      gunzipSync(object.body)
        .toString('utf8')
        .trim()
        .split('\n')
        .map((line) => enrichedCompanySchema.parse(JSON.parse(line))),
    );
}

function deadLetters(objects: InMemoryObjectSink) {
  return [...objects.objects.entries()]
    .filter(([key]) => key.startsWith('bucket/dead-letters/'))
    .map(([key, object]) => ({ key, letter: deadLetterSchema.parse(JSON.parse(Buffer.from(object.body).toString('utf8'))) }));
}

function sharedStores() {
  return { stateStore: new InMemoryCompanyStateStore(), laneStore: new InMemoryLaneStore(), objects: new InMemoryObjectSink(), stream: new InMemoryStreamSink() };
}

/** Runs batches in order on fresh processors over the same stores; a batch may be told to crash. */
async function runDeliveries(deliveries: readonly { records: InputRecord[]; crashAfter?: EffectStep }[]) {
  const shared = sharedStores();
  for (const delivery of deliveries) {
    const { processor } = buildTestProcessor({
      companies,
      shared,
      afterStep: (step) => {
        if (step === delivery.crashAfter) throw new Error(`injected crash after ${step}`);
      },
    });
    if (delivery.crashAfter === undefined) await processor.process('bigdatajobs', 'shardId-000000000000', delivery.records);
    else await expect(processor.process('bigdatajobs', 'shardId-000000000000', delivery.records)).rejects.toThrow(/injected crash/);
  }
  return shared;
}

describe('BatchProcessor', () => {
  it('enriches valid events, skips producer duplicates and dead-letters bad records with their reason', async () => {
    // Prepare
    const { processor, objects, stream, stateStore, laneStore, metrics } = buildTestProcessor({ companies });

    // Act
    const result = await processor.process('bigdatajobs', 'shardId-000000000000', scriptedJobRecords());

    // Assess: outputs
    expect(result).toMatchObject({ enriched: 3, deadLetters: 3, alreadyCompleted: 0 });
    const enriched = s3Records(objects, 'bucket/churn/data/');
    expect(enriched.map((r) => [r.eventID, r.companyID, r.nbJobs, r.job30, r.job90])).toEqual([
      ['e1', 'comp_1', 2, comp1.job30 + 2, comp1.job90 + 2],
      ['e2', 'comp_1', 3, comp1.job30 + 5, comp1.job90 + 5],
      [expect.stringMatching(/^bigdatajobs\/shardId-000000000000\/\d+$/), 'comp_2', 4, comp2.job30 + 4, comp2.job90 + 4],
    ]);
    expect(enriched.every((r) => r.riskOfChurn !== null && r.churnProbability !== null)).toBe(true);
    expect(stream.records.map((r) => r.eventID)).toEqual(enriched.map((r) => r.eventID));
    expect(deadLetters(objects).map(({ letter }) => [letter.reason, letter.stage])).toEqual([
      ['malformed-json', 'decode'],
      ['unknown-company', 'lookup'],
      ['out-of-range', 'validate'],
    ]);
    expect(metrics.counter('DuplicatesSkipped')).toBe(1);

    // Assess: state
    const state = (await stateStore.getMany(['comp_1'])).get('comp_1');
    expect(Object.values(state?.buckets ?? {})).toEqual([5]);
    expect(state === undefined ? -1 : rememberedEventCount(state)).toBe(0);
    const segments = await laneStore.loadDedupeSegments(['bigdatajobs/shardId-000000000000'], 0);
    expect(segments.flatMap((segment) => segment.digests)).toEqual([eventKeyDigest('comp_1', 'e1'), eventKeyDigest('comp_1', 'e2')]);
    expect((await stateStore.getMany(['comp_999'])).size).toBe(0);
  });

  describe('dedupe window', () => {
    const WINDOW_MS = 3_600_000;
    const stores = () => ({ stateStore: new InMemoryCompanyStateStore(), laneStore: new InMemoryLaneStore(), objects: new InMemoryObjectSink(), stream: new InMemoryStreamSink() });

    it('skips a producer duplicate within the window across batches and a cold start, and counts it again after the window', async () => {
      // Prepare
      const shared = stores();
      const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));
      const record = kinesisRecordFactory('bigdatajobs');
      const warm = buildTestProcessor({ companies, shared, clock });
      await warm.processor.process('bigdatajobs', 'shardId-000000000000', [record(jobEvent({ eventID: 'x', nbJobs: 1 }))]);

      // Act: the same eventID in a later batch (warm), from a fresh processor (cold start), then after the window
      clock.advance(WINDOW_MS - 60_000);
      const warmAgain = await warm.processor.process('bigdatajobs', 'shardId-000000000000', [record(jobEvent({ eventID: 'x', nbJobs: 1 }))]);
      const cold = await buildTestProcessor({ companies, shared, clock }).processor.process('bigdatajobs', 'shardId-000000000000', [record(jobEvent({ eventID: 'x', nbJobs: 1 }))]);
      clock.advance(120_000);
      const afterWindow = await buildTestProcessor({ companies, shared, clock }).processor.process('bigdatajobs', 'shardId-000000000000', [record(jobEvent({ eventID: 'x', nbJobs: 1 }))]);

      // Assess
      expect([warmAgain.enriched, cold.enriched, afterWindow.enriched]).toEqual([0, 0, 1]);
      expect(Object.values((await shared.stateStore.getMany(['comp_1'])).get('comp_1')?.buckets ?? {})).toEqual([2]);
    });

    it('treats the same eventID of two companies as two events', async () => {
      // Prepare
      const { processor } = buildTestProcessor({ companies });
      const record = kinesisRecordFactory('bigdatajobs');

      // Act
      const result = await processor.process('bigdatajobs', 'shardId-000000000000', [record(jobEvent({ companyID: 'comp_1', eventID: 'x' })), record(jobEvent({ companyID: 'comp_2', eventID: 'x' }))]);

      // Assess
      expect(result.enriched).toBe(2);
    });

    it('inherits the parent shards window on a child lane after a reshard', async () => {
      // Prepare
      const shared = stores();
      await buildTestProcessor({ companies, shared }).processor.process('bigdatajobs', 'shardId-000000000000', [kinesisRecordFactory('bigdatajobs')(jobEvent({ eventID: 'x' }))]);
      const child = kinesisRecordFactory('bigdatajobs', 'shardId-000000000002');

      // Act
      const result = await buildTestProcessor({ companies, shared }).processor.process('bigdatajobs', 'shardId-000000000002', [child(jobEvent({ eventID: 'x' }))], {
        parentShardIds: ['shardId-000000000000'],
      });

      // Assess
      expect(result.enriched).toBe(0);
    });

    it('still skips an id remembered in an item of the layout before the window (upgrade)', async () => {
      // Prepare: the item as the earlier layout wrote it, id 'x' applied a minute ago
      const shared = stores();
      const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));
      const legacy = { ...emptyCompanyState('comp_1'), version: 1, profile: { ...comp1Profile() }, asOf: '2026-11-25T09:00:00.000Z', profileSource: 'lookup' as const };
      await shared.stateStore.put({ ...legacy, recentEventDigests: [[clock.now().getTime() - 60_000 + 7 * 86_400_000, eventDigest('x')]] });

      // Act
      const result = await buildTestProcessor({ companies, shared, clock }).processor.process('bigdatajobs', 'shardId-000000000000', [kinesisRecordFactory('bigdatajobs')(jobEvent({ eventID: 'x' }))]);

      // Assess
      expect(result.enriched).toBe(0);
    });
  });

  it('writes S3 objects under event-time partitions with keys derived from the batch range', async () => {
    const { processor, objects } = buildTestProcessor({ companies });
    const records = scriptedJobRecords();

    await processor.process('bigdatajobs', 'shardId-000000000000', records);

    const first = records[0]?.sequenceNumber;
    const last = records.at(-1)?.sequenceNumber;
    expect([...objects.objects.keys()].filter((key) => key.includes('churn/data')).sort()).toEqual([
      `bucket/churn/data/dt=2026-11-25/hour=08/bigdatajobs-shardId-000000000000-${first}-${last}.jsonl.gz`,
      `bucket/churn/data/dt=2026-11-25/hour=09/bigdatajobs-shardId-000000000000-${first}-${last}.jsonl.gz`,
    ]);
  });

  it('skips events whose producer id was applied by an earlier batch', async () => {
    const shared = sharedStores();
    const record = kinesisRecordFactory('bigdatajobs');
    const first = buildTestProcessor({ companies, shared });
    await first.processor.process('bigdatajobs', 'shardId-000000000000', [record(jobEvent({ eventID: 'same' }))]);

    const second = await first.processor.process('bigdatajobs', 'shardId-000000000000', [record(jobEvent({ eventID: 'same' }))]);

    expect(second.enriched).toBe(0);
    expect(second.deadLetters).toBe(0);
    expect(first.metrics.counter('DuplicatesSkipped')).toBe(1);
  });

  describe('exactly-once effects', () => {
    const clean = () => runDeliveries([{ records: scriptedJobRecords() }]);

    it.each(EFFECT_STEPS.map((step) => [step]))('leaves state and S3 as a clean run would after a crash after %s', async (step) => {
      // Prepare
      const expected = await clean();

      // Act: crash, then the same batch is delivered again
      const actual = await runDeliveries([{ records: scriptedJobRecords(), crashAfter: step }, { records: scriptedJobRecords() }]);

      // Assess
      expect(actual.stateStore.items).toEqual(expected.stateStore.items);
      expect(actual.objects.objects).toEqual(expected.objects.objects);
      expect(actual.laneStore.lanes).toEqual(expected.laneStore.lanes);
      expect(new Set(actual.stream.records.map((r) => r.eventID))).toEqual(new Set(expected.stream.records.map((r) => r.eventID)));
    });

    it('finishes the first attempt whole when the redelivery is shorter', async () => {
      const expected = await clean();
      const records = scriptedJobRecords();

      const actual = await runDeliveries([{ records, crashAfter: 'pending-written' }, { records: records.slice(0, 2) }, { records: records.slice(2) }]);

      expect(actual.stateStore.items).toEqual(expected.stateStore.items);
      expect(actual.objects.objects).toEqual(expected.objects.objects);
    });

    it('counts every event once when the redelivery is longer or replays a suffix', async () => {
      // Prepare: the clean run sees the same records in one batch
      const expected = await clean();
      const records = scriptedJobRecords();

      // Act: a first attempt on a prefix crashes, the redelivery is the whole batch, then a suffix replays
      const actual = await runDeliveries([{ records: records.slice(0, 3), crashAfter: 'committed' }, { records }, { records: records.slice(4) }]);

      // Assess: same state, and every output record exactly once across S3 objects
      const stripBatch = (items: Map<string, unknown>) => JSON.parse(JSON.stringify([...items.values()]).replace(/"processedAt":"[^"]+"/g, ''));
      expect(stripBatch(actual.stateStore.items)).toEqual(stripBatch(expected.stateStore.items));
      const ids = (objects: InMemoryObjectSink) => s3Records(objects, 'bucket/churn/data/').map((r) => r.eventID).sort();
      expect(ids(actual.objects)).toEqual(ids(expected.objects));
      expect(deadLetters(actual.objects).map((d) => d.key)).toEqual(deadLetters(expected.objects).map((d) => d.key));
    });
  });

  describe('scoring failures', () => {
    const failing = (status: 'retriable' | 'fatal'): ChurnScorer => ({
      maxBatchSize: 100,
      score: async () => {
        throw Object.assign(new Error(`churn API failed (${status})`), { retriable: status === 'retriable' });
      },
    });

    it('dead-letters records whose scoring fails for good, and still counts their jobs', async () => {
      const { processor, objects, stateStore } = buildTestProcessor({ companies, scorer: failing('fatal') });

      const result = await processor.process('bigdatajobs', 'shardId-000000000000', [kinesisRecordFactory('bigdatajobs')(jobEvent({ nbJobs: 4 }))]);

      expect(result.deadLetters).toBe(1);
      expect(deadLetters(objects)[0]?.letter).toMatchObject({ reason: 'score-failed', stage: 'score', attempts: 1 });
      expect(Object.values((await stateStore.getMany(['comp_1'])).get('comp_1')?.buckets ?? {})).toEqual([4]);
    });

    it('emits unscored records when configured to', async () => {
      const { processor, stream } = buildTestProcessor({ companies, scorer: failing('fatal'), settings: { onScoringFailure: 'emit-unscored' } });

      await processor.process('bigdatajobs', 'shardId-000000000000', [kinesisRecordFactory('bigdatajobs')(jobEvent())]);

      expect(stream.records).toEqual([expect.objectContaining({ riskOfChurn: null, churnProbability: null })]);
    });

    it('defers the whole batch, with no effect, while the churn API is down', async () => {
      const { processor, objects, stateStore, laneStore } = buildTestProcessor({ companies, scorer: failing('retriable') });
      const record = kinesisRecordFactory('bigdatajobs');
      const batch = Array.from({ length: 10 }, (_, i) => record(jobEvent({ companyID: `comp_${i}`, nbJobs: 1 })));

      await expect(processor.process('bigdatajobs', 'shardId-000000000000', batch)).rejects.toBeInstanceOf(ScoringUnavailableError);

      expect(objects.objects.size).toBe(0);
      expect(stateStore.items.size).toBe(0);
      // The lane only notes the failed batch (no checkpoint, no pending batch), for the replay tool.
      expect([...laneStore.lanes.values()]).toEqual([
        { laneId: 'bigdatajobs/shardId-000000000000', version: 1, failed: { first: batch[0]?.sequenceNumber, last: batch[9]?.sequenceNumber } },
      ]);
    });

    it('defers the batch when some calls met an open breaker, instead of dead-lettering their records', async () => {
      // Prepare: two calls; the one with comp_1 answers after 30 ms, the other fails at once until
      // the breaker (2 consecutive failures) opens and its last attempt is refused by the breaker
      const slowlyAnswering: ChurnScorer = {
        maxBatchSize: 100,
        score: async (batch) => {
          if (!batch.some((company) => company.companyID === 'comp_1')) throw Object.assign(new Error('churn API 503'), { retriable: true });
          await new Promise((resolve) => setTimeout(resolve, 30));
          return batch.map(() => ({ churn: false, probability: 0.1 }));
        },
      };
      const { processor, objects, stateStore, metrics } = buildTestProcessor({
        companies,
        scorer: slowlyAnswering,
        scoring: { batchSize: 5, maxAttempts: 3, breakerConsecutiveFailures: 2, breakerHalfOpenAfterMs: 60_000 },
      });
      const record = kinesisRecordFactory('bigdatajobs');
      const batch = Array.from({ length: 10 }, (_, i) => record(jobEvent({ companyID: `comp_${i + 1}`, nbJobs: 1 })));

      // Act
      const outcome = processor.process('bigdatajobs', 'shardId-000000000000', batch);

      // Assess: deferred with no effect, though one call succeeded
      await expect(outcome).rejects.toThrow(/circuit breaker was open/);
      expect(metrics.counter('ScoringCalls')).toBeGreaterThanOrEqual(3);
      expect(objects.objects.size).toBe(0);
      expect(stateStore.items.size).toBe(0);
    });
  });

  describe('scoringUnavailable', () => {
    const ok: ScoringOutcome = { ok: true, verdict: { churn: false, probability: 0.2 } };
    const failed = (reason: GiveUpReason): ScoringOutcome => ({ ok: false, reason, message: reason, attempts: 1 });

    it('names an outage when every call failed transiently, or any call met an open breaker', () => {
      expect(scoringUnavailable([failed('exhausted'), failed('budget-exceeded')])).toMatch(/every scoring call/);
      expect(scoringUnavailable([ok, failed('breaker-open'), ok])).toMatch(/circuit breaker/);
    });

    it('rejects the idea of an outage when calls succeeded or failed for good', () => {
      expect(scoringUnavailable([])).toBeUndefined();
      expect(scoringUnavailable([ok, failed('exhausted')])).toBeUndefined();
      expect(scoringUnavailable([failed('not-retriable'), failed('exhausted')])).toBeUndefined();
    });
  });

  describe('company snapshots', () => {
    it('applies a newer snapshot and ignores an older one', async () => {
      const { processor, stateStore, metrics } = buildTestProcessor({ companies });
      const record = kinesisRecordFactory('companies');
      const snapshot = (asOf: string, job30: number) => record({ ...comp1, job30, asOf });

      await processor.process('companies', 'shardId-000000000000', [snapshot('2026-11-20T00:00:00Z', 11), snapshot('2026-11-10T00:00:00Z', 99)]);

      const state = (await stateStore.getMany(['comp_1'])).get('comp_1');
      expect(state?.profile?.job30).toBe(11);
      expect(state?.profileSource).toBe('snapshot');
      expect(metrics.counter('StaleSnapshots')).toBe(1);
    });

    it('uses the snapshot profile for later job events without a lookup', async () => {
      const directory = new InMemoryTenantDirectory(new Map(companies.map((c) => [c.companyID, c])));
      const { processor, objects } = buildTestProcessor({ companies, directory });
      await processor.process('companies', 'shardId-000000000000', [kinesisRecordFactory('companies')({ ...comp1, job30: 11, asOf: '2026-11-20T00:00:00Z' })]);

      await processor.process('bigdatajobs', 'shardId-000000000000', [kinesisRecordFactory('bigdatajobs')(jobEvent({ nbJobs: 1 }))]);

      expect(directory.calls).toBe(0);
      expect(s3Records(objects, 'bucket/churn/data/')[0]?.job30).toBe(12);
    });

    it('enriches a company unknown to the tenant manager once its snapshot arrived, on the same processor', async () => {
      // Prepare: the tenant manager never learns comp_1; its first event is dead-lettered unknown-company
      const { processor, objects } = buildTestProcessor({ companies, directory: new InMemoryTenantDirectory(new Map()) });
      const jobs = kinesisRecordFactory('bigdatajobs');
      await processor.process('bigdatajobs', 'shardId-000000000000', [jobs(jobEvent({ nbJobs: 1 }))]);
      expect(deadLetters(objects)[0]?.letter.reason).toBe('unknown-company');

      // Act: its snapshot reaches state through the companies lane, then the jobs lane gets its next event
      await processor.process('companies', 'shardId-000000000000', [kinesisRecordFactory('companies')({ ...comp1, job30: 11, asOf: '2026-11-20T00:00:00Z' })]);
      await processor.process('bigdatajobs', 'shardId-000000000000', [jobs(jobEvent({ nbJobs: 2 }))]);

      // Assess: the jobs lane did not keep the company's empty state from the first batch
      expect(s3Records(objects, 'bucket/churn/data/').map((record) => record.job30)).toEqual([13]);
    });

    it('dead-letters an invalid snapshot', async () => {
      const { processor, objects } = buildTestProcessor({ companies });

      await processor.process('companies', 'shardId-000000000000', [kinesisRecordFactory('companies')({ companyID: 'comp_1', industry: 'gov' })]);

      expect(deadLetters(objects)[0]?.letter).toMatchObject({ reason: 'missing-field', stage: 'validate' });
    });
  });
});
