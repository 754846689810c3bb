import { atLeast, atMost, boundAttainment, cpuBound, littlesLawBound } from './bounds';

describe('littlesLawBound', () => {
  it('gives the seed design 1,000 events/s at 20 in flight and 20 ms', () => {
    expect(littlesLawBound({ capacity: 20, batchSize: 1, latencyMs: 20 })).toBe(1_000);
  });

  it('scales with the batch size', () => {
    expect(littlesLawBound({ capacity: 20, batchSize: 50, latencyMs: 20 })).toBe(50_000);
  });

  it('rejects a zero latency', () => {
    expect(() => littlesLawBound({ capacity: 20, batchSize: 1, latencyMs: 0 })).toThrow(RangeError);
  });
});

describe('cpuBound', () => {
  it('is the rate that keeps one core busy', () => {
    expect(cpuBound(125)).toBe(8_000);
    expect(cpuBound(125, 2)).toBe(16_000);
  });

  it('rejects a zero cost', () => {
    expect(() => cpuBound(0)).toThrow(RangeError);
  });
});

describe('boundAttainment', () => {
  it('judges against the CPU bound when it is lower', () => {
    // Act
    const attainment = boundAttainment(18_000, 50_000, 20_000);

    // Assess
    expect(attainment).toEqual({ littlesLaw: 50_000, cpu: 20_000, bound: 20_000, limitedBy: 'cpu', fraction: 0.9 });
  });

  it("judges against Little's law when latency binds first", () => {
    // Act
    const attainment = boundAttainment(800, 1_000, 30_000);

    // Assess
    expect(attainment.limitedBy).toBe('latency');
    expect(attainment.fraction).toBe(0.8);
  });
});

describe('target verdicts', () => {
  const format = (value: number) => `${value} ev/s`;

  it('meets a lower bound at the threshold and misses below it', () => {
    expect(atLeast('≥ 100', 100, 100, format)).toEqual({ target: '≥ 100', measured: '100 ev/s', met: true });
    expect(atLeast('≥ 100', 99, 100, format).met).toBe(false);
  });

  it('meets an upper bound at the threshold and misses above it', () => {
    expect(atMost('≤ 1000', 1_000, 1_000, format).met).toBe(true);
    expect(atMost('≤ 1000', 1_001, 1_000, format).met).toBe(false);
  });

  it('fails a target that could not be measured', () => {
    expect(atLeast('≥ 10×', undefined, 10, format)).toEqual({ target: '≥ 10×', measured: 'n/a', met: false });
  });
});
