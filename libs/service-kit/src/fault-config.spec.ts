import { faultConfigSchema, NO_FAULTS } from './fault-config';

describe('faultConfigSchema', () => {
  it('turns every fault off by default', () => {
    // assess
    expect(NO_FAULTS).toEqual({ latencyMs: 0, errorRate: 0, errorStatus: 500, timeoutRate: 0, timeoutMs: 60_000, resetRate: 0 });
  });

  it('accepts a log-normal latency with a seed', () => {
    // act
    const config = faultConfigSchema.parse({ latencyMs: 20, latencyP99Ms: 200, errorRate: 0.2, errorStatus: 429, seed: 7 });

    // assess
    expect(config).toMatchObject({ latencyMs: 20, latencyP99Ms: 200, errorRate: 0.2, errorStatus: 429, seed: 7 });
  });

  it.each([
    [{ errorRate: 0.6, timeoutRate: 0.3, resetRate: 0.2 }, 'errorRate'],
    [{ latencyMs: 50, latencyP99Ms: 10 }, 'latencyP99Ms'],
    [{ latencyP99Ms: 10 }, 'latencyP99Ms'],
    [{ errorStatus: 502 }, 'errorStatus'],
    [{ errorRate: 1.5 }, 'errorRate'],
    [{ errrorRate: 0.1 }, ''],
  ])('rejects %j at %s', (input, field) => {
    // act
    const result = faultConfigSchema.safeParse(input);

    // assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join('.')).toBe(field);
  });
});
