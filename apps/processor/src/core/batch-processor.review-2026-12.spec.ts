/**
 * Regression tests for the defects of the December 2026 review (shared/audits/processor-2026-12),
 * ported as scenarios: each names the defect, the scenario, and the outcome one clean run gives.
 */
import { gunzipSync } from 'node:zlib';
import { generateCompanies, type Company } from '@tenant-analytics/domain';
import { ChurnApiScorer } from '../adapters/churn-api-scorer';
import { buildTestProcessor, jobEvent, kinesisRecordFactory } from '../testing/factories';
import {
  InMemoryCompanyStateStore,
  InMemoryLaneStore,
  InMemoryObjectSink,
  InMemoryStreamSink,
  ManualClock,
  RuleChurnScorer,
} from '../testing/in-memory-adapters';
import { LaneConflictError, ScoringUnavailableError } from './errors';
import type { ChurnScorer, TenantDirectory, TenantLookup } from './ports';

const companies = generateCompanies(42, 20);
const comp1 = companies[1] as Company;
const SHARD = 'shardId-000000000000';
const LANE = `bigdatajobs/${SHARD}`;

function sharedStores() {
  return { stateStore: new InMemoryCompanyStateStore(), laneStore: new InMemoryLaneStore(), objects: new InMemoryObjectSink(), stream: new InMemoryStreamSink() };
}
type Stores = ReturnType<typeof sharedStores>;

/** A scorer whose first call waits until released: an old invocation stuck past its timeout. */
function gatedScorer() {
  let release!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
  const inner = new RuleChurnScorer();
  const scorer: ChurnScorer = {
    maxBatchSize: 1000,
    score: async (batch) => {
      entered();
      await gate;
      return inner.score(batch);
    },
  };
  return { scorer, release, entered: enteredPromise };
}

function enrichedEventIds(objects: InMemoryObjectSink): string[] {
  return [...objects.objects.entries()]
    .filter(([key]) => key.startsWith('bucket/churn/data/'))
    .flatMap(([, object]) =>
      gunzipSync(object.body)
        .toString('utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { eventID: string }).eventID),
    )
    .sort();
}

const countedJobs = async (stores: Stores, companyID = 'comp_1') =>
  Object.values((await stores.stateStore.getMany([companyID])).get(companyID)?.buckets ?? {}).reduce((sum, count) => sum + count, 0);

describe('BatchProcessor, review of December 2026', () => {
  describe('defect 1: two overlapping invocations of one lane', () => {
    it('stops the stale invocation with a LaneConflictError when an overlapping retry completed part of its batch; the retry of the rest leaves one clean run', async () => {
      // Prepare: nbJobs 1, 2, 4, 8 identify which events were counted
      const record = kinesisRecordFactory('bigdatajobs');
      const records = [1, 2, 4, 8].map((nbJobs, index) => record(jobEvent({ nbJobs, eventID: `ev-${index}` })));
      const stores = sharedStores();
      const { scorer, release, entered } = gatedScorer();
      const stale = buildTestProcessor({ companies, shared: stores, scorer });
      const retry = buildTestProcessor({ companies, shared: stores });

      // Act: the stale invocation read lane and state, then hangs in scoring; the mapping's retry
      // (bisected) completes the first half; the stale one wakes up; the mapping goes on.
      const staleRun = stale.processor.process('bigdatajobs', SHARD, records);
      await entered;
      await retry.processor.process('bigdatajobs', SHARD, records.slice(0, 2));
      release();
      const staleOutcome = await staleRun.catch((error: unknown) => error);
      await retry.processor.process('bigdatajobs', SHARD, records);

      // Assess
      expect(staleOutcome).toBeInstanceOf(LaneConflictError);
      expect(await countedJobs(stores)).toBe(15);
      expect(enrichedEventIds(stores.objects)).toEqual(['ev-0', 'ev-1', 'ev-2', 'ev-3']);
      expect(stores.laneStore.lanes.get(LANE)?.checkpoint).toBe(records[3]?.sequenceNumber);
    });

    it('never moves the checkpoint back: a stale invocation with a shorter batch loses, and events without eventID are counted once', async () => {
      // Prepare: CSV events (no producer eventID: the identity is the sequence number)
      const record = kinesisRecordFactory('bigdatajobs');
      const records = [1, 2, 4, 8, 16, 32].map((nbJobs) => record(`comp_1,user_1,${nbJobs},2026-11-25T09:00:00Z`));
      const stores = sharedStores();
      const { scorer, release, entered } = gatedScorer();
      const stale = buildTestProcessor({ companies, shared: stores, scorer });
      const other = buildTestProcessor({ companies, shared: stores });

      // Act
      const staleRun = stale.processor.process('bigdatajobs', SHARD, records.slice(0, 2));
      await entered;
      await other.processor.process('bigdatajobs', SHARD, records.slice(0, 4));
      release();
      const staleOutcome = await staleRun.catch((error: unknown) => error);
      const checkpointAfterStale = stores.laneStore.lanes.get(LANE)?.checkpoint;
      await other.processor.process('bigdatajobs', SHARD, records.slice(2));

      // Assess
      expect(staleOutcome).toBeInstanceOf(LaneConflictError);
      expect(checkpointAfterStale).toBe(records[3]?.sequenceNumber);
      expect(await countedJobs(stores)).toBe(63);
    });

    it('lets two processors finish the same durable pending batch at once: one completes it, the other loses, effects once', async () => {
      // Prepare: a crash right after the pending batch became durable
      const record = kinesisRecordFactory('bigdatajobs');
      const records = [1, 2, 4].map((nbJobs, index) => record(jobEvent({ nbJobs, eventID: `ev-${index}` })));
      const stores = sharedStores();
      const crashing = buildTestProcessor({
        companies,
        shared: stores,
        afterStep: (step) => {
          if (step === 'pending-written') throw new Error('crash');
        },
      });
      await expect(crashing.processor.process('bigdatajobs', SHARD, records)).rejects.toThrow('crash');
      const first = buildTestProcessor({ companies, shared: stores });
      const second = buildTestProcessor({ companies, shared: stores });

      // Act
      const outcomes = await Promise.allSettled([first.processor.process('bigdatajobs', SHARD, records), second.processor.process('bigdatajobs', SHARD, records)]);

      // Assess
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(LaneConflictError);
      expect(await countedJobs(stores)).toBe(7);
      expect(enrichedEventIds(stores.objects)).toEqual(['ev-0', 'ev-1', 'ev-2']);
      expect(stores.laneStore.lanes.get(LANE)?.checkpoint).toBe(records[2]?.sequenceNumber);
      expect(stores.laneStore.lanes.get(LANE)?.pending).toBeUndefined();
    });
  });

  describe('defect 3: a cached tenant profile', () => {
    it('keeps the time the tenant manager answered, so a snapshot published after that time still replaces it', async () => {
      // Prepare
      const stores = sharedStores();
      const clock = new ManualClock(new Date('2026-11-25T10:00:00Z'));
      let current: Company = { ...comp1, job30: 10, employees: 100 };
      const directory: TenantDirectory = { lookup: async (id): Promise<TenantLookup> => (id === 'comp_1' ? { found: true, company: current } : { found: false }) };
      let down = true;
      const inner = new RuleChurnScorer();
      const scorer: ChurnScorer = {
        maxBatchSize: 100,
        score: async (batch) => {
          if (down) throw Object.assign(new Error('503'), { retriable: true });
          return inner.score(batch);
        },
      };
      const { processor } = buildTestProcessor({ companies, shared: stores, clock, directory, scorer });
      const job = kinesisRecordFactory('bigdatajobs', SHARD, new Date('2026-11-25T10:00:00Z'))(jobEvent({ eventID: 'j1', creationDate: '2026-11-25T09:59:00.000Z' }));

      // Act: looked up (and cached) at 10:00, batch deferred; the profile changes at 10:00:30 and a
      // snapshot says so; the job batch is retried at 10:00:50 from the cache; then the snapshot lands
      await expect(processor.process('bigdatajobs', SHARD, [job])).rejects.toBeInstanceOf(ScoringUnavailableError);
      current = { ...comp1, job30: 500, employees: 9999 };
      const snapshot = kinesisRecordFactory('companies', SHARD, new Date('2026-11-25T10:00:30Z'))({ ...current, asOf: '2026-11-25T10:00:30Z' });
      clock.advance(50_000);
      down = false;
      await processor.process('bigdatajobs', SHARD, [job]);
      clock.advance(60_000);
      await processor.process('companies', SHARD, [snapshot]);

      // Assess
      const state = (await stores.stateStore.getMany(['comp_1'])).get('comp_1');
      expect(state).toMatchObject({ profile: { employees: 9999 }, asOf: '2026-11-25T10:00:30.000Z', profileSource: 'snapshot' });
    });
  });

  describe('defect 5: a churn API that breaks its contract', () => {
    const endpoint = 'https://abc.execute-api.us-west-2.amazonaws.com/prod/assessChurn';
    function scorerAnswering(body: (instances: number) => unknown): ChurnApiScorer {
      const fetchFn = async (_url: string | URL, init?: RequestInit) => {
        const parsed = JSON.parse(String(init?.body)) as { instances?: unknown[] };
        return new Response(JSON.stringify(body(parsed.instances?.length ?? 1)), { status: 200, headers: { 'content-type': 'application/json' } });
      };
      return new ChurnApiScorer({ mode: 'apigateway', endpoint, maxBatchSize: 25 }, fetchFn);
    }

    it.each([
      ['fewer predictions than instances', (n: number) => ({ predictions: Array.from({ length: n - 1 }, () => ({ churn: false, probability: 0.1 })) })],
      ['a probability sent as a string', (n: number) => ({ predictions: Array.from({ length: n }, () => ({ churn: true, probability: '0.7' })) })],
    ])('defers the batch (%s) like an outage instead of dead-lettering every record', async (_case, body) => {
      // Prepare
      const { processor, objects, stateStore } = buildTestProcessor({ companies, scorer: scorerAnswering(body) });
      const record = kinesisRecordFactory('bigdatajobs');
      const batch = Array.from({ length: 6 }, (_, index) => record(jobEvent({ companyID: `comp_${index + 1}`, eventID: `e${index}`, nbJobs: index + 1 })));

      // Act
      const failure = await processor.process('bigdatajobs', SHARD, batch).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(ScoringUnavailableError);
      expect(objects.objects.size).toBe(0);
      expect(stateStore.items.size).toBe(0);
    });
  });

  describe('defect 6: a snapshot dated in the future', () => {
    it('is dead-lettered out-of-range, and a correct later snapshot is applied', async () => {
      // Prepare
      const { processor, stateStore, objects } = buildTestProcessor({ companies });
      const record = kinesisRecordFactory('companies');

      // Act
      await processor.process('companies', SHARD, [record({ ...comp1, job30: 1, asOf: '2062-11-25T10:00:00Z' })]);
      await processor.process('companies', SHARD, [record({ ...comp1, job30: 42, asOf: '2026-11-25T10:00:00Z' })]);

      // Assess
      expect((await stateStore.getMany(['comp_1'])).get('comp_1')).toMatchObject({ profile: { job30: 42 }, asOf: '2026-11-25T10:00:00.000Z' });
      const letters = [...objects.objects.entries()].filter(([key]) => key.startsWith('bucket/dead-letters/'));
      expect(letters.map(([, object]) => (JSON.parse(Buffer.from(object.body).toString('utf8')) as { reason: string }).reason)).toEqual(['out-of-range']);
    });
  });

  describe('defect 8: recovery after a stream was recreated (lane items deleted, sequence numbers start over)', () => {
    it('counts the new stream events although old watermarks are higher, and still skips a re-sent eventID within the window', async () => {
      // Prepare: the old stream's events were applied with high sequence numbers
      const stores = sharedStores();
      const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));
      const { processor } = buildTestProcessor({ companies, shared: stores, clock });
      await processor.process('bigdatajobs', SHARD, [kinesisRecordFactory('bigdatajobs')(jobEvent({ eventID: 'old-1', nbJobs: 1 }))]);
      stores.laneStore.lanes.clear(); // what the StaleCheckpointError tells an operator to do
      clock.advance(10 * 60_000);
      const recreated = (payload: object, sequenceNumber: string) => kinesisRecordFactory('bigdatajobs')(payload, { sequenceNumber });

      // Act: the recreated stream starts at sequence number 1 (moto does)
      const result = await buildTestProcessor({ companies, shared: stores, clock }).processor.process('bigdatajobs', SHARD, [
        recreated(jobEvent({ eventID: 'new-1', nbJobs: 2 }), '1'),
        recreated(jobEvent({ eventID: 'old-1', nbJobs: 1 }), '2'),
        recreated(jobEvent({ eventID: 'new-2', nbJobs: 4 }), '3'),
      ]);

      // Assess
      expect(result.enriched).toBe(2);
      expect(await countedJobs(stores)).toBe(7);
      const watermarks = Object.keys(stores.stateStore.items.get('comp_1')?.watermarks ?? {});
      expect(watermarks).toHaveLength(1);
    });
  });
});
