import type { LiveModel } from './live-model';
import type { ProcessorSample } from './processor-sample';
import { viewSeries } from './view-series';

function sample(atMs: number, overrides: Partial<ProcessorSample> = {}): ProcessorSample {
  return {
    atMs,
    recordsIn: {},
    recordsRead: {},
    enriched: {},
    deadLetters: {},
    lagMs: {},
    stages: {},
    dependencies: {},
    lastCheckpointSeconds: {},
    batchesCompleted: 0,
    batchesCompletedByLane: {},
    duplicatesSkipped: 0,
    commitConflicts: 0,
    pendingRecovered: 0,
    scoringCalls: 0,
    tenantLookups: 0,
    tenantCacheHits: 0,
    cpuSeconds: 0,
    residentBytes: 0,
    heapUsedBytes: 0,
    ...overrides,
  };
}

const model = (samples: ProcessorSample[], output: LiveModel['output'] = []) => ({ samples, output });

describe('viewSeries', () => {
  it('turns cumulative counters into per-second rates between samples', () => {
    // Act
    const view = viewSeries(model([sample(0, { recordsIn: { jobs: 0 } }), sample(2_000, { recordsIn: { jobs: 100 } }), sample(3_000, { recordsIn: { jobs: 400 } })]));

    // Assess
    expect(view.inputByStream).toEqual([
      {
        name: 'jobs',
        points: [
          [2_000, 50],
          [3_000, 300],
        ],
      },
    ]);
  });

  it('draws no point across a counter reset (a processor restart)', () => {
    // Act
    const view = viewSeries(model([sample(0, { enriched: { jobs: 500 } }), sample(1_000, { enriched: { jobs: 10 } })]));

    // Assess
    expect(view.outputByStream[0]?.points).toEqual([[1_000, null]]);
  });

  it('gives the headline figures of the latest sample, CPU over the last interval', () => {
    // Act
    const { headline } = viewSeries(
      model([
        sample(0, { cpuSeconds: 1 }),
        sample(2_000, { recordsIn: { a: 3, b: 4 }, enriched: { a: 2 }, deadLetters: { x: 1, y: 2 }, lagMs: { l1: 10, l2: 900 }, cpuSeconds: 2, residentBytes: 123_400_000, commitConflicts: 5 }),
      ]),
    );

    // Assess
    expect(headline).toEqual({ recordsIn: 7, enriched: 2, deadLetters: 3, duplicatesSkipped: 0, commitConflicts: 5, pendingRecovered: 0, maxLagMs: 900, cpuPercent: 50, residentMb: 123.4 });
  });

  it('ranks the stages by their share of batch time, in pipeline order per second', () => {
    // Act
    const view = viewSeries(model([sample(0), sample(1_000, { stages: { read: { sumMs: 10, count: 2 }, commit: { sumMs: 30, count: 2 } } })]));

    // Assess
    expect(view.stageShares).toEqual([
      { stage: 'commit', share: 0.75, totalMs: 30, meanMs: 15 },
      { stage: 'read', share: 0.25, totalMs: 10, meanMs: 5 },
    ]);
    expect(view.stageMsPerSecond.map(({ name }) => name)).toEqual(['read', 'compute', 'commit', 'publish', 'complete']);
  });

  it('summarises each dependency: calls, errors, throttles, retries, mean latency, rate and breaker', () => {
    // Act
    const view = viewSeries(
      model([
        sample(0, { dependencies: { churn: { calls: 10, errors: 0, throttled: 0, latencySumMs: 100, latencyCount: 10, retries: 0, breakerOpen: 0 } } }),
        sample(2_000, { dependencies: { churn: { calls: 30, errors: 2, throttled: 1, latencySumMs: 900, latencyCount: 30, retries: 3, breakerOpen: 1 }, s3: { calls: 1, errors: 0, throttled: 0, latencySumMs: 5, latencyCount: 1, retries: 0 } } }),
      ]),
    );

    // Assess
    expect(view.dependencies).toEqual([
      { dependency: 'churn', calls: 30, errors: 2, throttled: 1, retries: 3, meanLatencyMs: 30, callsPerSecond: 10, breaker: 'open' },
      { dependency: 's3', calls: 1, errors: 0, throttled: 0, retries: 0, meanLatencyMs: 5, callsPerSecond: 0, breaker: 'none' },
    ]);
    expect(view.dependencyLatency.find(({ name }) => name === 'churn')?.points).toEqual([[2_000, 40]]);
  });

  it('charts output and the age of output events per source shard, a gap where nothing came out', () => {
    // Act
    const view = viewSeries(
      model(
        [],
        [
          { atMs: 0, byShard: { 'jobs/s0': 3 }, maxAgeMsByShard: { 'jobs/s0': 800 } },
          { atMs: 1_000, byShard: {}, maxAgeMsByShard: {} },
        ],
      ),
    );

    // Assess
    expect(view.outputByShard).toEqual([{ name: 'jobs/s0', points: [[0, 3], [1_000, 0]] }]);
    expect(view.outputAgeByShard).toEqual([{ name: 'jobs/s0', points: [[0, 800], [1_000, null]] }]);
    expect(view.headline).toBeUndefined();
  });
});
