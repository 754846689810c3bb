/**
 * The proof of the lane protocol under overlap (issue "State layer v2", item 1): two processors on
 * one lane, with every store call interleaved at random (fast-check's scheduler), crashes after
 * random effect steps, and redeliveries that start before the checkpoint (a stale or retried
 * invocation) with any length, must leave state and S3 exactly as an independent model of the
 * semantics says one clean run would, and the checkpoint must never move back.
 */
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { generateCompanies, type Company } from '@tenant-analytics/domain';
import { buildTestProcessor, jobEvent, kinesisRecordFactory } from '../testing/factories';
import { InMemoryCompanyStateStore, InMemoryLaneStore, InMemoryObjectSink, InMemoryStreamSink } from '../testing/in-memory-adapters';
import { EFFECT_STEPS, type EffectStep } from './batch-processor';
import type { CompanyState } from './company-state';
import type { PendingBatch } from './pending-batch';
import type { CompleteOptions, DeferredBatches, InputRecord } from './ports';

const companies = generateCompanies(42, 20);
const SHARD = 'shardId-000000000000';
const LANE = `bigdatajobs/${SHARD}`;
const COMPANY_IDS = ['comp_1', 'comp_2', 'comp_3'] as const;

/** Every store call waits for the scheduler: the interleaving of two processors is fast-check's choice. */
type Gate = (label: string) => Promise<void>;

class ScheduledLaneStore extends InMemoryLaneStore {
  /** Every checkpoint the lane ever had, in order. */
  readonly checkpoints: string[] = [];
  /** Completions that dropped the head of the deferred list (a sweep that spanned batches ended). */
  sweepsEnded = 0;
  constructor(private readonly gate: Gate) {
    super();
  }
  override async get(laneId: string) {
    await this.gate('lane.get');
    return super.get(laneId);
  }
  override async putPending(laneId: string, pending: PendingBatch, expectedVersion: number) {
    await this.gate('lane.putPending');
    return super.putPending(laneId, pending, expectedVersion);
  }
  override async complete(laneId: string, pendingId: string, checkpoint: string, expectedVersion: number, options?: CompleteOptions) {
    await this.gate('lane.complete');
    const version = await super.complete(laneId, pendingId, checkpoint, expectedVersion, options);
    this.checkpoints.push(checkpoint);
    if ((options?.compacted?.count ?? 0) > 0) this.sweepsEnded += 1;
    return version;
  }
  override async compacted(laneId: string, expectedVersion: number) {
    await this.gate('lane.compacted');
    return super.compacted(laneId, expectedVersion);
  }
  override async loadDeferred(laneId: string, deferred: DeferredBatches) {
    await this.gate('lane.loadDeferred');
    return super.loadDeferred(laneId, deferred);
  }
}

class ScheduledStateStore extends InMemoryCompanyStateStore {
  constructor(private readonly gate: Gate) {
    super();
  }
  override async getMany(companyIDs: readonly string[]) {
    await this.gate('state.getMany');
    return super.getMany(companyIDs);
  }
  override async put(next: CompanyState) {
    await this.gate('state.put');
    return super.put(next);
  }
}

class ScheduledObjectSink extends InMemoryObjectSink {
  constructor(private readonly gate: Gate) {
    super();
  }
  override async put(bucket: string, key: string, body: Uint8Array, contentType: string, contentEncoding?: string) {
    await this.gate('s3.put');
    return super.put(bucket, key, body, contentType, contentEncoding);
  }
}

/** One job record of the generated stream. */
interface JobSpec {
  readonly companyIndex: number;
  readonly nbJobs: number;
  /** Producer eventID (small range, so producer duplicates happen); undefined = CSV, no eventID. */
  readonly eventID?: string;
  readonly malformed: boolean;
}

/** The independent model: what one clean run of the records gives, straight from the rules. */
function model(specs: readonly JobSpec[], records: readonly InputRecord[]) {
  const seen = new Map<string, Set<string>>();
  const counted = new Map<string, number>();
  /** `<companyID> <eventID>` → job30 of its enriched record. */
  const enriched = new Map<string, number>();
  let deadLetters = 0;
  specs.forEach((spec, index) => {
    if (spec.malformed) {
      deadLetters += 1;
      return;
    }
    const companyID = COMPANY_IDS[spec.companyIndex] as string;
    const ids = seen.get(companyID) ?? new Set<string>();
    seen.set(companyID, ids);
    if (spec.eventID !== undefined) {
      if (ids.has(spec.eventID)) return; // a producer duplicate: no output, no count
      ids.add(spec.eventID);
    }
    const total = (counted.get(companyID) ?? 0) + spec.nbJobs;
    counted.set(companyID, total);
    const profile = companies.find((company) => company.companyID === companyID) as Company;
    // One day for every event, the profile looked up that day: job30 = profile.job30 + jobs so far.
    enriched.set(`${companyID} ${spec.eventID ?? `bigdatajobs/${SHARD}/${records[index]?.sequenceNumber}`}`, profile.job30 + total);
  });
  return { counted, enriched, deadLetters };
}

const jobSpec = fc.record({
  companyIndex: fc.integer({ min: 0, max: COMPANY_IDS.length - 1 }),
  nbJobs: fc.integer({ min: 1, max: 50 }),
  eventID: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), { nil: undefined }),
  malformed: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

/** One invocation of a round: where its batch starts relative to the checkpoint, its length, its crash. */
const invocation = fc.record({
  startsBefore: fc.integer({ min: 0, max: 3 }),
  length: fc.integer({ min: 1, max: 6 }),
  crashAfter: fc.option(fc.constantFrom<EffectStep>(...EFFECT_STEPS), { nil: undefined }),
});

function recordsOf(specs: readonly JobSpec[]): InputRecord[] {
  const record = kinesisRecordFactory('bigdatajobs', SHARD);
  return specs.map((spec) => {
    if (spec.malformed) return record('{"companyID": ');
    const companyID = COMPANY_IDS[spec.companyIndex] as string;
    if (spec.eventID === undefined) return record(`${companyID},user_1,${spec.nbJobs},2026-11-25T09:00:00Z`);
    return record(jobEvent({ companyID, nbJobs: spec.nbJobs, eventID: spec.eventID }));
  });
}

describe.each([
  { layout: 'writing company items every batch', compaction: undefined },
  // Compaction by count (every third batch at most), so that rounds mix deferred batches, cold
  // caches after lost races, and compactions interrupted by crashes.
  { layout: 'with state compaction', compaction: { intervalMs: 3_600_000, maxBatches: 2 } },
  // Sweeps that span batches: due at two listed batches, written over two, so that lost races,
  // crashes and cold caches fall between a sweep's shares and before its batches leave the list.
  { layout: 'with compaction sweeps over two batches', compaction: { intervalMs: 3_600_000, maxBatches: 3, sweepSpread: 1 } },
])('BatchProcessor with two processors on one lane, $layout (property)', ({ layout, compaction }) => {
  jest.setTimeout(180_000);
  it('leaves state and S3 as one clean run, whatever the interleaving, crashes and redeliveries; the checkpoint never moves back', async () => {
    let sweepsEnded = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(jobSpec, { minLength: 1, maxLength: 14 }),
        fc.array(fc.tuple(invocation, invocation), { minLength: 1, maxLength: 6 }),
        async (scheduler, specs, rounds) => {
          // Prepare
          const gate: Gate = (label) => scheduler.schedule(Promise.resolve(), label).then(() => undefined);
          const laneStore = new ScheduledLaneStore(gate);
          const shared = { stateStore: new ScheduledStateStore(gate), laneStore, objects: new ScheduledObjectSink(gate), stream: new InMemoryStreamSink() };
          const crashes: (EffectStep | undefined)[] = [undefined, undefined];
          const processorFor = (index: number) =>
            buildTestProcessor({
              companies,
              shared,
              ...(compaction === undefined ? {} : { settings: { compaction } }),
              afterStep: (step) => {
                if (crashes[index] === step) throw new Error(`crash after ${step}`);
              },
            }).processor;
          const [first, second] = [processorFor(0), processorFor(1)];
          const records = recordsOf(specs);
          const indexOf = (sequenceNumber: string | undefined) => (sequenceNumber === undefined ? -1 : records.findIndex((record) => record.sequenceNumber === sequenceNumber));

          // Act: rounds of two overlapping invocations, then one clean invocation of everything
          for (const round of rounds) {
            const next = indexOf(laneStore.lanes.get(LANE)?.checkpoint) + 1;
            const runs = round.map((call, index) => {
              crashes[index] = call.crashAfter;
              const start = Math.max(0, next - call.startsBefore);
              return (index === 0 ? first : second).process('bigdatajobs', SHARD, records.slice(start, start + call.length));
            });
            await scheduler.waitFor(Promise.allSettled(runs));
          }
          crashes.fill(undefined);
          await scheduler.waitFor(first.process('bigdatajobs', SHARD, records));
          // A stop: what the lane deferred reaches the company items.
          await scheduler.waitFor(first.compactAll());

          // Assess
          const expected = model(specs, records);
          for (const companyID of COMPANY_IDS) {
            // Straight from the store's items: its methods wait for the scheduler.
            const buckets = Object.values(shared.stateStore.items.get(companyID)?.buckets ?? {}).reduce((sum, count) => sum + count, 0);
            expect(buckets).toBe(expected.counted.get(companyID) ?? 0);
          }
          const objects = [...shared.objects.objects.entries()];
          const enriched = objects
            .filter(([key]) => key.startsWith('bucket/churn/data/'))
            .flatMap(([, object]) => gunzipSync(object.body).toString('utf8').trim().split('\n'))
            .map((line) => JSON.parse(line) as { companyID: string; eventID: string; job30: number });
          expect(enriched.length).toBe(expected.enriched.size);
          expect(new Map(enriched.map((record) => [`${record.companyID} ${record.eventID}`, record.job30]))).toEqual(expected.enriched);
          expect(objects.filter(([key]) => key.startsWith('bucket/dead-letters/'))).toHaveLength(expected.deadLetters);
          const checkpointIndexes = laneStore.checkpoints.map(indexOf);
          expect(checkpointIndexes).toEqual([...checkpointIndexes].sort((a, b) => a - b));
          expect(laneStore.lanes.get(LANE)?.checkpoint).toBe(records.at(-1)?.sequenceNumber);
          sweepsEnded += laneStore.sweepsEnded;
        },
      ),
      { numRuns: 200 },
    );
    // The layout with sweeps must have run some that spanned batches, or it proved nothing of them.
    if (layout.includes('sweeps')) expect(sweepsEnded).toBeGreaterThan(0);
    else expect(sweepsEnded).toBe(0);
  });
});
