/**
 * State compaction (issue "State layer v2", item 2): a jobs lane writes its companies' items at most
 * once per interval, with the batches in between listed as deferred. Every scenario compares with
 * a processor that writes every batch: same outputs, same counts, fewer state writes.
 */
import { gunzipSync } from 'node:zlib';
import { generateCompanies, type Company } from '@tenant-analytics/domain';
import { buildTestProcessor, jobEvent, kinesisRecordFactory } from '../testing/factories';
import { InMemoryCompanyStateStore, InMemoryLaneStore, InMemoryObjectSink, InMemoryStreamSink, ManualClock } from '../testing/in-memory-adapters';
import type { CompactionSettings } from './batch-processor';
import type { CompanyState } from './company-state';
import type { InputRecord } from './ports';

const companies = generateCompanies(42, 20);
const SHARD = 'shardId-000000000000';
const LANE = `bigdatajobs/${SHARD}`;
/** Compaction at once when due (a sweep over one batch); the spread sweep has scenarios of its own below. */
const COMPACTION: CompactionSettings = { intervalMs: 60_000, maxBatches: 10, sweepSpread: 0 };
/** The defaults' shape: a due compaction spread over a quarter of the batches it covers. */
const SWEEP: CompactionSettings = { intervalMs: 60_000, maxBatches: 10 };

/** A state store that counts its writes and can fail the n-th one (a crash in the middle of a compaction). */
class CountingStateStore extends InMemoryCompanyStateStore {
  puts = 0;
  failAt?: number;
  override async put(next: CompanyState): Promise<boolean> {
    this.puts += 1;
    if (this.puts === this.failAt) throw new Error('crash during the compaction');
    return super.put(next);
  }
}

function stores() {
  return { stateStore: new CountingStateStore(), laneStore: new InMemoryLaneStore(), objects: new InMemoryObjectSink(), stream: new InMemoryStreamSink() };
}
type Stores = ReturnType<typeof stores>;

/** Five batches of job events of three companies (with a producer duplicate across batches); with `more`, two more: one of comp_1, one of comp_2. */
function batches(options: { readonly more?: boolean } = {}): InputRecord[][] {
  const record = kinesisRecordFactory('bigdatajobs', SHARD);
  const event = (companyID: string, nbJobs: number, eventID: string) => record(jobEvent({ companyID, nbJobs, eventID }));
  return [
    [event('comp_1', 2, 'a'), event('comp_2', 3, 'b')],
    [event('comp_1', 4, 'c'), event('comp_3', 1, 'd')],
    [event('comp_1', 2, 'a'), event('comp_2', 5, 'e')],
    [event('comp_3', 7, 'f')],
    [event('comp_1', 1, 'g'), event('comp_2', 1, 'h'), event('comp_3', 1, 'i')],
    ...(options.more === true ? [[event('comp_1', 3, 'j')], [event('comp_2', 2, 'k')]] : []),
  ];
}

/** Enriched records from S3: `<companyID> <eventID>` → job30. */
function enrichedJob30(objects: InMemoryObjectSink): Map<string, number> {
  return new Map(
    [...objects.objects.entries()]
      .filter(([key]) => key.startsWith('bucket/churn/data/'))
      .flatMap(([, object]) => gunzipSync(object.body).toString('utf8').trim().split('\n'))
      .map((line) => JSON.parse(line) as { companyID: string; eventID: string; job30: number })
      .map((record) => [`${record.companyID} ${record.eventID}`, record.job30]),
  );
}

/** What a company item holds, without the write count (`version`). */
function content(stateStore: InMemoryCompanyStateStore): Map<string, Omit<CompanyState, 'version'>> {
  return new Map([...stateStore.items.entries()].map(([id, { version: _version, ...rest }]) => [id, rest]));
}

/** The reference: the same batches through a processor that writes every batch, the last one a minute later (as the scenarios do). */
async function referenceRun(input: readonly InputRecord[][], options: { lastLater?: boolean } = { lastLater: true }) {
  const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));
  const reference = buildTestProcessor({ companies, clock });
  for (const [index, batch] of input.entries()) {
    if (options.lastLater === true && index === input.length - 1) clock.advance(60_000);
    await reference.processor.process('bigdatajobs', SHARD, batch);
  }
  return reference;
}

function processorOn(shared: Stores, clock: ManualClock, compaction: CompactionSettings = COMPACTION) {
  return buildTestProcessor({ companies, shared, clock, settings: { compaction } });
}

describe('BatchProcessor with state compaction', () => {
  it('defers company writes within the interval and writes each company once when it compacts; outputs and counts are those of writing every batch', async () => {
    // Prepare
    const input = batches();
    const reference = await referenceRun(input);
    const shared = stores();
    const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));
    const { processor, metrics } = processorOn(shared, clock);

    // Act
    for (const batch of input.slice(0, 4)) await processor.process('bigdatajobs', SHARD, batch);
    const writesWhileDeferred = shared.stateStore.puts;
    const deferred = shared.laneStore.lanes.get(LANE)?.deferred?.refs.length;
    clock.advance(60_000);
    await processor.process('bigdatajobs', SHARD, input[4] ?? []);

    // Assess
    expect(writesWhileDeferred).toBe(0);
    expect(deferred).toBe(4);
    expect(shared.stateStore.puts).toBe(3);
    expect(shared.laneStore.lanes.get(LANE)?.deferred).toBeUndefined();
    expect(content(shared.stateStore)).toEqual(content(reference.stateStore));
    expect(enrichedJob30(shared.objects)).toEqual(enrichedJob30(reference.objects));
    expect(metrics.counter('StateCompactions')).toBe(1);
    expect(metrics.counter('StateCompactedCompanies')).toBe(3);
  });

  it('compacts when the lane lists its most deferred batches, whatever the time', async () => {
    // Prepare
    const input = batches();
    const shared = stores();
    const { processor } = processorOn(shared, new ManualClock(new Date('2026-11-25T10:00:05Z')), { intervalMs: 3_600_000, maxBatches: 2 });

    // Act
    for (const batch of input) await processor.process('bigdatajobs', SHARD, batch);

    // Assess: batch 1 deferred, 2 compacts 1–2 (the list is full), 3 deferred, 4 compacts 3–4, 5 deferred
    expect(shared.laneStore.lanes.get(LANE)?.deferred?.refs).toHaveLength(1);
    expect(shared.stateStore.items.get('comp_2')?.buckets).toEqual({ [String(20_782)]: 8 });
  });

  it('lets a fresh processor (a cold Lambda container) continue a lane with deferred batches: their commits count, once', async () => {
    // Prepare
    const input = batches();
    const reference = await referenceRun(input);
    const shared = stores();
    const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));

    // Act: every batch by a new processor, the last one after the interval
    for (const [index, batch] of input.entries()) {
      if (index === input.length - 1) clock.advance(60_000);
      await processorOn(shared, clock).processor.process('bigdatajobs', SHARD, batch);
    }

    // Assess
    expect(content(shared.stateStore)).toEqual(content(reference.stateStore));
    expect(enrichedJob30(shared.objects)).toEqual(enrichedJob30(reference.objects));
    expect(shared.stateStore.puts).toBe(3);
  });

  it('finishes a compaction that crashed between two company writes without counting any job twice', async () => {
    // Prepare
    const input = batches();
    const reference = await referenceRun(input);
    const shared = stores();
    const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));
    for (const batch of input.slice(0, 4)) await processorOn(shared, clock).processor.process('bigdatajobs', SHARD, batch);
    clock.advance(60_000);
    shared.stateStore.failAt = 2;

    // Act
    const crashed = await processorOn(shared, clock).processor.process('bigdatajobs', SHARD, input[4] ?? []).catch((error: unknown) => error);
    await processorOn(shared, clock).processor.process('bigdatajobs', SHARD, input[4] ?? []);

    // Assess
    expect(crashed).toEqual(new Error('crash during the compaction'));
    expect(content(shared.stateStore)).toEqual(content(reference.stateStore));
    expect(enrichedJob30(shared.objects)).toEqual(enrichedJob30(reference.objects));
  });

  it('compacts a quiet lane when due (compactIfDue) and every lane at a stop (compactAll)', async () => {
    // Prepare
    const input = batches();
    const reference = await referenceRun(input.slice(0, 2), {});
    const shared = stores();
    const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));
    const { processor } = processorOn(shared, clock);
    await processor.process('bigdatajobs', SHARD, input[0] ?? []);
    await processor.process('bigdatajobs', SHARD, input[1] ?? []);

    // Act
    const early = await processor.compactIfDue('bigdatajobs', SHARD);
    clock.advance(60_000);
    const due = await processor.compactIfDue('bigdatajobs', SHARD);
    const again = await processor.compactAll();

    // Assess
    expect([early, due, again]).toEqual([false, true, 0]);
    expect(shared.laneStore.lanes.get(LANE)?.deferred).toBeUndefined();
    expect(content(shared.stateStore)).toEqual(content(reference.stateStore));
  });

  it('leaves a due lane that is not idle (its newest batch recent) to its sweep instead of compacting it at once', async () => {
    // Prepare: batch 1, then batch 2 a minute later begins a sweep (due) of two shares
    const input = batches();
    const shared = stores();
    const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));
    const { processor } = processorOn(shared, clock, { intervalMs: 60_000, maxBatches: 10, sweepSpread: 1 });
    await processor.process('bigdatajobs', SHARD, input[0] ?? []);
    clock.advance(60_000);
    await processor.process('bigdatajobs', SHARD, input[1] ?? []);
    const sweep = shared.laneStore.lanes.get(LANE)?.deferred?.sweep;

    // Act: an empty read 5 s later, then one a minute later
    clock.advance(5_000);
    const busy = await processor.compactIfDue('bigdatajobs', SHARD);
    clock.advance(60_000);
    const idle = await processor.compactIfDue('bigdatajobs', SHARD);

    // Assess
    expect(sweep).toEqual({ covers: 2, shares: 2, done: 1 });
    expect([busy, idle]).toEqual([false, true]);
    expect(shared.laneStore.lanes.get(LANE)?.deferred).toBeUndefined();
  });

  it('compacts a lane it never saw when forced (an operator or the benchmark closing an interval)', async () => {
    // Prepare
    const input = batches();
    const reference = await referenceRun(input.slice(0, 3), {});
    const shared = stores();
    const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));
    for (const batch of input.slice(0, 3)) await processorOn(shared, clock).processor.process('bigdatajobs', SHARD, batch);
    const stranger = processorOn(shared, clock).processor;

    // Act
    const unforced = await stranger.compactIfDue('bigdatajobs', SHARD);
    const forced = await stranger.compactIfDue('bigdatajobs', SHARD, { force: true });

    // Assess
    expect([unforced, forced]).toEqual([false, true]);
    expect(content(shared.stateStore)).toEqual(content(reference.stateStore));
    expect(shared.laneStore.lanes.get(LANE)?.deferred).toBeUndefined();
  });

  it('runs its own calls on one lane one after the other (a batch and a compaction started together both succeed)', async () => {
    // Prepare
    const input = batches();
    const reference = await referenceRun(input.slice(0, 3), {});
    const shared = stores();
    const { processor } = processorOn(shared, new ManualClock(new Date('2026-11-25T10:00:05Z')));
    await processor.process('bigdatajobs', SHARD, input[0] ?? []);

    // Act: not awaited one by one, as a runner's idle compaction could meet a caller's batch
    const results = await Promise.allSettled([
      processor.process('bigdatajobs', SHARD, input[1] ?? []),
      processor.compactIfDue('bigdatajobs', SHARD, { force: true }),
      processor.process('bigdatajobs', SHARD, input[2] ?? []),
      processor.compactIfDue('bigdatajobs', SHARD, { force: true }),
    ]);

    // Assess
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(content(shared.stateStore)).toEqual(content(reference.stateStore));
    expect(shared.laneStore.lanes.get(LANE)?.deferred).toBeUndefined();
  });

  it('re-applies its deferred commits onto a snapshot another lane wrote meanwhile (version conflict at compaction)', async () => {
    // Prepare
    const shared = stores();
    const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));
    const jobs = processorOn(shared, clock);
    const snapshots = buildTestProcessor({ companies, shared, clock });
    const record = kinesisRecordFactory('bigdatajobs', SHARD);
    const comp1 = companies[1] as Company;

    // Act
    await jobs.processor.process('bigdatajobs', SHARD, [record(jobEvent({ companyID: 'comp_1', nbJobs: 3, eventID: 'a' }))]);
    await snapshots.processor.process('companies', SHARD, [kinesisRecordFactory('companies', SHARD)({ ...comp1, job30: 11, asOf: '2026-11-20T00:00:00Z' })]);
    clock.advance(60_000);
    await jobs.processor.process('bigdatajobs', SHARD, [record(jobEvent({ companyID: 'comp_1', nbJobs: 4, eventID: 'b' }))]);

    // Assess
    const item = shared.stateStore.items.get('comp_1');
    expect(item).toMatchObject({ profileSource: 'snapshot', profile: { job30: 11 }, buckets: { [String(20_782)]: 7 } });
    expect(jobs.metrics.counter('StateCommitConflicts')).toBe(1);
  });
  describe('spread over batches (a sweep)', () => {
    /** Runs batches with the processor `processorFor(index)` gives, a minute passing before batch 5; then a stop's compaction. */
    async function run(input: readonly InputRecord[][], shared: Stores, processorFor: (index: number, clock: ManualClock) => ReturnType<typeof processorOn>) {
      const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));
      const observed: { puts: number; listed: number | undefined }[] = [];
      let last: ReturnType<typeof processorOn> | undefined;
      for (const [index, batch] of input.entries()) {
        if (index === 4) clock.advance(60_000);
        last = processorFor(index, clock);
        await last.processor.process('bigdatajobs', SHARD, batch);
        observed.push({ puts: shared.stateStore.puts, listed: shared.laneStore.lanes.get(LANE)?.deferred?.refs.length });
      }
      await last?.processor.compactAll();
      return observed;
    }

    /** The same batches through a processor that writes every batch, run the same way: what a sweep must end with. */
    async function referenceOf(input: readonly InputRecord[][]): Promise<Stores> {
      const reference = stores();
      await run(input, reference, (_index, clock) => buildTestProcessor({ companies, shared: reference, clock }));
      return reference;
    }

    it('writes a due compaction\'s companies a share per batch, then drops the batches it covered from the list; counts and outputs as writing every batch', async () => {
      // Prepare
      const input = batches({ more: true });
      const reference = await referenceOf(input);
      const shared = stores();
      let processor: ReturnType<typeof processorOn> | undefined;

      // Act: one warm processor
      const observed = await run(input, shared, (_index, clock) => (processor ??= processorOn(shared, clock, SWEEP)));

      // Assess: batch 5 is due (five listed): three companies over ceil(5/4) = 2 batches, two then one
      expect(observed.slice(3)).toEqual([
        { puts: 0, listed: 4 },
        { puts: 2, listed: 5 },
        { puts: 3, listed: 1 },
        { puts: 3, listed: 2 },
      ]);
      expect(shared.laneStore.lanes.get(LANE)?.deferred).toBeUndefined();
      expect(content(shared.stateStore)).toEqual(content(reference.stateStore));
      expect(enrichedJob30(shared.objects)).toEqual(enrichedJob30(reference.objects));
      expect(processor?.metrics.counter('StateCompactions')).toBe(2);
    });

    it('writes about 100 companies per share when many are behind (a lane that caught up on a backlog in a few large batches)', async () => {
      // Prepare: 300 companies, 150 events each in two batches a minute apart
      const many = generateCompanies(7, 300);
      const record = kinesisRecordFactory('bigdatajobs', SHARD);
      const input = [many.slice(0, 150), many.slice(150)].map((part) => part.map((company) => record(jobEvent({ companyID: company.companyID, nbJobs: 1, eventID: `e-${company.companyID}` }))));
      const shared = stores();
      const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));
      const { processor } = buildTestProcessor({ companies: many, shared, clock, settings: { compaction: SWEEP } });
      const writes: number[] = [];

      // Act: the second batch is due and begins a sweep; three batches without records follow
      await processor.process('bigdatajobs', SHARD, input[0] ?? []);
      clock.advance(60_000);
      for (const batch of [input[1] ?? [], [record(jobEvent({ companyID: 'comp_1', nbJobs: 1, eventID: 'x' }))], [record(jobEvent({ companyID: 'comp_1', nbJobs: 1, eventID: 'y' }))]]) {
        const before = shared.stateStore.puts;
        await processor.process('bigdatajobs', SHARD, batch);
        writes.push(shared.stateStore.puts - before);
      }

      // Assess: three shares of about a hundred (by hash); the two batches covered leave the list, the two after stay
      expect(writes.reduce((sum, count) => sum + count, 0)).toBe(300);
      for (const count of writes) expect(count).toBeGreaterThan(60);
      expect(shared.laneStore.lanes.get(LANE)?.deferred?.refs).toHaveLength(2);
    });

    it('lets a cold processor go on with a sweep under way (the lane item keeps its progress): it writes the next share, and no job counts twice', async () => {
      // Prepare
      const input = batches({ more: true });
      const reference = await referenceOf(input);
      const shared = stores();
      let warm: ReturnType<typeof processorOn> | undefined;

      // Act: batches 1–5 by one processor (its sweep begins at 5), 6 and 7 each by a new one
      const observed = await run(input, shared, (index, clock) => (index < 5 ? (warm ??= processorOn(shared, clock, SWEEP)) : processorOn(shared, clock, SWEEP)));

      // Assess: the sweep begun by batch 5 (two shares) ends with batch 6's share: five batches leave the list
      expect(observed.slice(4)).toEqual([
        { puts: 2, listed: 5 },
        { puts: 3, listed: 1 },
        { puts: 3, listed: 2 },
      ]);
      expect(content(shared.stateStore)).toEqual(content(reference.stateStore));
      expect(enrichedJob30(shared.objects)).toEqual(enrichedJob30(reference.objects));
    });

    it('needs no body after its batch left the list (a store that forgets them, as the benchmark uses, gives the same result)', async () => {
      // Prepare
      const input = batches({ more: true });
      const reference = await referenceOf(input);
      const shared = { ...stores(), laneStore: new InMemoryLaneStore({ keepCompactedBodies: false }) };
      const held: number[] = [];

      // Act: cold processors from batch 6 on, as above, noting the bodies the store holds
      await run(input, shared, (index, clock) => {
        held.push(shared.laneStore.heldBodies);
        return processorOn(shared, clock, SWEEP);
      });

      // Assess: before batches 6 and 7 the store held the five, then the one listed; none after the stop
      expect(held.slice(5)).toEqual([5, 1]);
      expect(shared.laneStore.heldBodies).toBe(0);
      expect(content(shared.stateStore)).toEqual(content(reference.stateStore));
      expect(enrichedJob30(shared.objects)).toEqual(enrichedJob30(reference.objects));
    });
  });
});
