import { DEFAULT_JOB_EVENT_LIMITS, enrichedCompanySchema, generateCompanies } from '@tenant-analytics/domain';
import type { ChurnScorer, ChurnVerdict } from '@tenant-analytics/processor';
import {
  InMemoryObjectSink,
  InMemoryStreamSink,
  InMemoryTenantDirectory,
  jobEvent,
  kinesisRecordFactory,
  ManualClock,
  RuleChurnScorer,
} from '@tenant-analytics/processor/testing';
import { SeedDesignPipeline } from './seed-design';
import { trackingScorer } from './testing/tracking-scorer';

const companies = generateCompanies(42, 3);
function companyAt(index: number) {
  const company = companies[index];
  if (company === undefined) throw new Error(`no company ${index}`);
  return company;
}
const clock = new ManualClock(new Date('2026-11-25T10:00:05Z'));

function build<S extends ChurnScorer>(scorer: S, recordsPerObject = 1_000) {
  const directory = new InMemoryTenantDirectory(new Map(companies.map((company) => [company.companyID, company])));
  const objects = new InMemoryObjectSink();
  const stream = new InMemoryStreamSink();
  const pipeline = new SeedDesignPipeline(
    { capacity: 2, limits: DEFAULT_JOB_EVENT_LIMITS, sink: { bucket: 'bucket', prefix: 'seed' }, recordsPerObject },
    { directory, scorer, objects, stream, clock },
  );
  return { pipeline, directory, objects, stream, scorer };
}

describe('SeedDesignPipeline', () => {
  it('looks up and scores every event on its own and adds nbJobs to the profile counts', async () => {
    // Prepare
    const { pipeline, directory, scorer, stream } = build(new RuleChurnScorer());
    const record = kinesisRecordFactory('bigdatajobs');
    const company = companyAt(1);
    const records = [record(jobEvent({ companyID: company.companyID, nbJobs: 3 })), record(jobEvent({ companyID: company.companyID, nbJobs: 2 }))];

    // Act
    const result = await pipeline.run(records);

    // Assess: no cache, no batching, no rolling state
    expect(result).toEqual({ enriched: 2, dropped: 0 });
    expect(directory.calls).toBe(2);
    expect(scorer.calls).toBe(2);
    expect(stream.records.map((output) => output.job30).sort()).toEqual([company.job30 + 2, company.job30 + 3]);
    expect(stream.records.every((output) => enrichedCompanySchema.safeParse(output).success)).toBe(true);
  });

  it('drops undecodable records and unknown companies silently', async () => {
    // Prepare
    const { pipeline, stream } = build(new RuleChurnScorer());
    const record = kinesisRecordFactory('bigdatajobs');

    // Act
    const result = await pipeline.run([record('not json'), record(jobEvent({ companyID: 'comp_nobody' })), record(jobEvent({ companyID: companyAt(0).companyID }))]);

    // Assess
    expect(result).toEqual({ enriched: 1, dropped: 2 });
    expect(stream.records).toHaveLength(1);
  });

  it('drops events whose score call failed, as the seed filter did', async () => {
    // Prepare
    const failing: ChurnScorer = { maxBatchSize: 1, score: async (): Promise<ChurnVerdict[]> => Promise.reject(new Error('503')) };
    const { pipeline } = build(failing);

    // Act
    const result = await pipeline.run([kinesisRecordFactory('bigdatajobs')(jobEvent({ companyID: companyAt(0).companyID }))]);

    // Assess
    expect(result).toEqual({ enriched: 0, dropped: 1 });
  });

  it('keeps at most `capacity` score calls in flight', async () => {
    // Prepare
    const slow = trackingScorer(() => new Promise<void>((resolve) => setImmediate(resolve)), 1);
    const { pipeline } = build(slow.scorer);
    const record = kinesisRecordFactory('bigdatajobs');

    // Act
    await pipeline.run(Array.from({ length: 10 }, () => record(jobEvent({ companyID: companyAt(2).companyID }))));

    // Assess
    expect(slow.maxInFlight()).toBe(2);
  });

  it('rolls an uncompressed JSON Lines object every recordsPerObject records', async () => {
    // Prepare
    const { pipeline, objects } = build(new RuleChurnScorer(), 2);
    const record = kinesisRecordFactory('bigdatajobs');

    // Act
    await pipeline.run(Array.from({ length: 5 }, () => record(jobEvent({ companyID: companyAt(0).companyID }))));

    // Assess
    const lines = [...objects.objects.values()].map((object) => Buffer.from(object.body).toString('utf8').trim().split('\n').length);
    expect(lines.sort()).toEqual([1, 2, 2]);
  });
});
