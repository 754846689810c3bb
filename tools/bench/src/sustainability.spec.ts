import { judgeStep, medianLatencyPerSecond, niceGranularity, RateSearch, type LatencySample, type StepObservation } from './sustainability';

/** `seconds` seconds at `perSecond` events, latency = base + growth × second. */
function samples(seconds: number, perSecond: number, baseMs: number, growthMsPerS: number): LatencySample[] {
  return Array.from({ length: seconds * perSecond }, (_, index) => {
    const sentAtMs = 1_000_000 + (index * 1_000) / perSecond;
    return { sentAtMs, latencyMs: baseMs + growthMsPerS * ((sentAtMs - 1_000_000) / 1_000) };
  });
}

const step = (overrides: Partial<StepObservation> = {}): StepObservation => ({
  targetRate: 100,
  sent: 1_000,
  delivered: 1_000,
  producerMaxLagMs: 20,
  samples: samples(10, 100, 150, 0),
  ...overrides,
});

describe('medianLatencyPerSecond', () => {
  it('gives one median per send second from the first sample', () => {
    // Prepare
    const points: LatencySample[] = [
      { sentAtMs: 5_000, latencyMs: 10 },
      { sentAtMs: 5_500, latencyMs: 30 },
      { sentAtMs: 6_100, latencyMs: 50 },
    ];

    // Act
    const series = medianLatencyPerSecond(points);

    // Assess
    expect(series).toEqual([
      { x: 0, y: 20 },
      { x: 1, y: 50 },
    ]);
  });

  it('is empty without samples', () => {
    expect(medianLatencyPerSecond([])).toEqual([]);
  });
});

describe('judgeStep', () => {
  it('sustains a step whose latency stays flat', () => {
    // Act
    const verdict = judgeStep(step());

    // Assess
    expect(verdict.sustainable).toBe(true);
    expect(verdict.reasons).toEqual([]);
    expect(verdict.latencySlopeMsPerS).toBeCloseTo(0, 5);
  });

  it('fails a step whose latency grows: a backlog is building', () => {
    // Act
    const verdict = judgeStep(step({ samples: samples(10, 100, 150, 200) }));

    // Assess
    expect(verdict.sustainable).toBe(false);
    expect(verdict.latencySlopeMsPerS).toBeCloseTo(200, 0);
    expect(verdict.reasons).toEqual(['latency grew 200 ms per second']);
  });

  it('fails a step whose producer fell behind or whose events did not all come out', () => {
    // Act
    const verdict = judgeStep(step({ producerMaxLagMs: 2_500, delivered: 900 }));

    // Assess
    expect(verdict.reasons).toEqual(['producer fell 2500 ms behind schedule', '900 of 1000 events came out']);
  });

  it('honours looser criteria', () => {
    expect(judgeStep(step({ samples: samples(10, 100, 150, 80) }), { maxLatencySlopeMsPerS: 100 }).sustainable).toBe(true);
  });
});

describe('RateSearch', () => {
  /** Runs a search against a pipeline that sustains everything up to `capacity`. */
  function run(search: RateSearch, capacity: number): number[] {
    const tried: number[] = [];
    for (let rate: number | undefined = search.first(); rate !== undefined; rate = search.next(rate, rate <= capacity)) tried.push(rate);
    return tried;
  }

  it('grows geometrically, then bisects between the best sustained and the first failed rate', () => {
    // Prepare
    const search = new RateSearch({ startRate: 1_000, growth: 2, refinements: 2, granularity: 50 });

    // Act
    const tried = run(search, 5_000);

    // Assess: 1000, 2000, 4000 hold; 8000 fails; 6000 fails; 5000 holds
    expect(tried).toEqual([1_000, 2_000, 4_000, 8_000, 6_000, 5_000]);
    expect(search.sustained).toBe(5_000);
    expect(search.failed).toBe(6_000);
  });

  it('steps down when even the first rate fails', () => {
    // Prepare
    const search = new RateSearch({ startRate: 1_000, growth: 2, refinements: 0 });

    // Act
    const tried = run(search, 300);

    // Assess
    expect(tried).toEqual([1_000, 500, 250]);
    expect(search.sustained).toBe(250);
  });

  it('stops after maxSteps', () => {
    // Act
    const tried = run(new RateSearch({ startRate: 100, growth: 2, maxSteps: 3 }), Infinity);

    // Assess
    expect(tried).toEqual([100, 200, 400]);
  });

  it('rejects a growth factor that would not grow', () => {
    expect(() => new RateSearch({ startRate: 100, growth: 1 })).toThrow(RangeError);
  });
});

describe('niceGranularity', () => {
  it('picks a readable step of about a sixteenth of the rate', () => {
    expect([niceGranularity(1_000), niceGranularity(400), niceGranularity(200), niceGranularity(50), niceGranularity(100_000)]).toEqual([50, 25, 10, 10, 1_000]);
  });
});
